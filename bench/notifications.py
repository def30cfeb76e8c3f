"""Notifications benchmark: `make bench` (or `.venv/bin/python bench/notifications.py`) prints
how long `notifications send-due` takes for 5,000 people, how many SQL statements it sends and
how many SMTP connections it opens, on SQLite and on PostgreSQL (a scratch database beside
DATABASE_URL, or --postgresql URL; without one, only SQLite).

The world: 50 organisations of 100 people (10 coordinators, 90 editors), each with a response
to its own consultation closing in 2 days, its 20 question sections assigned to editors, and
three comments' worth of notices for everyone waiting for the digest. Then `send-due` makes
the 2-day reminders (coordinators and assignees) and sends everyone's digest over a local SMTP
server (this script's, in a process of its own on a free loopback port, so that it does not
take the app's time), which counts connections and messages. A
second run must send nothing. Target: under 10 s, one SMTP connection, statements not growing
with the number of people.

Options: --organisations N, --people N (per organisation), --sqlite-only, --postgresql URL."""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

with warnings.catch_warnings():  # smtpd and asyncore: deprecated, still in Python 3.11
    warnings.simplefilter("ignore", DeprecationWarning)
    import asyncore
    import smtpd

from drafting import free_port, scratch_postgresql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_SECONDS = 10.0
QUESTIONS = 20


class CountingSMTP(smtpd.SMTPServer):
    """A local SMTP server that keeps nothing but counts (in shared values)."""

    def __init__(self, port: int, connections, messages) -> None:
        super().__init__(("127.0.0.1", port), None, decode_data=False)
        self.connections, self.messages = connections, messages

    def handle_accepted(self, conn, addr) -> None:
        with self.connections.get_lock():
            self.connections.value += 1
        super().handle_accepted(conn, addr)

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs) -> None:
        with self.messages.get_lock():
            self.messages.value += 1


def serve_smtp(port: int, connections, messages, ready) -> None:
    CountingSMTP(port, connections, messages)
    ready.set()
    asyncore.loop(timeout=0.05)


def seed(app, organisations: int, people: int) -> int:
    """The world above; returns how many people."""
    from sqlalchemy import insert, select

    from consult.accounts.models import User
    from consult.accounts.services import hash_password
    from consult.bills.presenters import today
    from consult.consultations.services import create_consultation, parse_numbered_list
    from consult.drafting import services as drafting
    from consult.extensions import db
    from consult.notifications.services import notify
    from consult.organisations.models import Membership, Organisation
    from consult.timeutil import end_of_day, utcnow

    password = hash_password("bench password")  # one hash for all: seeding, not logging in
    now = utcnow()
    questions = parse_numbered_list(
        "\n".join(f"{n}. Question {n}?" for n in range(1, QUESTIONS + 1))
    )
    for number in range(organisations):
        organisation = Organisation(slug=f"bench-{number}", name=f"Bench {number}")
        db.session.add(organisation)
        db.session.flush()
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"p{number}-{n}@bench.example",
                    "name": f"Person {number}-{n}",
                    "password_hash": password,
                    "email_confirmed_at": now,
                    "created_at": now,
                }
                for n in range(people)
            ],
        )
        users = list(
            db.session.scalars(
                select(User).where(User.email.like(f"p{number}-%@bench.example")).order_by(User.id)
            )
        )
        db.session.execute(
            insert(Membership),
            [
                {
                    "organisation_id": organisation.id,
                    "user_id": user.id,
                    "role": "owner" if n == 0 else "coordinator" if n < 10 else "editor",
                    "created_at": now,
                }
                for n, user in enumerate(users)
            ],
        )
        lead = db.session.scalar(
            select(Membership).where(
                Membership.organisation_id == organisation.id, Membership.user_id == users[0].id
            )
        )
        consultation = create_consultation(
            lead, "Closing soon", "Bench", end_of_day(today() + timedelta(days=2)), questions
        )
        response = drafting.create_response(lead, consultation, f"Response {number}")
        sections = [s for s in response.sections if s.kind == "question"]
        for section, assignee in zip(sections, users[10:], strict=False):
            section.assignee_id = assignee.id
        for _ in range(3):
            notify(
                "comment",
                users,
                organisation_id=organisation.id,
                response=response,
                section=sections[0],
            )
        db.session.commit()
    return organisations * people


def measure(database_url: str, organisations: int, people: int) -> bool:
    from flask_migrate import upgrade
    from sqlalchemy import event

    from consult import create_app
    from consult.extensions import db
    from consult.notifications.emails import send_digests
    from consult.notifications.reminders import send_clash_reminders, send_reminders

    port = free_port()
    connections, messages, ready = mp.Value("i", 0), mp.Value("i", 0), mp.Event()
    server = mp.Process(target=serve_smtp, args=(port, connections, messages, ready), daemon=True)
    server.start()
    ready.wait(10)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_USE_TLS": False,
            "MAIL_USERNAME": "",
            "PUBLIC_URL": "http://127.0.0.1:5000",
        }
    )
    ok = True
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        total = seed(app, organisations, people)
        print(f"  seeded {total:,} people in {time.perf_counter() - started:.1f} s")

        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        started, cpu = time.perf_counter(), time.process_time()
        reminders = send_reminders()
        send_clash_reminders()
        digests = send_digests()
        built, built_cpu = time.perf_counter() - started, time.process_time() - cpu
        db.session.commit()  # the e-mails go over SMTP after the commit
        sent = time.perf_counter() - started
        cpu = time.process_time() - cpu
        for _ in range(100):  # the server may still be reading the last message
            if messages.value >= digests:
                break
            time.sleep(0.05)
        print(
            f"  send-due: {reminders:,} reminders and {digests:,} digests built in {built:.2f} s"
            f" ({built_cpu:.2f} s CPU),"
            f" committed and sent in {sent:.2f} s (target {TARGET_SECONDS:.0f} s; {cpu:.2f} s of"
            f" this process's CPU, load average {os.getloadavg()[0]:.1f});"
            f" {len(statements)} SQL statements; {connections.value} SMTP connection(s),"
            f" {messages.value:,} messages"
        )
        ok = sent < TARGET_SECONDS and connections.value == 1 and messages.value == total

        statements.clear()
        again_reminders, _, again_digests = (
            send_reminders(),
            send_clash_reminders(),
            send_digests(),
        )
        db.session.commit()
        print(
            f"  send-due again: {again_reminders} reminders, {again_digests} digests, "
            f"{len(statements)} SQL statements, {connections.value} SMTP connection(s) in all"
        )
        ok = ok and again_reminders == again_digests == 0 and connections.value == 1
    server.terminate()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=50)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="consult-bench-notify-") as tmp:
        print("notifications: SQLite")
        results.append(measure(f"sqlite:///{tmp}/bench.db", args.organisations, args.people))
    if not args.sqlite_only and args.postgresql.startswith("postgres"):
        with scratch_postgresql(args.postgresql) as url:
            if url:
                print("notifications: PostgreSQL")
                results.append(measure(url, args.organisations, args.people))
    print("notifications: " + ("OK" if all(results) else "BELOW TARGET"))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
