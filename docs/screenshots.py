"""Screenshots of the main screens for the README (`make screenshots`).

Builds a throwaway instance with the demo data (as `make run` does, plus a version open for
signing with 120 signatures), serves it, and walks the screens a coordinator, an editor and a
supporter see in headless Chromium, on a laptop and on a phone. The PNGs go to
docs/screenshots/, which the README shows; run it again after changing a screen."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshots"
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 375, "height": 740}
PASSWORD = "demo-password"  # noqa: S105 - the demo's printed password


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(environment: dict[str, str]) -> int:
    """A fresh database with the demo data; returns the id of the version open for signing."""
    subprocess.run([*FLASK, "db", "upgrade"], env=environment, cwd=ROOT, check=True)
    seeded = subprocess.run(
        [*FLASK, "demo", "--signatories", "120"],
        env=environment,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = re.search(r"\(id (\d+), sha256", seeded)
    if not found:
        raise SystemExit(f"`flask demo` did not report a version:\n{seeded}")
    return int(found.group(1))


def serve(environment: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [*FLASK, "run", "--host", "127.0.0.1", "--port", str(port)],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz"):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the app did not start")


def shoot(page: Page, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUTPUT / f"{name}.png"))
    print(f"  docs/screenshots/{name}.png")


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def walk(base: str, version_id: int) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        laptop = browser.new_page(viewport=LAPTOP)
        log_in(laptop, base, "coordinator@demo.example")
        shoot(laptop, "00-organisation-overview")
        laptop.goto(f"{base}/o/demo-civil-liberties-network/responses")
        laptop.get_by_role("link", name=re.compile("response to the Home Office")).first.click()
        dashboard = laptop.url
        shoot(laptop, "01-response-dashboard")

        laptop.get_by_role("link", name=re.compile("^Should live, retrospective")).click()
        editor = laptop.url
        shoot(laptop, "02-section-editor")
        laptop.goto(f"{editor}/history")
        shoot(laptop, "03-history-and-diff")
        laptop.goto(f"{dashboard}/preview")
        shoot(laptop, "04-whole-response-preview")
        laptop.goto(f"{base}/versions/{version_id}/signatures")
        shoot(laptop, "05-signatures-for-the-coordinator")
        laptop.goto(dashboard)
        export = laptop.get_by_role("link", name=re.compile("^Export"))
        if export.count():
            export.first.click()
            shoot(laptop, "06-export")

        supporter = browser.new_page(viewport=PHONE)
        supporter.goto(f"{base}/sign/{version_id}")
        shoot(supporter, "07-public-signing-phone")
        phone = browser.new_page(viewport=PHONE)
        log_in(phone, base, "editor@demo.example")
        phone.goto(editor)
        shoot(phone, "08-section-editor-phone")
        browser.close()


def main() -> int:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        environment = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{scratch}/screenshots.db",
            "SECRET_KEY": "screenshots-only-secret-key-0123456789abcdef",
        }
        environment.pop("MAIL_SERVER", None)
        version_id = prepare(environment)
        port = free_port()
        server = serve(environment, port)
        try:
            print("Screenshots:")
            walk(f"http://127.0.0.1:{port}", version_id)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
