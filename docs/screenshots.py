"""Screenshots of the main screens for the README (`make screenshots`).

Builds a throwaway instance with the demo data (as `make run` does, plus a version open for
signing with 120 signatures, and a conflict between two writers made through the services),
serves it, and walks the screens a coordinator, an editor and a supporter see in headless
Chromium, on a laptop and on a phone, exporting a PDF on the way. The PNGs go to
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


# Two writers change the same paragraph of question 4 from the same revision: the second save
# is kept aside as a conflict for its writer to resolve. Prints "response section revision".
MAKE_CONFLICT = """
from sqlalchemy import select
from consult import create_app
from consult.accounts.models import User
from consult.drafting import services
from consult.drafting.models import Section
from consult.extensions import db

app = create_app()
with app.app_context():
    section = db.session.scalar(
        select(Section).where(Section.kind == "question", Section.number == 4)
    )
    people = {u.email: u for u in db.session.scalars(select(User))}
    base = section.head
    first, rest = base.body.split("\\n\\n", 1)
    services.save_section(
        people["coordinator@demo.example"], section,
        "Yes. Each mode carries its own risks, and none of them is harmless.\\n\\n" + rest,
        base.choice, base.id,
    )
    clash = services.save_section(
        people["editor@demo.example"], section,
        "Yes, and the law should name each mode and the safeguards it needs.\\n\\n" + rest,
        base.choice, base.id,
    )
    assert clash.conflict is not None, "the second save should have been a conflict"
    db.session.commit()
    print(section.response_id, section.id, clash.revision.id)
"""


def make_conflict(environment: dict[str, str]) -> str:
    """The path of the conflict screen the demo's editor will see."""
    made = subprocess.run(
        [sys.executable, "-c", MAKE_CONFLICT],
        env=environment,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    response_id, section_id, revision_id = made[-3:]
    return f"/responses/{response_id}/sections/{section_id}/conflict/{revision_id}"


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


def walk(base: str, version_id: int, conflict: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        laptop = browser.new_page(viewport=LAPTOP)
        log_in(laptop, base, "coordinator@demo.example")
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
        shoot(laptop, "05-whole-response-preview")
        laptop.goto(f"{base}/versions/{version_id}")
        shoot(laptop, "06-version-and-fingerprint")
        laptop.goto(f"{base}/versions/{version_id}/signatures")
        shoot(laptop, "07-signatures-for-the-coordinator")

        laptop.goto(f"{dashboard}/export")
        laptop.get_by_label("PDF").first.check()
        laptop.get_by_role("button", name="Export", exact=True).click()
        laptop.wait_for_load_state()
        override = laptop.locator("input[name=override]")  # the demo leaves questions open
        if override.count():
            override.check()
            laptop.get_by_role("button", name="Export", exact=True).click()
        laptop.get_by_role("heading", name="Your file is ready").wait_for(timeout=120_000)
        shoot(laptop, "10-export-ready")
        laptop.goto(f"{dashboard}/export")
        shoot(laptop, "09-export")
        laptop.goto(f"{dashboard}/export/text")
        # Past the choices, to the answers and their copy buttons.
        laptop.evaluate("() => document.getElementById('whole-title').scrollIntoView()")
        shoot(laptop, "11-text-for-online-forms")

        writer = browser.new_page(viewport=LAPTOP)
        log_in(writer, base, "editor@demo.example")
        writer.goto(f"{base}{conflict}")
        shoot(writer, "04-conflict")

        supporter = browser.new_page(viewport=PHONE)
        supporter.goto(f"{base}/sign/{version_id}")
        shoot(supporter, "08-public-signing-phone")
        phone = browser.new_page(viewport=PHONE)
        log_in(phone, base, "editor@demo.example")
        phone.goto(editor)
        shoot(phone, "12-section-editor-phone")
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
        environment["EXPORT_JOBS"] = "thread"  # no RQ worker here: the app renders exports
        version_id = prepare(environment)
        conflict = make_conflict(environment)
        port = free_port()
        server = serve(environment, port)
        try:
            print("Screenshots:")
            walk(f"http://127.0.0.1:{port}", version_id, conflict)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
