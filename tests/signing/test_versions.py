"""Freezing: a version is an immutable snapshot whose canonical bytes have a SHA-256
fingerprint; drafting goes on after it, and the next freeze is a new, different version."""

from __future__ import annotations

import hashlib
import json

import pytest

from consult.drafting import services as drafting
from consult.extensions import db
from consult.organisations.services import NotAllowed
from consult.signing import services as signing
from tests.signing.conftest import ANSWER, SUMMARY
from tests.signing.support import membership


def test_the_stored_bytes_are_the_canonical_serialisation_and_hash_to_the_fingerprint(version):
    data = version.content.encode("utf-8")

    assert hashlib.sha256(data).hexdigest() == version.sha256
    content = json.loads(data)
    # Exactly API.md's serialisation: sorted keys, no spaces, UTF-8 rather than \u escapes.
    assert signing.canonical_bytes(content) == data
    assert data == json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    assert "“protect”".encode() in data and "✊".encode() in data
    assert b"\\u" not in data


def test_the_content_holds_the_words_signed_and_who_answers_what(version, response, team):
    content = signing.content_of(version)

    assert content["format"] == "consult-version/1"
    assert content["version"] == 1
    assert content["response"] == {"id": response.id, "title": "Our response"}
    assert content["organisation"]["name"] == team.organisation.name
    assert content["consultation"]["slug"] == "facial-recognition-framework"
    bodies = {(s["kind"], s["number"]): (s["body"], s["choice"]) for s in content["sections"]}
    assert bodies[("summary", None)] == (SUMMARY, None)
    assert bodies[("question", 1)] == (ANSWER, "Agree")
    assert content["frozen_at"].endswith("Z")


def test_the_same_content_always_gives_the_same_bytes(version):
    content = signing.content_of(version)
    shuffled = json.loads(json.dumps(content, sort_keys=False))
    shuffled = dict(reversed(list(shuffled.items())))

    assert signing.canonical_bytes(shuffled) == version.content.encode("utf-8")
    assert signing.canonical_bytes(content) == signing.canonical_bytes(content)


def test_editing_after_freezing_leaves_the_version_unchanged(version, response, team):
    before = (version.content, version.sha256)
    summary = next(s for s in drafting.live_sections(response) if s.kind == "summary")

    drafting.save_section(team.editor, summary, "Rewritten later.", None, summary.head_revision_id)
    db.session.commit()
    db.session.expire_all()

    assert (version.content, version.sha256) == before
    assert "Rewritten later." not in version.content


def test_a_second_freeze_is_number_two_with_a_different_fingerprint(version, response, team):
    summary = next(s for s in drafting.live_sections(response) if s.kind == "summary")
    drafting.save_section(team.editor, summary, "Rewritten later.", None, summary.head_revision_id)

    second = signing.freeze(membership(team.coordinator, team.organisation), response, "")
    db.session.commit()

    assert second.number == 2
    assert second.sha256 != version.sha256
    assert "Rewritten later." in second.content
    assert hashlib.sha256(second.content.encode()).hexdigest() == second.sha256
    assert [v.number for v in signing.versions_of(response)] == [2, 1]
    assert signing.previous_version(second).id == version.id
    assert signing.previous_version(version) is None


def test_freezing_unchanged_text_again_still_makes_a_new_version(version, response, team):
    """The number and the time are part of what is signed, so the fingerprints differ."""
    second = signing.freeze(membership(team.owner, team.organisation), response)
    db.session.commit()

    assert second.number == 2 and second.sha256 != version.sha256


@pytest.mark.parametrize("role", ["editor", "member"])
def test_only_owners_and_coordinators_freeze(team, response, role):
    with pytest.raises(NotAllowed):
        signing.freeze(membership(team.user(role), team.organisation), response)


def test_another_organisations_coordinator_cannot_freeze(team, response):
    outsider = membership(team.outsider, team.other_organisation)

    with pytest.raises(NotAllowed):
        signing.freeze(outsider, response)


def test_freezing_is_audited(version, team):
    from sqlalchemy import select

    from consult.audit.models import AuditEvent

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "version.frozen"))
    assert event.actor_id == team.owner.id
    assert event.details["sha256"] == version.sha256
