"""Two app instances (real gunicorn servers on two ports) against one PostgreSQL database and
one Redis, with edits of one section, public signatures and logins interleaved through both:
nothing is lost or doubled. Every save is a revision, every signature is there once, a session
started on one instance works on the other, and rate limits are shared through Redis.

Needs PostgreSQL (TEST_DATABASE_URL) and Redis at REDIS_TEST_URL (default
redis://127.0.0.1:6379/13, a database of its own: the test empties it first, so that limits
counted by an earlier run do not leak in); skipped without them, except that in CI a missing
Redis fails."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from sqlalchemy import func, select

from consult.accounts.models import UserSession
from consult.drafting import services as drafting
from consult.drafting.models import Revision
from consult.extensions import db
from consult.organisations.services import membership_of
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import Signature
from tests import factories
from tests.security import figures
from tests.signing.support import builtin_consultation

# Both tests empty and use one Redis database: under pytest-xdist they run in one worker, in turn.
pytestmark = pytest.mark.xdist_group("redis-database-13")

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/13")
WRITERS_PER_INSTANCE = 2
SAVES_PER_WRITER = 5
SIGNERS_PER_INSTANCE = 7


def _emptied_redis() -> bool:
    """Empty the test's Redis database; False if Redis does not answer."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).flushdb()
    except (OSError, redis.RedisError):
        return False
    return True


@pytest.fixture
def shared_services():
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip(
            "two instances need a shared database server: set TEST_DATABASE_URL to PostgreSQL"
        )
    if not _emptied_redis():
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {REDIS_URL}")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    return url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def instances(shared_services, tmp_path):
    """Two gunicorn servers sharing the test database and Redis; yields their base URLs."""
    environment = {
        **os.environ,
        "CONSULT_ENV": "test",
        "DATABASE_URL": shared_services,
        "REDIS_URL": REDIS_URL,
        "EXPORT_JOBS": "sync",
        # Words could also reach the other instance through the database (when an instance
        # stores, at a pause, and every LIVE_RECHECK_SECONDS): slow enough here that the live
        # test's first word can only have come through Redis.
        "LIVE_PAUSE_SECONDS": "3",
        "LIVE_STORE_SECONDS": "60",
        "LIVE_RECHECK_SECONDS": "60",
    }
    processes, urls = [], []
    for number in range(2):
        port = _free_port()
        log = (tmp_path / f"instance{number}.log").open("w")
        command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4"]
        command += ["--bind", f"127.0.0.1:{port}", "wsgi:app"]
        processes.append(
            subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            _wait_until_up(url, processes)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        db.session.remove()


def _wait_until_up(url: str, processes) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            pytest.fail("an instance stopped while starting (see its log in tmp_path)")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as reply:  # noqa: S310
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not start within a minute")


class Browser:
    """A person with cookies (urllib: requests is not a dependency)."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )

    def send(self, method: str, url: str, body=None, headers=None, form: bool = False):
        """(status, text) of one request."""
        data = None
        headers = dict(headers or {})
        if body is not None and form:
            data = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, base: str, email: str, password: str) -> int:
        _status, page = self.send("GET", f"{base}/login")
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        form = {"csrf_token": token, "email": email, "password": password}
        return self.send("POST", f"{base}/login", form, form=True)[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def world(team, api_token):
    """A response with a section to edit, a version open for public signing, a token."""
    owner = membership_of(team.owner, team.organisation)
    response = drafting.create_response(owner, builtin_consultation(), "Shared response")
    section = drafting.live_sections(response)[0]
    drafting.save_section(team.editor, section, "The text everyone starts from.", None, None)
    version = signing.freeze(owner, response, "First")
    signing.open_signing(owner, version, True, None)
    db.session.commit()
    return {
        "response": response.id,
        "section": section.id,
        "version": version.id,
        "headers": api_token(team.editor),
    }


def _revisions(section_id: int) -> list[Revision]:
    return list(db.session.scalars(select(Revision).where(Revision.section_id == section_id)))


def test_two_instances_lose_and_double_nothing(instances, world, team):
    run = uuid.uuid4().hex[:8]
    revisions_before = len(_revisions(world["section"]))
    answers: list[tuple[str, str]] = []  # (marker, outcome) of every save
    failures: list[str] = []
    lock = threading.Lock()

    def write(base: str, writer: str) -> None:
        browser = Browser()
        section_url = f"{base}/api/v1/responses/{world['response']}/sections/{world['section']}"
        for number in range(SAVES_PER_WRITER):
            status, text = browser.send(
                "GET", f"{base}/api/v1/responses/{world['response']}", headers=world["headers"]
            )
            section = next(s for s in json.loads(text)["sections"] if s["id"] == world["section"])
            marker = f"{writer}-save-{number}-{run}"
            body = {
                "body": f"{section['body']}\n\n{marker}",
                "base_revision": section["head_revision"],
            }
            status, text = browser.send("PUT", section_url, body, headers=world["headers"])
            with lock:
                outcome = "conflict" if status == 409 else "saved"
                if status == 200 and json.loads(text)["merged"]:
                    outcome = "merged"
                answers.append((marker, outcome))
                if status not in (200, 409):
                    failures.append(f"{marker}: {status} {text[:200]}")

    def sign(base: str, signer: str) -> None:
        browser = Browser()
        for number in range(SIGNERS_PER_INSTANCE):
            body = {
                "name": f"Signer {signer} {number}",
                "email": f"{signer}-{number}-{run}@example.org",
                "consent_public": False,
                "consent_statement": consent.CURRENT_VERSION,
            }
            status, text = browser.send(
                "POST", f"{base}/api/v1/versions/{world['version']}/signatures", body
            )
            if status != 202:
                with lock:
                    failures.append(f"signature {signer}-{number}: {status} {text[:200]}")

    threads = [
        threading.Thread(target=write, args=(base, f"writer{index}{copy}"))
        for index, base in enumerate(instances)
        for copy in range(WRITERS_PER_INSTANCE)
    ] + [
        threading.Thread(target=sign, args=(base, f"signer{index}"))
        for index, base in enumerate(instances)
    ]
    for thread in threads:
        thread.start()

    # Meanwhile, logins: a session started on one instance is honoured by the other.
    person = Browser()
    logins = [person.log_in(instances[0], team.member.email, factories.PASSWORD)]
    account_on_other = person.send("GET", f"{instances[1]}/account")[0]
    other = Browser()
    logins.append(other.log_in(instances[1], team.member.email, factories.PASSWORD))

    for thread in threads:
        thread.join(timeout=300)
    assert not failures, "\n".join(failures)
    assert logins == [302, 302] and account_on_other == 200

    # Every save is one revision, and every writer's words are in some revision.
    db.session.expire_all()
    revisions = _revisions(world["section"])
    assert len(answers) == 2 * WRITERS_PER_INSTANCE * SAVES_PER_WRITER
    assert len(revisions) == revisions_before + len(answers)
    bodies = "\n".join(revision.body for revision in revisions)
    assert all(marker in bodies for marker, _outcome in answers)
    # Every signature is there exactly once.
    emails = list(
        db.session.scalars(select(Signature.email).where(Signature.version_id == world["version"]))
    )
    assert len(emails) == len(set(emails)) == 2 * SIGNERS_PER_INSTANCE
    figures.add("two instances: saves, each one revision", len(answers))
    figures.add("two instances: signatures, each once", len(emails))

    # Both logins are live sessions in the one database.
    assert db.session.scalar(select(func.count()).where(UserSession.user_id == team.member.id)) == 2

    outcomes = [outcome for _marker, outcome in answers]
    print(
        f"two instances: {len(answers)} saves ({outcomes.count('saved')} clean, "
        f"{outcomes.count('merged')} merged, {outcomes.count('conflict')} conflicts kept), "
        f"{len(revisions) - revisions_before} revisions; {2 * SIGNERS_PER_INSTANCE} signatures, "
        "each once; 2 logins"
    )


def test_rate_limits_are_shared_between_instances(instances, team):
    """Failed logins for one account count across both instances (through Redis)."""
    target = factories.make_user(email=f"target-{uuid.uuid4().hex[:8]}@example.org")
    db.session.commit()
    statuses = [
        Browser().log_in(instances[attempt % 2], target.email, "wrong password")
        for attempt in range(11)
    ]

    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_two_people_on_two_instances_edit_one_section_live(instances, world, team, api_token):
    """Live editing relayed through Redis: a person on each instance types into the same
    section; each sees the other's words, both end with the same text holding every word,
    and the words become revisions."""
    from consult.live.client import LiveClient

    tokens = [
        api_token(team.editor)["Authorization"].removeprefix("Bearer "),
        api_token(team.owner)["Authorization"].removeprefix("Bearer "),
    ]
    clients = [
        LiveClient(
            f"{base.replace('http://', 'ws://')}/api/v1/live/sections/{world['section']}",
            token=token,
        )
        for base, token in zip(instances, tokens, strict=True)
    ]
    try:
        for client in clients:
            client.wait_synced()
        started = time.monotonic()
        clients[0].edit(lambda body: body.insert(len(body), " relayed"))
        clients[1].wait_for(lambda text: "relayed" in text, timeout=5)
        assert time.monotonic() - started < 2, "the first word came the slow way, not via Redis"
        words = [[f"east{n}" for n in range(15)], [f"west{n}" for n in range(15)]]
        for round_ in range(15):
            for client, own in zip(clients, words, strict=True):
                word = " " + own[round_]
                client.edit(lambda body, word=word: body.insert(len(body), word))
            time.sleep(0.02)
        every_word = [word for own in words for word in own]
        texts = [
            client.wait_for(lambda text: all(word in text for word in every_word), timeout=10)
            for client in clients
        ]
        assert texts[0] == texts[1]
        assert texts[0].startswith("The text everyone starts from.")

        def revision_holds_everything() -> bool:
            db.session.rollback()
            return any(
                all(word in revision.body for word in every_word)
                for revision in _revisions(world["section"])
            )

        deadline = time.monotonic() + 30  # a pause of LIVE_PAUSE_SECONDS, then the clock
        while not revision_holds_everything():
            assert time.monotonic() < deadline, "the live words never became a revision"
            time.sleep(0.3)
    finally:
        for client in clients:
            client.close()
