"""The organisation's audit log: owners only, newest first, paged, filtered; the events issue
6 asks for are there in plain words; another organisation's events and secrets never are."""

from __future__ import annotations

from datetime import timedelta

from consult.audit.log import PAGE_SIZE
from consult.audit.models import AuditEvent
from consult.audit.services import record
from consult.drafting import services as drafting
from consult.organisations import services as organisations
from consult.signing import services as signing
from consult.timeutil import utcnow
from tests import factories
from tests.accounts.test_erasure import _response
from tests.organisations.support import log_in, membership, text_of


def _page(client, slug: str, **params):
    return client.get(f"/o/{slug}/audit", query_string=params)


def test_only_owners_see_the_audit_log(make_client, team, db):
    slug = team.organisation.slug
    assert _page(log_in(make_client(), team.owner), slug).status_code == 200
    for role in ("coordinator", "editor", "member"):
        assert _page(log_in(make_client(), team.user(role)), slug).status_code == 403
    assert _page(log_in(make_client(), team.outsider), slug).status_code == 404
    assert _page(make_client(), slug).headers["Location"].startswith("/login")


def test_the_events_issue_6_lists_are_shown_in_plain_words(app, make_client, team, db):
    owner = log_in(make_client(), team.owner)
    member_browser = make_client()
    member_browser.post("/login", data={"email": team.member.email, "password": "wrong guess"})
    log_in(member_browser, team.member)
    slug = team.organisation.slug
    owner.post(f"/o/{slug}/invitations", data={"email": "new@example.org", "role": "member"})
    editor_membership = membership(team.organisation, team.editor)
    owner.post(f"/o/{slug}/members/{editor_membership.id}/role", data={"role": "member"})
    lead = membership(team.organisation, team.owner)
    with app.test_request_context():
        version = signing.freeze(lead, _response(team, lead))
        signing.open_signing(lead, version, public=False, closes_at=None)
        signature = signing.sign_as_member(team.member, version, None, None, False)
        signing.withdraw(signature, "account", actor=team.member)
    db.session.commit()
    owner.get(f"/versions/{version.id}/signatures.csv")
    coordinator = log_in(make_client(), team.coordinator)
    coordinator.post("/account/delete", data={"current_password": factories.PASSWORD})

    page = text_of(_page(owner, slug).text)
    for words in (
        "Mo Member logged in",
        "Mo Member failed to log in (wrong password)",
        "sent an invitation",
        "changed a member's role member: Eddie Editor",
        "froze a version",
        "confirmed a signature",
        "withdrew a signature",
        "downloaded the signatories (CSV)",
        "A former member erased their account",
    ):
        assert words in page, words


def test_another_organisations_events_and_secrets_never_show(make_client, team, db):
    rival = membership(team.other_organisation, team.outsider)
    organisations.rename_organisation(rival, "Secret Rival Renamed")
    record("account.logged_in", actor=team.outsider, subject=team.outsider)
    db.session.commit()
    owner = log_in(make_client(), team.owner)
    page = _page(owner, team.organisation.slug).text

    assert "Secret Rival Renamed" not in page and "Otto Outsider" not in page
    hashes = db.session.scalars(
        db.select(AuditEvent.ip_hash).where(AuditEvent.ip_hash.is_not(None))
    )
    assert not [ip_hash for ip_hash in hashes if ip_hash in page]


def test_filters_by_kind_person_and_dates(make_client, team, db):
    owner = log_in(make_client(), team.owner)
    log_in(make_client(), team.member)
    record("section.added", actor=team.editor, organisation=team.organisation)
    old = factories.newest_audit_event()
    old.created_at = utcnow() - timedelta(days=40)
    db.session.commit()
    slug = team.organisation.slug

    logins = text_of(_page(owner, slug, kind="logins").text)
    assert "Mo Member logged in" in logins and "added a section" not in logins
    editor_only = text_of(_page(owner, slug, person=str(team.editor.id)).text)
    assert "Eddie Editor added a section" in editor_only
    assert "Mo Member logged in" not in editor_only
    day = (utcnow() - timedelta(days=40)).date().isoformat()
    dated = text_of(_page(owner, slug, since=day, until=day).text)
    assert "added a section" in dated and "logged in" not in dated

    for bad in ({"since": "not a date"}, {"kind": "nonsense"}, {"person": "999999"}):
        refused = _page(owner, slug, **bad)
        assert refused.status_code == 422, bad
    backwards = _page(owner, slug, since="2026-02-01", until="2026-01-01")
    assert "The end date is before the start date." in backwards.text


def test_the_last_day_there_is_as_the_end_date_shows_the_log_not_an_error(make_client, team, db):
    owner = log_in(make_client(), team.owner)
    record("section.added", actor=team.editor, organisation=team.organisation)
    db.session.commit()

    response = _page(owner, team.organisation.slug, since="0001-01-01", until="9999-12-31")

    assert response.status_code == 200
    assert "added a section" in text_of(response.text)


def test_the_log_is_paged_newest_first(make_client, team, db):
    for number in range(PAGE_SIZE + 5):
        record("section.added", actor=team.editor, organisation=team.organisation)
        event = factories.newest_audit_event()
        event.details = {"number": number}
        event.created_at = utcnow() + timedelta(seconds=number)
    db.session.commit()
    owner = log_in(make_client(), team.owner)
    slug = team.organisation.slug

    first = _page(owner, slug)
    assert f"version: {PAGE_SIZE + 4}" in first.text and "Older events" in first.text
    second = _page(owner, slug, page=2)
    assert "version: 0" in second.text and "Newer events" in second.text
    assert _page(owner, slug, page="x").status_code == 200


def test_values_are_shown_in_words_with_the_section_and_response_they_concern(
    app, make_client, team, db
):
    owner = log_in(make_client(), team.owner)
    slug = team.organisation.slug
    editor_membership = membership(team.organisation, team.editor)
    owner.post(f"/o/{slug}/members/{editor_membership.id}/role", data={"role": "coordinator"})
    lead = membership(team.organisation, team.owner)
    with app.test_request_context():
        response = _response(team, lead)
        question = next(s for s in response.sections if s.kind == "question" and s.number == 2)
        drafting.set_status(team.owner, question, "ready_for_review")
        version = signing.freeze(lead, response)
        signing.open_signing(lead, version, public=True, closes_at=None)
    db.session.commit()

    page = text_of(_page(owner, slug).text)

    assert (
        "changed a section's status response: Erase me , section: Question 2: Should the new "
        "legal framework also apply to inferential\u2026 , from: Not started , "
        "to: Ready for review" in page
    )
    assert "changed a member's role member: Eddie Editor , from: Editor , to: Coordinator" in page
    assert "opened signing response: Erase me , open to: the public" in page
    assert "froze a version response: Erase me , version: 1" in page
    for raw in ("ready_for_review", "not_started", "True", "coordinator ,", "editor ,"):
        assert raw not in page, raw
