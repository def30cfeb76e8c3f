"""Signing benchmark: `make bench` (or `.venv/bin/python bench/signing.py`) prints the sustained
rate of public signatures per second and their p50/p95 latency with 50 concurrent clients,
against the app under gunicorn (loopback only), on SQLite and on PostgreSQL.

For each database: a fresh schema with the demo data and a demo version open for public
signing (`flask demo --signatories 0`); gunicorn with TRUSTED_PROXY_COUNT=1, so that each
client's X-Forwarded-For address counts as its own client for the rate limits (every request
comes from a new address, as when thousands of people sign a public campaign); then 50 clients
POST public signatures to the JSON API for --duration seconds, as fast as they are answered.
About one request in ten repeats an address already used, written differently (case,
spaces): it must not add a row. Afterwards every address is confirmed with the token from
its newest e-mail in the outbox (POST /api/v1/signatures/confirm, same 50 clients), and the
benchmark checks that nothing was lost (every address answered 202 has exactly one row and,
once confirmed, counts) and nothing doubled (one row per normalised address).

gunicorn runs 3 sync workers (--workers); the rate limits are kept in a private, throwaway
redis-server when one is installed (REDIS_URL, as a deployment with several workers needs:
each worker's memory would give every worker its own allowance), else in memory (--limits).
The CPU time used by gunicorn's workers, PostgreSQL's backends and redis is read from /proc,
so the figures can be judged on a busy machine too: "ms of server CPU a request" depends
much less on what else runs than the rate does.

PostgreSQL: a scratch database is created beside DATABASE_URL (or --postgresql URL) and
dropped afterwards; without one, only SQLite is measured. Target: 300 signatures per second
on a 2-core machine.

Options: --clients N, --duration S, --workers N, --limits redis|memory, --sqlite-only,
--postgresql-only, --postgresql URL."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from contextlib import contextmanager, nullcontext
from pathlib import Path

from drafting import free_port, percentiles, scratch_postgresql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
TARGET_RATE = 300.0
REPEAT_SHARE = 0.1
MAX_REQUESTS = 60_000  # a bound, whatever the duration


def environment(database_url: str, redis_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "CONSULT_ENV": "development",
            "SECRET_KEY": "benchmark-secret-key-long-enough-for-flask-sessions",
            "FLASK_DEBUG": "0",
            "TRUSTED_PROXY_COUNT": "1",
        }
    )
    for name in ("REDIS_URL", "MAIL_SERVER", "SERVER_NAME"):
        env.pop(name, None)
    if redis_url:
        env["REDIS_URL"] = redis_url  # the rate limits' storage, shared by the workers
    return env


@contextmanager
def redis_server(workdir: Path):
    """A private, throwaway redis-server on a free loopback port (no persistence), or None
    when there is none installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None, None
        return
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - the system's redis-server, loopback only
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.1)
        client.close()
        yield f"redis://127.0.0.1:{port}/0", process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def flask_cli(database_url: str, *args: str) -> str:
    return subprocess.run(  # noqa: S603 - our own venv's flask, fixed arguments
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=environment(database_url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@contextmanager
def gunicorn(
    database_url: str,
    workdir: Path,
    workers: int,
    redis_url: str | None,
    app: tuple[str, ...] = ("wsgi:app",),
):
    """`app` (gunicorn's last arguments: Consult by default, or bench/floor.py's floor) under
    the same gunicorn settings, on a free loopback port: (port, the master's pid)."""
    port = free_port()
    log = (workdir / "gunicorn.log").open("w")
    command = [
        str(BIN / "gunicorn"),
        *("-w", str(workers), "-b", f"127.0.0.1:{port}", "--backlog", "2048"),
        *app,
    ]
    options = subprocess.run(  # noqa: S603 - our own venv's gunicorn
        [command[0], "--help"], capture_output=True, text=True, check=False
    ).stdout
    if "--no-control-socket" in options:
        command.insert(1, "--no-control-socket")
    process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, loopback only
        command,
        cwd=ROOT,
        env=environment(database_url, redis_url),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {(workdir / 'gunicorn.log').read_text()}")
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer within 30 s") from None
                time.sleep(0.2)
        yield port, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


async def post(port: int, path: str, body: dict, client_ip: str) -> tuple[int, float]:
    """One POST on a new connection (gunicorn's sync workers close each): (status, seconds
    from connecting to the last byte)."""
    data = json.dumps(body).encode()
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
            f"X-Forwarded-For: {client_ip}\r\nConnection: close\r\n\r\n"
        ).encode()
        + data
    )
    await writer.drain()
    answer = await reader.read()
    elapsed = time.perf_counter() - started
    writer.close()
    return int(answer.split(b" ", 2)[1]), elapsed


class Addresses:
    """New client addresses and signer e-mails; about one signature in ten repeats an address
    already used once, spelled differently. Runs one after another on the same database and
    rate-limit storage each take their own `label` (in the addresses) and `first_ip`."""

    def __init__(self, seed: int, label: str = "bench", first_ip: int = 0) -> None:
        self.random = random.Random(seed)
        self.label = label
        self.count = 0
        self.ips = first_ip
        self.used_once: list[str] = []

    def client_ip(self) -> str:
        self.ips += 1
        n = self.ips
        return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def email(self) -> str:
        if self.used_once and self.random.random() < REPEAT_SHARE:
            address = self.used_once.pop(self.random.randrange(len(self.used_once)))
            return self.random.choice([address.upper(), f"  {address.title()} ", address + "\t"])
        self.count += 1
        address = f"signer{self.count}.{self.label}@example.org"
        self.used_once.append(address)
        return address


def normalise(address: str) -> str:
    return address.strip().lower()


def _descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found.update(children)
        frontier.extend(children)
    return found


def server_pids(gunicorn_pid: int, database_url: str, redis_pid: int | None) -> dict[str, set[int]]:
    """gunicorn and its workers; the PostgreSQL backends serving the benchmark database; the
    redis-server holding the rate limits."""
    groups = {"app": _descendants(gunicorn_pid)}
    if redis_pid:
        groups["redis"] = {redis_pid}
    if database_url.startswith("postgresql"):
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        name = make_url(database_url).database
        with database(database_url) as connection:
            groups["PostgreSQL"] = set(
                connection.execute(
                    text("SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> "
                         "pg_backend_pid()"),
                    {"d": name},
                ).scalars()
            )  # fmt: skip
    return groups


def cpu_by_process(groups: dict[str, set[int]]) -> dict[tuple[str, int], float]:
    """User and system CPU seconds used so far by each process of each group (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for group, pids in groups.items():
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            used[group, pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return used


def cpu_seconds(groups: dict[str, set[int]]) -> Counter:
    """User and system CPU seconds used so far by each group of processes."""
    totals: Counter = Counter()
    for (group, _pid), seconds in cpu_by_process(groups).items():
        totals[group] += seconds
    return totals


def cpu_between(before: dict[tuple[str, int], float], after: dict) -> Counter:
    """CPU seconds each group used between two readings of cpu_by_process: a process that
    ended meanwhile (a PostgreSQL autovacuum worker, say) counts nothing rather than minus
    what it had used, one that started counts all it used."""
    used: Counter = Counter({group: 0.0 for group, _pid in after})
    for (group, pid), seconds in after.items():
        used[group] += seconds - before.get((group, pid), 0.0)
    return used


def sign_load(
    port: int,
    version_id: int,
    clients: int,
    duration: float,
    statement: str,
    addresses: Addresses | None = None,
    path: str = "/api/v1/versions/{version_id}/signatures",
):
    """`clients` coroutines POST public signatures until `duration` has passed. Returns
    ([(status, seconds, normalised address)], elapsed seconds)."""
    addresses = addresses or Addresses(seed=4)
    path = path.format(version_id=version_id)
    results: list[tuple[int, float, str]] = []

    async def client() -> None:
        while time.perf_counter() < stop and len(results) < MAX_REQUESTS:
            email = addresses.email()
            body = {
                "name": "Bench Signer",
                "email": email,
                "consent_public": len(results) % 2 == 0,
                "consent_statement": statement,
            }
            status, elapsed = await post(port, path, body, addresses.client_ip())
            results.append((status, elapsed, normalise(email)))

    async def everyone() -> None:
        await asyncio.gather(*(client() for _ in range(clients)))

    started = time.perf_counter()
    stop = started + duration
    asyncio.run(everyone())
    return results, time.perf_counter() - started


def confirm_load(port: int, tokens: list[str], clients: int):
    queue = list(tokens)
    results: list[tuple[int, float]] = []
    counter = iter(range(1, 10**9))

    async def client() -> None:
        while queue:
            token = queue.pop()
            n = next(counter)
            ip = f"10.200.{(n >> 8) & 255}.{n & 255}"
            results.append(await post(port, "/api/v1/signatures/confirm", {"token": token}, ip))

    async def everyone() -> None:
        await asyncio.gather(*(client() for _ in range(clients)))

    started = time.perf_counter()
    asyncio.run(everyone())
    return results, time.perf_counter() - started


@contextmanager
def database(database_url: str):
    """A SQLAlchemy connection to the benchmark's database, for the checks."""
    from sqlalchemy import create_engine

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def newest_confirm_tokens(database_url: str) -> dict[str, str]:
    """Address -> the token in the newest confirmation e-mail sent to it (each new attempt
    replaces the link of the one before)."""
    from sqlalchemy import text

    tokens: dict[str, str] = {}
    with database(database_url) as connection:
        rows = connection.execute(text('SELECT "to", body FROM outbox_messages ORDER BY id'))
        for address, body in rows:
            match = re.search(r"/signatures/confirm/([A-Za-z0-9_\-]+)", body)
            if match:
                tokens[address] = match.group(1)
    return tokens


def signature_rows(database_url: str, version_id: int) -> list[tuple[str, str]]:
    from sqlalchemy import text

    with database(database_url) as connection:
        return [
            (email, status)
            for email, status in connection.execute(
                text("SELECT email, status FROM signatures WHERE version_id = :v"),
                {"v": version_id},
            )
        ]


def demo_version(database_url: str) -> int:
    """The schema and the demo data, with a version open for public signing: its id."""
    flask_cli(database_url, "db", "upgrade")
    output = flask_cli(database_url, "demo", "--signatories", "0")
    return int(re.search(r"\(id (\d+),", output).group(1))


def run(database_url: str, label: str, args) -> list[str]:
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-signing-"))
    lines = [f"  {label}:"]
    try:
        version_id = demo_version(database_url)
        from consult.signing import consent

        with (
            redis_server(workdir) if args.limits == "redis" else nullcontext((None, None)) as (
                redis_url,
                redis_pid,
            ),
            gunicorn(database_url, workdir, args.workers, redis_url) as (port, pid),
        ):
            before = cpu_by_process(server_pids(pid, database_url, redis_pid))
            client_before = time.process_time()
            results, elapsed = sign_load(
                port, version_id, args.clients, args.duration, consent.CURRENT_VERSION
            )
            used = cpu_between(before, cpu_by_process(server_pids(pid, database_url, redis_pid)))
            server_cpu = sum(used.values())
            client_cpu = time.process_time() - client_before
            statuses = Counter(status for status, _, _ in results)
            accepted = [r for r in results if r[0] == 202]
            accepted_addresses = {address for _, _, address in accepted}
            repeats = len(accepted) - len(accepted_addresses)
            latencies = [seconds for _, seconds, _ in accepted]
            rate = len(accepted) / elapsed
            p50, p95, worst = percentiles(latencies)
            per_signature = (server_cpu + client_cpu) / max(len(results), 1)
            requests = max(len(results), 1)
            split = ", ".join(
                f"{group} {1000 * seconds / requests:.1f}" for group, seconds in used.items()
            )
            lines.append(
                f"    CPU: {server_cpu / elapsed:.2f} cores busy serving and "
                f"{client_cpu / elapsed:.2f} in the load generator; "
                f"{1000 * server_cpu / requests:.1f} ms of server CPU a request ({split}), "
                f"so an otherwise idle {os.cpu_count()}-core machine would serve about "
                f"{os.cpu_count() / per_signature:.0f} a second"
            )
            lines.append(
                f"    signing: {len(accepted)} accepted (202) in {elapsed:.1f} s = "
                f"{rate:.0f} signatures/s  p50 {p50:.0f} ms  p95 {p95:.0f} ms  max "
                f"{worst:.0f} ms  ({repeats} repeats of an address; other answers: "
                f"{dict(statuses - Counter({202: len(accepted)})) or 'none'})"
            )
            rows = signature_rows(database_url, version_id)
            per_address = Counter(normalise(email) for email, _ in rows)
            lost = [a for a in accepted_addresses if per_address[a] == 0]
            doubled = [a for a, n in per_address.items() if n > 1]
            extra = set(per_address) - {address for _, _, address in results}
            tokens = newest_confirm_tokens(database_url)
            confirmations, confirm_elapsed = confirm_load(
                port, [tokens[a] for a in accepted_addresses if a in tokens], args.clients
            )
            confirm_ok = sum(1 for status, _ in confirmations if status == 200)
            c50, c95, _ = percentiles([seconds for _, seconds in confirmations])
            lines.append(
                f"    confirming: {confirm_ok} of {len(accepted_addresses)} in "
                f"{confirm_elapsed:.1f} s = {len(confirmations) / confirm_elapsed:.0f}/s  "
                f"p50 {c50:.0f} ms  p95 {c95:.0f} ms"
            )
            rows = signature_rows(database_url, version_id)
            confirmed = Counter(normalise(email) for email, status in rows if status == "confirmed")
            unconfirmed = [a for a in accepted_addresses if confirmed[a] != 1]
        verdict = "meets" if rate >= TARGET_RATE else "MISSES"
        problems = len(lost) + len(doubled) + len(extra) + len(unconfirmed)
        lines.append(
            f"    checks: {len(rows)} rows for {len(accepted_addresses)} addresses; "
            f"lost {len(lost)}, doubled {len(doubled)}, unexpected {len(extra)}, "
            f"not counted after confirming {len(unconfirmed)} -> "
            + ("OK" if problems == 0 else "FAILED")
        )
        lines.append(f"    {rate:.0f} signatures/s {verdict} the {TARGET_RATE:.0f}/s target")
        if problems:
            lines.append(f"    e.g. lost {lost[:3]}, doubled {doubled[:3]}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return lines


def database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql-only", action="store_true")
    parser.add_argument(
        "--postgresql",
        default=os.environ.get("DATABASE_URL", ""),
        help="a PostgreSQL URL beside which a scratch database is made (default DATABASE_URL)",
    )


def on_each_database(args, run) -> None:
    """Print `run(database_url, label, args)`'s lines on a fresh SQLite file, then in a scratch
    PostgreSQL database beside --postgresql (dropped afterwards), as the options ask."""
    sqlite_dir = Path(tempfile.mkdtemp(prefix="consult-bench-sqlite-"))
    try:
        if not args.postgresql_only:
            for line in run(f"sqlite:///{sqlite_dir / 'bench.db'}", "SQLite", args):
                print(line, flush=True)
    finally:
        shutil.rmtree(sqlite_dir, ignore_errors=True)
    if args.sqlite_only:
        return
    if not args.postgresql.startswith(("postgresql", "postgres:")):
        print("  PostgreSQL: not measured (set DATABASE_URL or --postgresql to a PostgreSQL URL)")
        return
    with scratch_postgresql(args.postgresql) as scratch:
        if scratch:
            for line in run(scratch, "PostgreSQL", args):
                print(line, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=25.0, help="seconds of signing")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument(
        "--limits",
        choices=["redis", "memory"],
        default="redis" if shutil.which("redis-server") else "memory",
        help="rate-limit storage: a private redis-server (REDIS_URL, as in production with "
        "several workers) or each worker's memory (default: redis when installed)",
    )
    database_options(parser)
    args = parser.parse_args()
    print(
        f"Consult signing benchmark ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"load average {os.getloadavg()[0]:.1f}: other work on the machine slows every figure)"
    )
    print(
        f"\nPublic signatures through POST /api/v1/versions/<id>/signatures: {args.clients} "
        f"concurrent clients for {args.duration:.0f} s, gunicorn -w {args.workers} (sync), "
        "every request from a new X-Forwarded-For address (TRUSTED_PROXY_COUNT=1), rate "
        f"limits in {args.limits}"
    )
    on_each_database(args, run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
