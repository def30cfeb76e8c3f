"""Drafting benchmark: `make bench` (or `.venv/bin/python bench/drafting.py`) prints
(a) save latency, p50/p95 over 200 service-level saves, on a fresh SQLite file and, when
    DATABASE_URL points at PostgreSQL, in a scratch database created beside it (and dropped);
(b) merge time for a 5,000-word section: two edits to different paragraphs, and a clashing pair;
(c) p50/p95 latency of the response dashboard (GET /responses/<id>) and the section editor
    (GET /responses/<id>/sections/<section_id>) under 20 concurrent clients against gunicorn
    (2 workers, loopback only), on a temporary SQLite file seeded with `flask demo`; once for
    the demo response and once for a large one (40 sections, 2,000 revisions), with the
    CPU time the workers spent per request (on Linux): latency rises with whatever else runs
    on the machine, the CPU time hardly does.
Target for (c): p95 under 100 ms on a 2-core machine. Nothing outside a temporary folder (and
the scratch PostgreSQL database) is touched, and gunicorn is stopped at the end.

Options: --saves N, --requests N (per client and page), --clients N, --warm-up N (untimed
requests per client and page before the timed ones), --skip-http."""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the demo accounts' published password
DEMO_LOGINS = ("editor@demo.example", "coordinator@demo.example")
TARGET_P95_MS = 100.0
VOCABULARY = [
    *("police", "facial", "recognition", "cameras", "oversight", "consent", "protest"),
    *("rights", "privacy", "watchlist", "authorisation", "regulator", "deployment"),
    *("evidence", "safeguards", "biometric", "public"),
]


# --- helpers --------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """(p50, p95, max) in milliseconds."""
    ordered = sorted(samples)
    if not ordered:
        return (float("nan"),) * 3
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000, ordered[-1] * 1000


def line(label: str, samples: list[float], extra: str = "") -> str:
    p50, p95, worst = percentiles(samples)
    return (
        f"  {label:<52} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   max {worst:7.1f} ms"
        f"   (n={len(samples)}){extra}"
    )


class Saves:
    """Saves timed three ways: the latency a person waits, which rises with whatever else runs
    on the machine; this process's CPU time and the SQL statements sent, which hardly move:
    the figures to compare between versions of the saving code."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.cpu = 0.0
        self.statements = 0
        self._counting = False

    def count(self, *_args) -> None:
        if self._counting:
            self.statements += 1

    @contextmanager
    def timed(self):
        self._counting = True
        started, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.samples.append(time.perf_counter() - started)
            self.cpu += time.process_time() - cpu
            self._counting = False

    def line(self, label: str) -> str:
        saves = len(self.samples)
        cpu, statements = self.cpu / saves * 1000, self.statements / saves
        return line(label, self.samples, f"  CPU {cpu:.1f} ms/save, {statements:.0f} statements")


@contextmanager
def saves_on(engine):
    """A Saves counting the statements `engine` sends while a save is timed."""
    from sqlalchemy import event

    saves = Saves()
    event.listen(engine, "before_cursor_execute", saves.count)
    try:
        yield saves
    finally:
        event.remove(engine, "before_cursor_execute", saves.count)


def base_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "CONSULT_ENV": "development",
            "SECRET_KEY": "benchmark-secret-key-long-enough-for-flask-sessions",
            "FLASK_DEBUG": "0",
        }
    )
    for name in ("REDIS_URL", "MAIL_SERVER", "SERVER_NAME", "TRUSTED_PROXY_COUNT"):
        env.pop(name, None)
    return env


def flask_cli(database_url: str, *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own venv's flask, fixed arguments
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=base_env(database_url),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@contextmanager
def app_for(database_url: str):
    """The app, in an app context, on that database (schema and demo data already there)."""
    saved = {key: os.environ.get(key) for key in ("DATABASE_URL", "CONSULT_ENV", "SECRET_KEY")}
    os.environ.update({k: v for k, v in base_env(database_url).items() if k in saved})
    try:
        from consult import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False})
        with app.app_context():
            yield app
            from consult.extensions import db

            db.session.remove()
            db.engine.dispose()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def demo_response():
    from sqlalchemy import select

    from consult.demo import DEMO_SLUG
    from consult.drafting.models import Response
    from consult.extensions import db
    from consult.organisations.models import Organisation

    return db.session.scalar(
        select(Response).join(Organisation).where(Organisation.slug == DEMO_SLUG)
    )


def demo_membership(email: str):
    from sqlalchemy import select

    from consult.accounts.models import User
    from consult.demo import DEMO_SLUG
    from consult.extensions import db
    from consult.organisations.models import Membership, Organisation

    return db.session.scalar(
        select(Membership)
        .join(Organisation)
        .join(User, Membership.user_id == User.id)
        .where(Organisation.slug == DEMO_SLUG, User.email == email)
    )


def paragraph(number: int, words: int = 100) -> str:
    vocabulary = VOCABULARY
    return f"P{number}. " + " ".join(
        vocabulary[(number + i) % len(vocabulary)] for i in range(words)
    )


def five_thousand_words() -> list[str]:
    return [paragraph(number) for number in range(50)]  # 50 paragraphs of about 100 words


# --- (a) save latency -----------------------------------------------------------------------


def bench_saves(database_url: str, saves: int) -> list[str]:
    """Plain saves (each from the head), committed, as the API's PUT does them; then merged
    saves (each from the revision before the head, editing another paragraph)."""
    from consult.drafting import services
    from consult.drafting.markdown import word_count
    from consult.extensions import db

    with app_for(database_url), ExitStack() as stack:
        membership = demo_membership("editor@demo.example")
        user = membership.user
        response = services.create_response(membership, demo_response().consultation, "Bench")
        section = services.add_section(user, response, "Benchmark section")
        db.session.commit()
        texts = [paragraph(n, 60) for n in range(12)]  # a 700-word section
        plain = stack.enter_context(saves_on(db.engine))
        head = None
        for number in range(saves):
            texts[number % len(texts)] = paragraph(number + 100, 60)
            body = "\n\n".join(texts)
            with plain.timed():
                outcome = services.save_section(user, section, body, None, head)
                db.session.commit()
            head = outcome.revision.id
        merged = stack.enter_context(saves_on(db.engine))
        previous = head
        for number in range(saves // 2):
            # Someone else saved meanwhile: this save starts from the older revision.
            base_texts = section.body.split("\n\n")
            theirs = list(base_texts)
            theirs[0] = paragraph(5000 + number, 60)
            services.save_section(user, section, "\n\n".join(theirs), None, previous)
            db.session.commit()
            mine = list(base_texts)
            mine[-1] = paragraph(9000 + number, 60)
            with merged.timed():
                outcome = services.save_section(user, section, "\n\n".join(mine), None, previous)
                db.session.commit()
            assert outcome.merged and outcome.conflict is None
            previous = outcome.revision.id
        words = word_count(section.body)
        dialect = db.engine.dialect.name
    return [
        plain.line(f"{dialect}: plain save ({words} words)"),
        merged.line(f"{dialect}: save that merges ({words} words)"),
    ]


# --- (b) merge time -------------------------------------------------------------------------


def merge_texts_fixture() -> tuple[str, str, str, str]:
    """(base, theirs, yours, clash): 5,000 words; theirs and yours edit different paragraphs,
    clash edits the paragraph theirs edits."""
    base = five_thousand_words()
    theirs, yours, clash = list(base), list(base), list(base)
    theirs[10] = paragraph(1000)
    yours[40] = paragraph(2000)
    clash[10] = paragraph(3000)
    return tuple("\n\n".join(texts) for texts in (base, theirs, yours, clash))


def bench_merge_texts() -> list[str]:
    from consult.drafting.markdown import word_count
    from consult.drafting.merge import merge_texts

    base_text, their_text, your_text, clash_text = merge_texts_fixture()
    words = word_count(base_text)

    def timed(runs: int, *args: str) -> tuple[list[float], str | None]:
        samples, result = [], None
        for _ in range(runs):
            started = time.perf_counter()
            result = merge_texts(*args)
            samples.append(time.perf_counter() - started)
        return samples, result

    clean, merged = timed(30, base_text, their_text, your_text)
    assert merged is not None and paragraph(1000) in merged and paragraph(2000) in merged
    clashing, result = timed(30, base_text, their_text, clash_text)
    assert result is None
    return [
        line(f"merge_texts, {words} words, different paragraphs", clean),
        line(f"merge_texts, {words} words, same paragraph (conflict)", clashing),
    ]


def bench_merge_saves(database_url: str) -> list[str]:
    """The same texts as whole saves through the service: lock, merge, revision, commit."""
    from consult.drafting import services
    from consult.drafting.markdown import word_count
    from consult.extensions import db

    base_text, their_text, your_text, clash_text = merge_texts_fixture()
    words = word_count(base_text)
    with (
        app_for(database_url),
        saves_on(db.engine) as merge_saves,
        saves_on(db.engine) as conflict_saves,
    ):
        membership = demo_membership("editor@demo.example")
        user = membership.user
        response = services.create_response(membership, demo_response().consultation, "Merge")
        db.session.commit()
        for _ in range(10):
            section = services.add_section(user, response, "Long section")
            db.session.commit()
            first = services.save_section(user, section, base_text, None, None).revision.id
            db.session.commit()
            services.save_section(user, section, their_text, None, first)
            db.session.commit()
            with merge_saves.timed():
                outcome = services.save_section(user, section, your_text, None, first)
                db.session.commit()
            assert outcome.merged
            with conflict_saves.timed():
                outcome = services.save_section(user, section, clash_text, None, first)
                db.session.commit()
            assert outcome.conflict is not None
        dialect = db.engine.dialect.name
    return [
        merge_saves.line(f"{dialect}: whole save that merges, {words} words"),
        conflict_saves.line(f"{dialect}: whole save that conflicts, {words} words"),
    ]


# --- PostgreSQL scratch database ------------------------------------------------------------


@contextmanager
def scratch_postgresql(database_url: str):
    """A new, empty database beside DATABASE_URL's, dropped afterwards (None if not allowed)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    name = f"{url.database}_bench_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        print(f"  postgresql: could not create a scratch database ({type(error).__name__})")
        yield None
        return
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- (c) pages under load -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(
    database_url: str,
    workdir: Path,
    arguments: tuple[str, ...] = ("-w", "2"),
    environment: dict[str, str] | None = None,
    root: Path = ROOT,
    app: str = "wsgi:app",
):
    """The app (Consult, or bench/floor.py's floor) under gunicorn on a free loopback port
    (`arguments`: its workers; `environment` added to its own; `root`: the tree whose code it
    serves, this one unless another's is compared): (base URL, the master's pid); stopped
    afterwards."""
    port = free_port()
    log = (workdir / "gunicorn.log").open("w")
    command = [str(BIN / "gunicorn"), *arguments, "-b", f"127.0.0.1:{port}", app]
    options = subprocess.run(  # noqa: S603 - our own venv's gunicorn
        [command[0], "--help"], capture_output=True, text=True, check=False
    ).stdout
    if "--no-control-socket" in options:
        # Newer gunicorns open a control socket in ~/.gunicorn, shared by every instance.
        command.insert(1, "--no-control-socket")
    process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, loopback only
        command,
        cwd=root,
        env=base_env(database_url) | (environment or {}),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # a busy machine starts it slowly
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {workdir / 'gunicorn.log'}")
            try:
                urllib.request.urlopen(f"{base}/login", timeout=2).read()  # noqa: S310 - loopback
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer within 90 s") from None
                time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def worker_stats(master_pid: int) -> dict[int, list[str]]:
    """gunicorn's workers (the master's children), each pid with the fields of its
    /proc/<pid>/stat after the command name (empty where there is no /proc)."""
    workers = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # a process that ended meanwhile
            continue
        if int(fields[1]) == master_pid:  # its parent: the master
            workers[int(stat.parent.name)] = fields
    return workers


def workers_cpu_seconds(master_pid: int) -> float | None:
    """CPU seconds (user and system) that gunicorn's workers have used so far, from Linux's
    /proc (None elsewhere). Unlike latency, this hardly moves when other work loads the
    machine: the figure to compare between versions of the pages."""
    workers = worker_stats(master_pid)
    ticks = os.sysconf("SC_CLK_TCK")
    total = sum(int(fields[11]) + int(fields[12]) for fields in workers.values())  # utime, stime
    return total / ticks if workers else None


class Client:
    """One browser: its own cookie jar, logged in through the real form with its CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=30) as reply:
                return reply.status, reply.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def login(self, email: str) -> None:
        status, page = self.get("/login")
        match = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError("no login form with a CSRF token at /login")
        form = urllib.parse.urlencode(
            {"email": email, "password": DEMO_PASSWORD, "csrf_token": match.group(1).decode()}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.base + "/login", data=form, method="POST"
        )
        with self.opener.open(request, timeout=30) as reply:  # follows the redirect
            if "/login" in reply.url:
                raise RuntimeError(f"logging in as {email} failed")


async def _fetch(host: str, port: int, path: str, cookie: str) -> tuple[int, float, int]:
    """One GET on a new connection (gunicorn's sync workers close each one): (status, seconds
    from connecting to the last byte, bytes received)."""
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    await writer.drain()
    answer = await reader.read()  # to the end: the server closes the connection
    elapsed = time.perf_counter() - started
    writer.close()
    return int(answer.split(b" ", 2)[1]), elapsed, len(answer)


def load(
    base: str,
    clients: list[Client],
    paths: list[str],
    requests: int,
    sizes: list[int] | None = None,
    warm_up: int = 10,
    seconds: list[float] | None = None,
    cpu: tuple[Callable[[], float | None], list[float]] | None = None,
) -> list[float]:
    """Every client GETs its share of `paths` `requests` times, all clients at once, each
    sending its next request as soon as the last one is answered. `cpu`, (probe, out): the
    probe's reading before and after the timed requests, their difference added to `out`.

    All clients warm up first (`warm_up` requests each, all answered) before any request is
    timed, so that the figures are the server's steady state. A worker's first full garbage
    collection after it starts scans every object the app made while loading and stops it
    for some 60 ms; both workers serve the same requests, so they stop at the same moment,
    and every request in flight (20 of them: 10 % of a 200-request run) waits. With one
    warm-up request per client that pause fell inside the first page measured (the dashboard,
    whose p95 came out at twice its p50); in a server that runs for hours it is one pause in
    thousands of requests. The first timed requests would also queue behind the others'
    warm-ups, which compile the page's templates in each worker.

    The clients are coroutines on one event loop rather than threads: with 20 threads,
    waking each one up to read its answer (the GIL) added hundreds of milliseconds to the
    slowest requests, which measured the client instead of the server."""
    parts = urllib.parse.urlsplit(base)
    host, port = parts.hostname, parts.port
    failures: list[str] = []

    async def warm(index: int, client: Client) -> None:
        for number in range(warm_up):
            path = paths[(index + number) % len(paths)]
            await _fetch(host, port, path, client.cookie_header())

    async def client_loop(index: int, client: Client) -> list[float]:
        cookie = client.cookie_header()
        samples = []
        for number in range(requests):
            path = paths[(index + number) % len(paths)]
            status, elapsed, size = await _fetch(host, port, path, cookie)
            samples.append(elapsed)
            if sizes is not None:
                sizes.append(size)
            if status != 200:
                failures.append(f"{status} {path}")
        return samples

    async def everyone() -> list[list[float]]:
        await asyncio.gather(*(warm(i, c) for i, c in enumerate(clients)))
        started = time.perf_counter()
        cpu_before = cpu[0]() if cpu else None
        timed = await asyncio.gather(*(client_loop(i, c) for i, c in enumerate(clients)))
        if seconds is not None:
            seconds.append(time.perf_counter() - started)  # the timed requests only
        if cpu and cpu_before is not None and (cpu_after := cpu[0]()) is not None:
            cpu[1].append(cpu_after - cpu_before)
        return timed

    samples = [sample for mine in asyncio.run(everyone()) for sample in mine]
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return samples


def kilobytes(sizes: list[int]) -> str:
    """The pages' median size, headers included."""
    return f"{statistics.median(sizes) / 1024:.0f} KB" if sizes else "size unknown"


def page_routes_exist() -> bool:
    from consult import create_app

    rules = {
        rule.rule
        for rule in create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).url_map.iter_rules()
    }
    return {
        "/responses/<int:response_id>",
        "/responses/<int:response_id>/sections/<int:section_id>",
    } <= rules


def grow_large_response(database_url: str, sections: int = 40, revisions: int = 2000) -> int:
    """A second response with `sections` live sections and `revisions` revisions in all."""
    from consult.drafting import services
    from consult.extensions import db

    with app_for(database_url):
        membership = demo_membership("editor@demo.example")
        user = membership.user
        response = services.create_response(
            membership, demo_response().consultation, "Large response (benchmark)"
        )
        while len(services.live_sections(response)) < sections:
            services.add_section(user, response, f"Annex {len(response.sections)}")
        db.session.commit()
        live = services.live_sections(response)
        per_section = revisions // len(live)
        for index, section in enumerate(live):
            count = per_section + (1 if index < revisions % len(live) else 0)
            texts = [paragraph(index * 10 + n, 40) for n in range(5)]
            choice = (
                section.question.options[0]
                if section.question and section.question.options
                else None
            )
            head = None
            for number in range(count):
                texts[number % 5] = paragraph(index * 1000 + number, 40)
                outcome = services.save_section(user, section, "\n\n".join(texts), choice, head)
                head = outcome.revision.id
            db.session.commit()
        return response.id


def bench_pages(clients_count: int, requests: int, warm_up: int = 10) -> list[str]:
    if not page_routes_exist():
        return ["  page not available yet (no dashboard or section editor route in the app)"]
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-http-"))
    database_url = f"sqlite:///{workdir / 'bench.db'}"
    lines = []
    try:
        flask_cli(database_url, "db", "upgrade")
        flask_cli(database_url, "demo")
        with app_for(database_url):
            from consult.drafting import services

            response = demo_response()
            demo = (response.id, [s.id for s in services.live_sections(response)])
        large_id = grow_large_response(database_url)
        with app_for(database_url):
            from consult.drafting.models import Response
            from consult.extensions import db

            large = (
                large_id,
                [s.id for s in services.live_sections(db.session.get(Response, large_id))],
            )
        with gunicorn(database_url, workdir) as (base, master_pid):
            clients = [Client(base) for _ in range(clients_count)]
            for index, client in enumerate(clients):
                client.login(DEMO_LOGINS[index % len(DEMO_LOGINS)])

            def measure(label: str, paths: list[str]) -> list[float]:
                sizes: list[int] = []
                seconds: list[float] = []
                cpu: list[float] = []
                probe = (lambda: workers_cpu_seconds(master_pid), cpu)
                samples = load(base, clients, paths, requests, sizes, warm_up, seconds, probe)
                extra = f"  {len(samples) / seconds[0]:.0f} req/s, {kilobytes(sizes)}"
                if cpu:
                    extra += f", workers' CPU {cpu[0] / len(samples) * 1000:.1f} ms/request"
                lines.append(line(label, samples, extra))
                return samples

            for label, (response_id, section_ids) in (
                (f"demo response, {len(demo[1])} sections", demo),
                (f"large response, {len(large[1])} sections, 2,000 revisions", large),
            ):
                lines.append(f"  {label}:")
                dashboard = measure("GET /responses/<id>", [f"/responses/{response_id}"])
                editor = measure(
                    "GET /responses/<id>/sections/<section_id>",
                    [f"/responses/{response_id}/sections/{s}" for s in section_ids],
                )
                for name, samples in (("dashboard", dashboard), ("editor", editor)):
                    p95 = percentiles(samples)[1]
                    verdict = "meets" if p95 < TARGET_P95_MS else "MISSES"
                    lines.append(
                        f"    {name}: p95 {p95:.1f} ms {verdict} the {TARGET_P95_MS:.0f} ms target"
                    )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return lines


# --- main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=200)
    # 30 each: 600 timed requests a page, so that one garbage-collection pause (both workers
    # stop some 60-140 ms at once, about every 1,000 requests each) is not a tenth of them.
    parser.add_argument("--requests", type=int, default=30, help="per client and page")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--warm-up", type=int, default=10, help="untimed requests per client and page first"
    )
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    print(
        f"Consult drafting benchmark ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"load average {os.getloadavg()[0]:.1f}: other work on the machine slows every figure)"
    )

    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-"))
    try:
        with ExitStack() as stack:
            databases = [f"sqlite:///{workdir / 'saves.db'}"]
            postgresql = os.environ.get("DATABASE_URL", "")
            if postgresql.startswith(("postgresql", "postgres:")):
                scratch = stack.enter_context(scratch_postgresql(postgresql))
                if scratch:
                    databases.append(scratch)
            for database_url in databases:
                flask_cli(database_url, "db", "upgrade")
                flask_cli(database_url, "demo")

            print(f"\n(a) save latency, {args.saves} saves, service level, each committed")
            for database_url in databases:
                for text in bench_saves(database_url, args.saves):
                    print(text)
            if len(databases) == 1:
                print("  postgresql: not measured (DATABASE_URL does not point at PostgreSQL)")

            print("\n(b) merge time, 5,000-word section")
            for text in bench_merge_texts():
                print(text)
            for database_url in databases:
                for text in bench_merge_saves(database_url):
                    print(text)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    if not args.skip_http:
        print(
            f"\n(c) pages under {args.clients} concurrent clients, gunicorn -w 2, SQLite, "
            f"{args.requests} requests per client and page after {args.warm_up} untimed ones "
            f"(load average {os.getloadavg()[0]:.1f})"
        )
        for text in bench_pages(args.clients, args.requests, args.warm_up):
            print(text)
        print(f"  load average afterwards: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
