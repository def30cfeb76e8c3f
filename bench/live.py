"""Live co-editing benchmark (issue 15): `make bench` (or `.venv/bin/python bench/live.py`) prints
(a) keystroke-to-peer latency: headless editors speaking the y-websocket protocol with pycrdt to
    the app under gunicorn as in production (-k gthread --threads 256 -w 1; loopback only, a
    temporary SQLite file seeded with `flask demo`), each typing a keystroke every 150-300 ms:
    words at a cursor that now and then jumps to a random place (sending the cursor, as
    y-codemirror does), 15 % of keys backspaces. 20 editors in one section, then 200 across one
    response (10 sections x 20), then those 200 again with two workers relaying through a
    private redis-server (REDIS_URL), as instances do. A keystroke's latency runs from the
    typist's edit to the update's arrival at a peer, matched by the update's bytes (the server
    passes on exactly the update it applied; arrivals that match nothing are counted): p50/p95/
    max over every delivery, and to the last of the keystroke's 19 peers.
    The editors run in this process, apart from the server, on one asyncio loop (wsproto's
    handshake and frames out, a lean reader of the server's frames); the 20 run again as
    consult.live.client.LiveClient, two threads an editor. The generator's CPU and its loop's
    lag are printed (an arrival waits as long as the loop), and the machine's CPU pressure:
    other work on a 2-core machine delays the server and the generator alike, and latency
    shows it far more than CPU time does.
(b) the server's CPU per update (its worker's CPU seconds, from /proc, from the first keystroke
    to the last arrival, over the updates sent) and its memory per open document: the worker's
    RSS growth with --documents sections open (one connection each), then with a second
    connection in each (the document's share is the difference).
(c) the stored size after an hour of one section's typing (18,000 keystrokes, 15 % deletions,
    three editors) through consult.live.rooms.Room and consult.live.services (stored every
    minute and a revision every 2 minutes, as the hub's clock does), next to the text's size
    and to the size of every update (what a log of the edits would hold); with
    --random-places, again with every keystroke at a random place, the worst case for Yjs.
(d) the drafting benchmark (bench/drafting.py, this tree's version for both) for the commit
    before live editing and for this tree, one after the other on the same machine.
Target for (a): p95 under 150 ms on loopback on a 2-core machine.

Options: --seconds, --warm-up, --clients asyncio|threads|both, --skip-large, --redis-workers,
--documents, --keystrokes, --random-places, --compare TREE (each latency run first with another
tree's server, e.g. `git worktree add --detach ../before main`, then with this one's, back to
back), --profile FOLDER (py-spy, when installed, samples
the server's worker during each run; the functions it was in are printed), --skip-drafting,
--drafting-options."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from drafting import (
    ROOT,
    app_for,
    demo_membership,
    demo_response,
    flask_cli,
    gunicorn,
    line,
    paragraph,
    percentiles,
    worker_stats,
)
from live_editors import JUMP_SHARE, PEERS, Latencies, Ledger, Peer, Typist, match
from pycrdt import TransactionEvent
from signing import cpu_seconds, redis_server

from consult.live import documents, protocol

TARGET_P95_MS = 150.0
TYPING_GAP = (0.150, 0.300)  # seconds between one person's keystrokes
BEFORE_LIVE = "0e65c62"  # the last commit before live editing (issue 15)
GUNICORN = ("-k", "gthread", "--threads", "256")  # and -w: one worker unless relaying


def section_text(number: int) -> str:
    """About 730 words, as the drafting benchmark's sections."""
    return "\n\n".join(paragraph(number * 12 + n, 60) for n in range(12))


# --- the scenario: people, tokens, sections ---------------------------------------------------


@dataclass
class Scenario:
    typing: list[int]  # one response's sections, typed in
    spare: list[int]  # another response's, opened for memory and filled by the hour's typing
    tokens: list[str]  # one editor each


def prepare(database_url: str, people: int, typing: int, spare: int) -> Scenario:
    """The demo, plus `people` editors in its organisation, each with an API token, and two
    responses with sections of about 730 words."""
    flask_cli(database_url, "db", "upgrade")
    flask_cli(database_url, "demo")
    from consult.accounts.models import User
    from consult.accounts.services import create_api_token, hash_password
    from consult.drafting import services
    from consult.extensions import db
    from consult.organisations.models import Membership
    from consult.timeutil import utcnow

    with app_for(database_url):
        owner = demo_membership("editor@demo.example")
        password = hash_password(secrets.token_urlsafe(16))  # nobody logs in: tokens only
        tokens = []
        for number in range(people):
            user = User(
                email=f"typist{number}@bench.example",
                name=f"Typist {number}",
                password_hash=password,
                email_confirmed_at=utcnow(),
            )
            db.session.add(user)
            db.session.add(Membership(organisation=owner.organisation, user=user, role="editor"))
            tokens.append(create_api_token(user, "live benchmark")[1])

        def sections(title: str, count: int) -> list[int]:
            response = services.create_response(owner, demo_response().consultation, title)
            made = []
            for number in range(count):
                section = services.add_section(owner.user, response, f"Theme {number + 1}")
                services.save_section(owner.user, section, section_text(number), None, None)
                made.append(section.id)
            db.session.commit()
            return made

        return Scenario(sections("Typed live", typing), sections("Opened live", spare), tokens)


# --- (a) and (b): typing together against the server ------------------------------------------


@dataclass
class Server:
    base: str
    master_pid: int
    redis_pid: int | None

    def cpu(self) -> float:
        """CPU seconds its workers (and the redis-server relaying between them) have used."""
        pids = set(worker_stats(self.master_pid)) | ({self.redis_pid} if self.redis_pid else set())
        return sum(cpu_seconds({"server": pids}).values())


@contextmanager
def live_server(database_url: str, workdir: Path, workers: int = 1, root: Path = ROOT):
    """gunicorn as in production (gthread, a thread a socket); with several workers, a private
    redis-server relays edits between them (REDIS_URL), as between instances. `root`: the tree
    whose server runs (--compare)."""
    with ExitStack() as stack:
        environment, redis_pid = None, None
        if workers > 1:
            redis_url, redis_pid = stack.enter_context(redis_server(workdir))
            if redis_url is None:
                raise RuntimeError("no redis-server installed: one worker only")
            environment = {"REDIS_URL": redis_url}
        arguments = (*GUNICORN, "-w", str(workers))
        base, master_pid = stack.enter_context(
            gunicorn(database_url, workdir, arguments, environment, root)
        )
        yield Server(base, master_pid, redis_pid)


@dataclass
class Run:
    latencies: Latencies
    seconds: float  # measured
    window_cpu: float  # the server's, while measured
    server_cpu: float  # the server's, from the first keystroke to the last arrival
    updates: int  # every keystroke, from the first
    generator_cpu: float
    lag: list[float]
    cursors: int
    deletions: int
    pressure: str


def process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_pressure() -> str:
    """How much of the time runnable work waited for a CPU, over the last 10 s (Linux PSI):
    other work on the machine delays the server and the generator alike."""
    try:
        first = Path("/proc/pressure/cpu").read_text().split()[1]
    except (OSError, IndexError):
        return "CPU pressure unknown"
    return f"CPU pressure {first.split('=')[1]} %"


async def type_together(
    server: Server, rooms: list[tuple[int, list[str]]], kind: str, args, profile: Path | None
) -> Run:
    """Everyone in `rooms` (section id, its people's tokens) connects, then types for
    --warm-up + --seconds; the last --seconds are measured (and profiled into `profile`)."""
    parts = urllib.parse.urlsplit(server.base)
    host, port = parts.hostname, parts.port
    ledger = Ledger()
    peers = []
    for section_id, tokens in rooms:
        for token in tokens:
            peer = PEERS[kind](len(peers), ledger)
            await peer.open(host, port, f"/api/v1/live/sections/{section_id}", token)
            peers.append(peer)
    loop = asyncio.get_running_loop()
    begin, server_begin = loop.time(), server.cpu()
    measure_from, stop_at = begin + args.warm_up, begin + args.warm_up + args.seconds
    lag: list[float] = []

    async def typing(peer, rng: random.Random) -> None:
        next_at = begin + rng.uniform(*TYPING_GAP)
        while next_at < stop_at:
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            peer.keystroke()
            next_at += rng.uniform(*TYPING_GAP)

    async def watch_lag() -> None:
        while loop.time() < stop_at:
            asked = loop.time()
            await asyncio.sleep(0.01)
            if asked >= measure_from:
                lag.append(loop.time() - asked - 0.01)

    typists = [
        asyncio.create_task(typing(peer, random.Random(number)))
        for number, peer in enumerate(peers)
    ]
    watcher = asyncio.create_task(watch_lag())
    await asyncio.sleep(measure_from - loop.time())
    start, cpu_before, window_before = time.perf_counter(), process_cpu(), server.cpu()
    spy = start_profile(server.master_pid, args.seconds, profile)
    await asyncio.gather(*typists, watcher)
    stop, cpu_after, window_after = time.perf_counter(), process_cpu(), server.cpu()
    pressure = cpu_pressure()
    if spy is not None:
        await asyncio.to_thread(spy.wait)
    # Let the last keystrokes arrive: until nothing has arrived for half a second.
    arrived = -1
    for _ in range(60):
        if arrived == len(ledger.arrivals):
            break
        arrived = len(ledger.arrivals)
        await asyncio.sleep(0.5)
    server_end = server.cpu()
    for peer in peers:
        await peer.close()
    return Run(
        match(ledger, start, stop, len(rooms[0][1]) - 1),
        stop - start,
        window_after - window_before,
        server_end - server_begin,
        len(ledger.sent),
        cpu_after - cpu_before,
        lag,
        ledger.cursors,
        sum(peer.typist.deletions for peer in peers),
        pressure,
    )


def report(run: Run, label: str, peers: int) -> list[str]:
    lat = run.latencies
    lines = [
        f"  {label}: {lat.keystrokes} keystrokes measured in {run.seconds:.0f} s "
        f"({lat.keystrokes / run.seconds:.0f}/s; {run.deletions} backspaces and "
        f"{run.cursors} cursor moves in all; {run.pressure} at the end)",
        line("keystroke to a peer (every delivery)", lat.deliveries),
        line("keystroke to all its peers (the last one)", lat.to_all),
    ]
    p95 = percentiles(lat.deliveries)[1]
    verdict = "meets" if p95 < TARGET_P95_MS else "MISSES"
    lines.append(
        f"    p95 {p95:.1f} ms {verdict} the {TARGET_P95_MS:.0f} ms target; "
        f"{lat.missing} deliveries missing, {lat.unmatched} arrivals matching no keystroke"
    )
    per_update = run.server_cpu / max(1, run.updates)
    lines.append(
        f"    server: {run.window_cpu / run.seconds * 100:.0f} % of a core while measured; "
        f"{per_update * 1000:.2f} ms CPU per update ({per_update / peers * 1e6:.0f} us per "
        f"message passed on), {run.updates} updates from the first keystroke to the last arrival"
    )
    lag_p50, lag_p95, lag_max = percentiles(run.lag)
    lines.append(
        f"    generator: {run.generator_cpu / run.seconds * 100:.0f} % of a core, its loop late "
        f"by p50 {lag_p50:.1f} / p95 {lag_p95:.1f} / max {lag_max:.1f} ms (arrivals wait as long)"
    )
    return lines


# --- where the server's time goes ------------------------------------------------------------


def start_profile(master_pid: int, seconds: float, output: Path | None):
    """py-spy (when installed: `pip install py-spy`) sampling the worker's thread that holds
    the GIL, without pausing it: one worker's Python code runs one thread at a time."""
    py_spy = shutil.which("py-spy", path=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    if output is None or py_spy is None:
        return None
    worker = str(next(iter(worker_stats(master_pid))))
    options = ["--duration", str(round(seconds)), "--gil", "--nonblocking", "--nolineno"]
    return subprocess.Popen(  # noqa: S603 - py-spy on our own server
        [py_spy, "record", "--pid", worker, *options, "--format", "raw", "-o", str(output)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# Frames every request's stack holds (the server's and the framework's), left out of the
# inclusive ranking, which would otherwise show only them.
PLUMBING = tuple(
    f"({name})"
    for name in (
        "threading.py",
        "concurrent/futures/thread.py",
        "gunicorn/workers/gthread.py",
        "flask/app.py",
        "consult/api/live.py",
    )
)


def profile_lines(path: Path, top: int = 12) -> list[str]:
    """The functions the samples were in (inclusive: anywhere on the stack; and innermost),
    by share of the samples."""
    if not path.exists():
        return ["    (no profile: py-spy is not installed, or could not attach)"]
    inclusive: dict[str, int] = defaultdict(int)
    own: dict[str, int] = defaultdict(int)
    total = 0
    for text in path.read_text().splitlines():
        stack, _, count = text.rpartition(" ")
        frames = stack.split(";")
        total += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
    if not total:
        return ["    (the profile is empty)"]

    def ranked(counts: dict[str, int]) -> list[str]:
        best = sorted(counts.items(), key=lambda item: -item[1])[:top]
        return [f"      {count / total * 100:5.1f} %  {frame}" for frame, count in best]

    return [
        f"    where the worker held the GIL ({total} samples), inclusive:",
        *ranked({f: n for f, n in inclusive.items() if not f.endswith(PLUMBING)}),
        "    and its own time (the innermost function):",
        *ranked(own),
    ]


# --- (b) memory per open document -------------------------------------------------------------


def rss_bytes(master_pid: int) -> int:
    page = os.sysconf("SC_PAGE_SIZE")
    return sum(int(fields[21]) * page for fields in worker_stats(master_pid).values())  # rss


async def open_documents(server: Server, sections: list[int], tokens: list[str]):
    """RSS before, with one connection to each section, and with two."""
    master_pid = server.master_pid
    parts = urllib.parse.urlsplit(server.base)
    host, port = parts.hostname, parts.port
    ledger = Ledger()
    # Warm up on one section not measured: the first room imports and caches what all need.
    first = Peer(0, ledger)
    await first.open(host, port, f"/api/v1/live/sections/{sections[0]}", tokens[0])
    measured = sections[1:]
    await asyncio.sleep(1)
    readings = [rss_bytes(master_pid)]
    peers = [first]
    for _round in range(2):
        for number, section_id in enumerate(measured):
            peer = Peer(len(peers), ledger)
            token = tokens[number % len(tokens)]
            await peer.open(host, port, f"/api/v1/live/sections/{section_id}", token)
            peers.append(peer)
        await asyncio.sleep(1)
        readings.append(rss_bytes(master_pid))
    for peer in peers:
        await peer.close()
    return readings, len(measured)


def memory_lines(readings: list[int], count: int) -> list[str]:
    base, one, two = readings
    per_room = (one - base) / count
    per_connection = (two - one) / count
    fresh = room_bytes([documents.initial_state(section_text(0), None)] * 500)
    return [
        f"  worker RSS {base / 2**20:.0f} MB, with {count} sections open {one / 2**20:.0f} MB, "
        f"with a second connection to each {two / 2**20:.0f} MB",
        f"  per open section (document and one connection): {per_room / 1024:.0f} KB; "
        f"per further connection: {per_connection / 1024:.0f} KB; "
        f"so per document about {(per_room - per_connection) / 1024:.0f} KB "
        f"(a section of {len(section_text(0).encode()) / 1024:.1f} KB of text)",
        f"  a Room alone (its pycrdt document, observers and objects; 500 made in this "
        f"process): {fresh / 1024:.0f} KB",
    ]


def own_rss() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def room_bytes(states: list[bytes]) -> float:
    """This process's RSS growth per Room (its pycrdt document, observers, Python objects)
    opened from each of `states`."""
    from consult.live.rooms import Room

    Room(0, 0, states[0])  # the first one loads what every room shares
    gc.collect()
    before = own_rss()
    rooms = [Room(number, 0, state) for number, state in enumerate(states)]
    grown = own_rss() - before
    del rooms
    return grown / len(states)


# --- (c) an hour of typing, stored as the clock stores it -------------------------------------


class Inbox:
    """A connection's transport in the simulation: what the room sends it, kept."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    def send(self, message: bytes) -> None:
        self.messages.append(message)

    def close(self, code: int, reason: str) -> None:
        pass


class Desk:
    """One person in the simulation: their copy of the document, as an editor keeps it (its
    own updates are what its transactions made, as an editor sends them), and their
    connection to the room."""

    def __init__(self, connection, state: bytes, typist: Typist) -> None:
        self.connection = connection
        self.doc = documents.new_doc(state)
        self.typist = typist
        self._made: list[bytes] = []
        self._remote = False
        self._subscription = self.doc.observe(self._on_local)

    def type(self) -> bytes:
        """One keystroke; its update."""
        with self.doc.transaction():
            self.typist.keystroke(documents.body(self.doc))
        return self._made.pop()

    def catch_up(self) -> None:
        """Apply what the room has sent since the last time."""
        self._remote = True
        for message in self.connection.transport.messages:
            self.doc.apply_update(protocol.parse(message).payload)
        self._remote = False
        self.connection.transport.messages.clear()

    def _on_local(self, event: TransactionEvent) -> None:
        if not self._remote:
            self._made.append(event.update)


def simulate_hour(
    database_url: str, section_id: int, user_ids: list[int], keystrokes: int, jump: float
) -> list[str]:
    """`keystrokes` typed by `len(user_ids)` people over a simulated hour into one Room (each
    update through Room.receive, others' updates reaching each person three keystrokes later),
    stored every minute with services.store and written as a revision every 2 minutes with
    services.checkpoint, as the hub's clock does (it stores every LIVE_STORE_SECONDS, 1 s, while
    people type: the size is the same; the time one store takes at the end is printed)."""
    from consult.drafting.models import Section
    from consult.extensions import db
    from consult.live import services
    from consult.live.models import LiveDocument
    from consult.live.rooms import Connection, Room

    per_second = keystrokes / 3600
    store_every, checkpoint_every = round(60 * per_second), round(120 * per_second)
    with app_for(database_url):
        section = db.session.get(Section, section_id)
        state = services.document_state(section)
        db.session.commit()
        room = Room(section.id, section.response.organisation_id, state)
        desks = []
        for number, user_id in enumerate(user_ids):
            connection = Connection(user_id, f"Typist {number}", "#1d4ed8", True, Inbox(), 1e9, 1e9)
            room.join(connection)
            connection.transport.messages.clear()
            desks.append(Desk(connection, state, Typist(1000 + number, jump=jump)))
        rng = random.Random(7)
        log_size, series = 0, []
        for number in range(1, keystrokes + 1):
            desk = desks[rng.randrange(len(desks))]
            update = desk.type()
            log_size += len(update)
            room.receive(desk.connection, protocol.create_update_message(update))
            if number % 3 == 0:
                for other in desks:
                    other.catch_up()
            if number % store_every == 0:
                state, editor_id = room.snapshot()
                if number % checkpoint_every == 0:
                    merged = services.checkpoint(section.id, editor_id, state)
                else:
                    merged = services.store(section.id, state, editor_id)
                db.session.commit()
                room.absorb(merged)
            if number % (keystrokes // 4) == 0:
                stored = db.session.get(LiveDocument, section.id, populate_existing=True).state
                text = documents.text_of(room.doc).encode()
                series.append(
                    f"{number * 60 // keystrokes} min {len(stored) // 1024}/{len(text) // 1024}"
                )
        text = documents.text_of(room.doc)
        for desk in desks:  # everyone has the same text in the end
            desk.catch_up()
            assert documents.text_of(desk.doc) == text
        state, editor_id = room.snapshot()
        started = time.perf_counter()
        services.store(section.id, state, editor_id)
        db.session.commit()
        store_seconds = time.perf_counter() - started
        stored = db.session.get(LiveDocument, section.id, populate_existing=True).state
        revisions = section.head.number if section.head else 0
        deletions = sum(desk.typist.deletions for desk in desks)
    size = len(text.encode())
    place = "every keystroke at a random place" if jump >= 1 else "typing at a cursor"
    memory = room_bytes([stored] * 50)
    return [
        f"  {place}: {keystrokes} keystrokes ({deletions} deletions) by {len(desks)} people, "
        f"{revisions} revisions",
        f"    stored state {len(stored) / 1024:.1f} KB for {size / 1024:.1f} KB of text "
        f"({len(stored) / size:.1f}x; stored/text KB by the quarter hour: {', '.join(series)});"
        f" every update, kept as a log, {log_size / 1024:.0f} KB",
        f"    one store then (merged with the stored state, committed) takes "
        f"{store_seconds * 1000:.0f} ms; a Room opened from it holds {memory / 1024:.0f} KB of "
        "memory (50 made in this process)",
    ]


def hour_lines(
    database_url: str, scenario: Scenario, keystrokes: int, places: tuple[float, ...]
) -> list[str]:
    from consult.accounts.models import User
    from consult.extensions import db

    with app_for(database_url):
        user_ids = list(
            db.session.scalars(
                db.select(User.id).where(User.email.like("typist%@bench.example")).limit(3)
            )
        )
    lines = []
    for section_id, jump in zip(scenario.spare[-2:], places, strict=False):
        lines += simulate_hour(database_url, section_id, user_ids, keystrokes, jump)
    return lines


# --- (d) drafting, before live editing and now ------------------------------------------------

FIGURE = re.compile(
    r"^\s+(?P<label>\S.*?)\s+p50\s+(?P<p50>[\d.]+) ms\s+p95\s+(?P<p95>[\d.]+) ms.*?"
    r"(?:CPU (?P<cpu>[\d.]+) ms/(?:request|save))?(?:, (?P<statements>\d+) statements)?$"
)


def drafting_run(tree: Path, options: list[str]) -> dict[str, tuple]:
    """bench/drafting.py in `tree` with this interpreter: its figures by label (with the
    response's name for the pages, whose labels repeat)."""
    imported = subprocess.run(
        [sys.executable, "-c", "import consult; print(consult.__file__)"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if not Path(imported.strip()).is_relative_to(tree):  # not this checkout's, installed
        raise RuntimeError(f"{tree} would run the app in {imported.strip()}")
    completed = subprocess.run(  # noqa: S603 - our own interpreter and benchmark
        [sys.executable, str(tree / "bench" / "drafting.py"), *options],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench/drafting.py failed in {tree}: {completed.stderr[-2000:]}")
    figures, heading = {}, ""
    for text in completed.stdout.splitlines():
        if text.startswith("  ") and text.rstrip().endswith(":"):
            heading = text.strip().split(",")[0]  # "demo response", "large response"
        elif match_ := FIGURE.match(text):
            label = f"{heading} {match_['label']}" if heading else match_["label"]
            figures[label] = match_.group("p50", "p95", "cpu", "statements")
    return figures


def drafting_lines(options: list[str]) -> list[str]:
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-before-"))
    try:
        archive = subprocess.run(  # noqa: S603 - git, fixed arguments
            ["git", "archive", BEFORE_LIVE],  # noqa: S607 - git from PATH
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        subprocess.run(  # noqa: S603 - tar, fixed arguments
            ["tar", "-x", "-C", str(workdir)],  # noqa: S607 - tar from PATH
            input=archive.stdout,
            check=True,
        )
        # The same benchmark for both trees, so that only the app differs.
        shutil.copy(ROOT / "bench" / "drafting.py", workdir / "bench" / "drafting.py")
        before = drafting_run(workdir, options)
        after = drafting_run(ROOT, options)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    lines = [
        f"  {'p50 / p95 ms (and CPU ms a request)':<58} {'before ' + BEFORE_LIVE:>24} {'now':>24}"
    ]
    for label, now in after.items():
        then = before.get(label)
        lines.append(f"  {label[:58]:<58} {_figures(then):>24} {_figures(now):>24}")
    return lines


def _figures(figures: tuple | None) -> str:
    if figures is None:
        return "-"
    p50, p95, cpu, statements = figures
    return (
        f"{p50} / {p95}"
        + (f"  cpu {cpu}" if cpu else "")
        + (f"  {statements} sql" if statements else "")
    )


# --- main -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    rooms: int
    kind: str  # of editor: PEERS
    workers: int

    def label(self, per_room: int) -> str:
        workers = f"{self.workers} workers and Redis" if self.workers > 1 else "1 worker"
        return f"{self.rooms} x {per_room} editors ({self.kind} editors, {workers})"


def plans(args) -> list[Plan]:
    kinds = ["asyncio", "threads"] if args.clients == "both" else [args.clients]
    chosen = [Plan(1, kind, 1) for kind in kinds]
    if not args.skip_large:
        chosen.append(Plan(args.rooms, kinds[0], 1))
        if args.redis_workers > 1 and shutil.which("redis-server"):
            chosen.append(Plan(args.rooms, kinds[0], args.redis_workers))
    return chosen


def server_runs(args, database_url: str, scenario: Scenario, workdir: Path) -> None:
    per_room = args.per_room
    print(
        f"\n(a) keystroke-to-peer latency, gunicorn {' '.join(GUNICORN)}, a keystroke every "
        f"{TYPING_GAP[0] * 1000:.0f}-{TYPING_GAP[1] * 1000:.0f} ms each, {args.seconds:.0f} s "
        f"measured after {args.warm_up:.0f} s (load average {os.getloadavg()[0]:.1f}, "
        f"{cpu_pressure()})"
    )
    trees = [(ROOT, "")]
    if args.compare:
        trees = [(Path(args.compare).resolve(), "before"), (ROOT, "now")]
    for plan in plans(args):
        for tree, name in trees:
            # A fresh server for each run, so that one's rooms do not weigh on the next.
            with live_server(database_url, workdir, plan.workers, tree) as server:
                rooms = [
                    (section_id, scenario.tokens[n * per_room : (n + 1) * per_room])
                    for n, section_id in enumerate(scenario.typing[: plan.rooms])
                ]
                profile = None
                if args.profile:
                    name_part = f"-{name}" if name else ""
                    label = f"live-{plan.rooms}x{per_room}-{plan.kind}-{plan.workers}{name_part}"
                    profile = Path(args.profile) / f"{label}.txt"
                run = asyncio.run(type_together(server, rooms, plan.kind, args, profile))
            label = plan.label(per_room) + (f", {name}: {tree}" if name else "")
            for text in report(run, label, per_room - 1):
                print(text, flush=True)
            if profile is not None:
                for text in profile_lines(profile):
                    print(text, flush=True)
    print(
        f"\n(b) memory per open document: {args.documents} sections of about 730 words "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    with live_server(database_url, workdir) as server:
        readings, count = asyncio.run(
            open_documents(server, scenario.spare[: args.documents + 1], scenario.tokens)
        )
    for text in memory_lines(readings, count):
        print(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="typing measured, per run")
    parser.add_argument("--warm-up", type=float, default=3, help="typing before measuring")
    parser.add_argument("--rooms", type=int, default=10, help="sections typed in at once")
    parser.add_argument("--per-room", type=int, default=20, help="editors in each section")
    parser.add_argument("--clients", choices=["asyncio", "threads", "both"], default="both")
    parser.add_argument("--skip-large", action="store_true", help="only one section")
    parser.add_argument(
        "--redis-workers",
        type=int,
        default=2,
        help="the large run again with this many workers relaying through Redis (0: not)",
    )
    parser.add_argument("--documents", type=int, default=100, help="sections opened for memory")
    parser.add_argument("--keystrokes", type=int, default=18_000, help="the hour's typing")
    parser.add_argument(
        "--random-places",
        action="store_true",
        help="the hour again with every keystroke at a random place (about 3 minutes more)",
    )
    parser.add_argument(
        "--profile", metavar="FOLDER", help="py-spy each run's server into FOLDER, summarised"
    )
    parser.add_argument(
        "--compare",
        metavar="TREE",
        help="each latency run first with the server of TREE (a worktree of another commit, "
        "its schema the same), then with this tree's",
    )
    parser.add_argument("--skip-drafting", action="store_true")
    parser.add_argument(
        "--drafting-options",
        default="--saves 100 --requests 15 --warm-up 5",
        help="passed to bench/drafting.py",
    )
    args = parser.parse_args()
    print(
        f"Consult live co-editing benchmark ({os.cpu_count()} CPUs, Python "
        f"{sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}: other work on the "
        "machine slows every figure)"
    )
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-live-"))
    database_url = f"sqlite:///{workdir / 'live.db'}"
    try:
        scenario = prepare(database_url, args.rooms * args.per_room, args.rooms, args.documents + 3)
        server_runs(args, database_url, scenario, workdir)
        print(f"\n(c) stored size after an hour of one section's typing ({args.keystrokes} keys)")
        places = (JUMP_SHARE, 1.0) if args.random_places else (JUMP_SHARE,)
        for text in hour_lines(database_url, scenario, args.keystrokes, places):
            print(text)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if not args.skip_drafting:
        print(
            f"\n(d) the drafting benchmark before live editing ({BEFORE_LIVE}) and now, "
            f"bench/drafting.py {args.drafting_options}"
        )
        for text in drafting_lines(args.drafting_options.split()):
            print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
