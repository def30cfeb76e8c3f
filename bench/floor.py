"""The floor: how near the least the work needs is Consult's public signing?
`.venv/bin/python bench/floor.py` (issue 17).

Absolute rates move with the machine and whatever else runs on it; a ratio against the least
the same work needs, measured in the same run, hardly does. The floor is written plainly here:
a minimal Flask + SQLAlchemy Core app (`floor_app`) that, for one public signature, parses and
validates the same JSON, reads the version (open? public?), checks the two rate limits (per
client address, per e-mail address) in one Redis round trip, inserts the signature (its
unique (version, signer) key: a repeated address adds no row), its consent record and its
confirmation e-mail in the outbox, and commits. It uses Consult's own tables, reflected from
the benchmark's database, so every row costs what Consult's does.

For each database (SQLite; PostgreSQL when DATABASE_URL or --postgresql names one, in a scratch
database dropped afterwards): `flask db upgrade` and `flask demo --signatories 0`, one private
redis-server, then Consult and the floor, each under the same gunicorn (-w 3, sync) and the
same load generator (bench/signing.py: 50 asyncio clients, each request from a new
X-Forwarded-For address, one in ten repeating a signer), alternately for --rounds rounds of
--duration seconds. Printed: the rates, p50/p95, the server's CPU a request (gunicorn's
workers, PostgreSQL's backends, redis; from /proc) and the load generator's CPU, and the ratio
Consult/floor of rates and of CPU. The generator's own CPU is printed beside it: if it used
most of a core it would be the limit, not the servers. Afterwards the checks of
bench/signing.py: every address answered 202 has exactly one row, none has two.

Pages: the floor (`floor_pages_app`) renders the demo response's dashboard and section
editors with Consult's own templates from the context each was rendered with once at start-up,
the data already in memory (the same HTML but for the CSRF tokens); both run under gunicorn
-w 2 on SQLite with bench/drafting.py's 20 logged-in clients, and the ratio floor/Consult of
the workers' CPU a page and of p95 is printed.

Options: --clients N, --duration S, --rounds N, --workers N, --baseline DIR (Consult from
another checkout, measured in the same rounds: before/after figures), --sqlite-only,
--postgresql-only, --postgresql URL, --page-clients N, --page-requests N, --skip-pages,
--skip-signing."""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import drafting
from drafting import percentiles
from signing import (
    Addresses,
    cpu_between,
    cpu_by_process,
    database_options,
    demo_version,
    gunicorn,
    normalise,
    on_each_database,
    redis_server,
    server_pids,
    sign_load,
    signature_rows,
)

CONSENT_VERSION = "2026-11"  # consult.signing.consent.CURRENT_VERSION, checked in run()
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
FLOOR_PATH = "/floor/versions/{version_id}/signatures"
TARGET_RATIO = 0.7
STATEMENT = "I want to co-sign this response. " * 20  # as long as Consult's statement


# --- the floor app (loaded by gunicorn: `floor:floor_app()`) --------------------------------


def floor_app():
    """The least a public signature needs, as a Flask app over Consult's tables."""
    import redis
    from flask import Flask, request
    from sqlalchemy import MetaData, create_engine, event, select
    from sqlalchemy.dialects import postgresql, sqlite

    app = Flask("floor")
    engine = create_engine(os.environ["DATABASE_URL"])
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def pragmas(connection, _record) -> None:  # as consult/extensions.py
            for pragma in ("foreign_keys=ON", "busy_timeout=5000", "journal_mode=WAL"):
                connection.execute(f"PRAGMA {pragma}")

    tables = MetaData()
    tables.reflect(engine, only=["versions", "signatures", "consent_records", "outbox_messages"])
    versions, signatures = tables.tables["versions"], tables.tables["signatures"]
    consents, outbox = tables.tables["consent_records"], tables.tables["outbox_messages"]
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    insert_signature = (
        dialect.insert(signatures)
        .on_conflict_do_nothing(index_elements=["version_id", "signer_key"])
        .returning(signatures.c.id)
    )
    existing = select(signatures.c.id)
    version_query = select(
        versions.c.signing_open, versions.c.signing_public, versions.c.signing_closes_at
    )
    limits = redis.Redis.from_url(os.environ["REDIS_URL"])
    secret = os.environ["SECRET_KEY"].encode()[:64]

    def hashed(key: str) -> str:
        return hashlib.blake2b(key.encode(), key=secret, digest_size=16).hexdigest()

    def over_limits(ip: str, email: str) -> bool:
        """20/min and 300/h per address, 3/h and 10/day per e-mail: one round trip."""
        now = int(time.time())
        windows = ((f"ip:{ip}", 60, 20), (f"ip:{ip}", 3600, 300))
        windows += ((f"email:{email}", 3600, 3), (f"email:{email}", 86400, 10))
        pipe = limits.pipeline(transaction=False)
        for key, seconds, _ in windows:
            name = f"floor:{hashed(key)}:{seconds}:{now // seconds}"
            pipe.incr(name)
            pipe.expire(name, seconds, nx=True)
        counts = pipe.execute()[::2]
        return any(n > most for n, (_, _, most) in zip(counts, windows, strict=True))

    def invalid(field: str):
        return {"error": {"code": "invalid", "fields": {field: "Not valid."}}}, 422

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.post("/floor/versions/<int:version_id>/signatures")
    def sign(version_id: int):
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return invalid("body")
        name, email = data.get("name"), data.get("email")
        affiliation = data.get("affiliation") or ""
        if not isinstance(name, str) or not " ".join(name.split()) or len(name) > 200:
            return invalid("name")
        if not isinstance(email, str) or not EMAIL.fullmatch(email.strip()):
            return invalid("email")
        if not isinstance(affiliation, str) or len(affiliation) > 200:
            return invalid("affiliation")
        if not isinstance(data.get("consent_public"), bool):
            return invalid("consent_public")
        if data.get("consent_statement") != CONSENT_VERSION:
            return invalid("consent_statement")
        email = email.strip().lower()
        if over_limits(request.headers.get("X-Forwarded-For", request.remote_addr), email):
            return {"error": {"code": "rate_limited"}}, 429
        now = datetime.now(UTC).replace(tzinfo=None)
        confirm, manage = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with engine.begin() as connection:
            version = connection.execute(version_query.where(versions.c.id == version_id)).first()
            if version is None:
                return {"error": {"code": "not_found"}}, 404
            if not (version.signing_public and version.signing_open) or (
                version.signing_closes_at is not None and version.signing_closes_at <= now
            ):
                return {"error": {"code": "signing_closed"}}, 409
            row = {
                "version_id": version_id,
                "kind": "public",
                "signer_key": f"email:{email}",
                "name": " ".join(name.split()),
                "email": email,
                "affiliation": " ".join(affiliation.split()),
                "consent_public": data["consent_public"],
                "status": "pending",
                "confirm_token_hash": hashlib.sha256(confirm.encode()).hexdigest(),
                "manage_token_hash": hashlib.sha256(manage.encode()).hexdigest(),
                "created_at": now,
            }
            signature_id = connection.scalar(insert_signature, row)
            if signature_id is None:  # the address signed before: fresh links
                signature_id = connection.scalar(
                    existing.where(
                        signatures.c.version_id == version_id,
                        signatures.c.signer_key == row["signer_key"],
                    )
                )
                connection.execute(
                    signatures.update()
                    .where(signatures.c.id == signature_id)
                    .values(
                        confirm_token_hash=row["confirm_token_hash"],
                        manage_token_hash=row["manage_token_hash"],
                    )
                )
            connection.execute(
                consents.insert(),
                {
                    "signature_id": signature_id,
                    "action": "given",
                    "method": "api",
                    "statement_version": CONSENT_VERSION,
                    "statement": STATEMENT,
                    "consent_public": row["consent_public"],
                    "created_at": now,
                },
            )
            connection.execute(
                outbox.insert(),
                {
                    "to": email,
                    "subject": "Confirm your signature",
                    "body": f"Dear {row['name']},\n\nconfirm: /signatures/confirm/{confirm}\n"
                    f"manage: /signatures/manage/{manage}\n",
                    "created_at": now,
                },
            )
        return {"status": "pending"}, 202

    return app


def floor_pages_app():
    """The least a page needs: Consult's own template rendered again from the context it was
    rendered with once, at start-up (the data already in memory), for each path in
    FLOOR_PAGES, as FLOOR_LOGIN sees it. Served at /floor<path>; no database, no session, no
    before-request work, only a request context to render in (url_for, csrf_token)."""
    from drafting import DEMO_PASSWORD
    from flask import Flask, g, template_rendered

    from consult import create_app

    consult = create_app({"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    pages: dict[str, tuple] = {}
    browser = consult.test_client()
    login = {"email": os.environ["FLOOR_LOGIN"], "password": DEMO_PASSWORD}
    assert browser.post("/login", data=login).status_code == 302, "floor: could not log in"
    for path in os.environ["FLOOR_PAGES"].split():
        browser.get(path)  # as any later visit shows it: the log-in's message shown once
        seen: list = []

        def keep(_app, template, context, seen=seen, **_extra):
            seen.append((template, dict(context), g.get("_login_user")))

        with template_rendered.connected_to(keep, consult):
            assert browser.get(path).status_code == 200, f"floor: {path} did not answer"
        pages[path] = seen[-1]  # the page itself (its macros render no template of their own)

    app = Flask("floor-pages")

    @app.get("/login")
    def ready():
        return "ok"

    @app.get("/floor/<path:path>")
    def page(path: str):
        template, context, user = pages["/" + path]
        with consult.test_request_context("/" + path):
            g._login_user = user
            return template.render(context)

    return app


# --- the runs -------------------------------------------------------------------------------


def measure(server: str, database_url: str, workdir: Path, redis, version_id: int, args, n: int):
    """One run of the load against `server` ("consult", "floor", or "baseline": Consult from
    the --baseline checkout): a second untimed, then --duration seconds timed. Returns its
    figures."""
    app = {
        "consult": ("wsgi:app",),
        "baseline": ("--chdir", str(args.baseline), "wsgi:app"),
        "floor": ("--pythonpath", "bench", "floor:floor_app()"),
    }[server]
    path = FLOOR_PATH if server == "floor" else "/api/v1/versions/{version_id}/signatures"
    # Client addresses of its own for every run: none is counted by another's rate limits.
    block = 3 * n + ("baseline", "consult", "floor").index(server)
    addresses = Addresses(seed=n, label=f"{server}{n}", first_ip=block * 200_000)
    redis_url, redis_pid = redis
    with gunicorn(database_url, workdir, args.workers, redis_url, app) as (port, pid):
        sign_load(port, version_id, args.clients, 1.0, CONSENT_VERSION, addresses, path)
        before = cpu_by_process(server_pids(pid, database_url, redis_pid))
        client_before = time.process_time()
        results, elapsed = sign_load(
            port, version_id, args.clients, args.duration, CONSENT_VERSION, addresses, path
        )
        client_cpu = time.process_time() - client_before
        used = cpu_between(before, cpu_by_process(server_pids(pid, database_url, redis_pid)))
    accepted = [r for r in results if r[0] == 202]
    p50, p95, _ = percentiles([seconds for _, seconds, _ in accepted])
    requests = max(len(results), 1)
    return {
        "server": server,
        "rate": len(accepted) / elapsed,
        "p50": p50,
        "p95": p95,
        "cpu_ms": 1000 * sum(used.values()) / requests,
        "split": ", ".join(f"{g} {1000 * s / requests:.1f}" for g, s in used.items()),
        "client_cores": client_cpu / elapsed,
        "client_ms": 1000 * client_cpu / requests,
        "other": dict(Counter(status for status, _, _ in results) - Counter({202: len(accepted)})),
        "accepted": {address for status, _, address in results if status == 202},
    }


def run(database_url: str, label: str, args) -> list[str]:
    from consult.signing import consent

    assert consent.CURRENT_VERSION == CONSENT_VERSION, "update bench/floor.py's CONSENT_VERSION"
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-floor-"))
    lines = [f"  {label}:"]
    try:
        version_id = demo_version(database_url)
        runs = []
        with redis_server(workdir) as redis:
            if redis[0] is None:
                return [f"  {label}: not measured (the floor needs a redis-server)"]
            servers = ("baseline",) * bool(args.baseline) + ("consult", "floor")
            for n in range(args.rounds):
                for server in servers:
                    runs.append(measure(server, database_url, workdir, redis, version_id, args, n))
                    r = runs[-1]
                    lines.append(
                        f"    {r['server']:<8} {r['rate']:6.0f} signatures/s  p50 {r['p50']:4.0f} "
                        f"ms  p95 {r['p95']:4.0f} ms  server CPU {r['cpu_ms']:5.1f} ms/request "
                        f"({r['split']}); generator {r['client_cores']:.2f} cores, "
                        f"{r['client_ms']:.1f} ms/request; other answers: {r['other'] or 'none'}"
                    )
        lines.extend(ratios(runs))
        lines.append(checks(database_url, version_id, runs))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return lines


def ratios(runs: list[dict]) -> list[str]:
    def total(server: str, key: str) -> float:
        return sum(r[key] for r in runs if r["server"] == server)

    lines = []
    for server in ("baseline", "consult"):
        if not any(r["server"] == server for r in runs):
            continue
        rate = total(server, "rate") / total("floor", "rate")
        cpu = total("floor", "cpu_ms") / total(server, "cpu_ms")
        verdict = "meets" if rate >= TARGET_RATIO else "MISSES"
        lines.append(
            f"    RATIO {server}/floor: rate {rate:.2f}, CPU a request floor/{server} {cpu:.2f} "
            f"({verdict} the {TARGET_RATIO} target)"
        )
    return lines


def checks(database_url: str, version_id: int, runs: list[dict]) -> str:
    """Every address answered 202 has one row; none has two (Consult's and the floor's)."""
    per_address = Counter(normalise(email) for email, _ in signature_rows(database_url, version_id))
    accepted = set().union(*(r["accepted"] for r in runs))
    lost = [a for a in accepted if per_address[a] == 0]
    doubled = [a for a, n in per_address.items() if n > 1]
    verdict = "OK" if not lost and not doubled else f"FAILED e.g. {lost[:2]} {doubled[:2]}"
    return (
        f"    checks: {len(per_address)} signers, {len(accepted)} answered 202; lost "
        f"{len(lost)}, doubled {len(doubled)} -> {verdict}"
    )


def run_pages(args) -> list[str]:
    """The dashboard and the section editor of the demo response, under Consult (and the
    --baseline checkout's) and under the floor (bench/drafting.py's clients, gunicorn -w 2,
    SQLite), one after the other for --rounds rounds: p50/p95 and workers' CPU of each round,
    then the medians' ratios."""
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-floor-pages-"))
    database_url = f"sqlite:///{workdir / 'bench.db'}"
    lines = []
    figures: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    try:
        drafting.flask_cli(database_url, "db", "upgrade")
        drafting.flask_cli(database_url, "demo")
        with drafting.app_for(database_url):
            from consult.drafting import services

            response = drafting.demo_response()
            sections = services.live_sections(response)
            editors = [f"/responses/{response.id}/sections/{s.id}" for s in sections]
        pages = {"dashboard": [f"/responses/{response.id}"], "editor": editors}
        login = drafting.DEMO_LOGINS[0]
        servers = ("baseline",) * bool(args.baseline) + ("consult", "floor")
        for _round in range(args.rounds):
            for server in servers:
                lines += _measure_pages(server, pages, login, database_url, workdir, args, figures)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return lines + page_ratios(
        {key: tuple(statistics.median(round_[i] for round_ in rounds) for i in range(3))
         for key, rounds in figures.items()}
    )  # fmt: skip


def _measure_pages(server, pages, login, database_url, workdir, args, figures) -> list[str]:
    """One round of every page against one server; its figures are added to `figures`."""
    environment, app, prefix, root = {}, "wsgi:app", "", drafting.ROOT
    if server == "floor":
        every_path = " ".join(path for paths in pages.values() for path in paths)
        environment = {"FLOOR_PAGES": every_path, "FLOOR_LOGIN": login}
        app, prefix = "floor:floor_pages_app()", "/floor"
    elif server == "baseline":
        root = Path(args.baseline)
    arguments = ("-w", "2", "--pythonpath", str(drafting.ROOT / "bench"))
    lines = []
    with drafting.gunicorn(database_url, workdir, arguments, environment, root=root, app=app) as (
        base,
        master_pid,
    ):
        clients = [drafting.Client(base) for _ in range(args.page_clients)]
        if server != "floor":
            for client in clients:
                client.login(login)
        for name, paths in pages.items():
            seconds: list[float] = []
            cpu: list[float] = []
            probe = (lambda: drafting.workers_cpu_seconds(master_pid), cpu)
            samples = drafting.load(
                base, clients, [prefix + p for p in paths], args.page_requests,
                None, 5, seconds, probe,
            )  # fmt: skip
            p50, p95, _ = percentiles(samples)
            figure = (p50, p95, 1000 * cpu[0] / len(samples))
            figures.setdefault((server, name), []).append(figure)
            lines.append(
                f"    {server:<8} {name:<10} p50 {p50:5.1f} ms  p95 {p95:5.1f} ms  "
                f"{len(samples) / seconds[0]:4.0f} pages/s  workers' CPU {figure[2]:.1f} ms/page"
            )
    return lines


def page_ratios(figures: dict[tuple[str, str], tuple[float, float, float]]) -> list[str]:
    """Floor/Consult for each page (medians over the rounds): workers' CPU a page, and p95;
    and Consult against the baseline, when there is one."""
    ratios = []
    for name in dict.fromkeys(page for _server, page in figures):
        consult, floor = figures["consult", name], figures["floor", name]
        ratios.append(
            f"    RATIO {name} floor/consult: CPU a page {floor[2] / consult[2]:.2f}, "
            f"p95 {floor[1] / consult[1]:.2f} (medians: consult p95 {consult[1]:.1f} ms, "
            f"CPU {consult[2]:.1f} ms/page)"
        )
        if ("baseline", name) in figures:
            before = figures["baseline", name]
            ratios.append(
                f"    BEFORE/AFTER {name}: workers' CPU a page {before[2]:.1f} -> "
                f"{consult[2]:.1f} ms ({consult[2] / before[2]:.2f}), p95 {before[1]:.1f} -> "
                f"{consult[1]:.1f} ms"
            )
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds a run")
    parser.add_argument("--rounds", type=int, default=2, help="Consult then the floor, N times")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--page-clients", type=int, default=20)
    parser.add_argument("--page-requests", type=int, default=30, help="per client and page")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-signing", action="store_true")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout of Consult (e.g. `git archive main` unpacked) measured in the "
        "same run, for before/after figures",
    )
    database_options(parser)
    args = parser.parse_args()
    print(
        f"Consult against the floor ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    if not args.skip_signing:
        print(
            f"\nPublic signing: {args.clients} clients, {args.rounds} rounds of "
            f"{args.duration:.0f} s each, gunicorn -w {args.workers}"
        )
        on_each_database(args, run)
    if not args.skip_pages:
        print(
            f"\nPages of the demo response: {args.page_clients} clients, {args.page_requests} "
            "requests each a page, gunicorn -w 2, SQLite"
        )
        for line in run_pages(args):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
