"""Every change to who belongs to an organisation, and with which role, leaves an audit event
(and no secret in it)."""

from __future__ import annotations

import json

from tests import factories
from tests.organisations.support import audit_events, invitations_to, membership


def _only(action: str):
    events = audit_events(action)
    assert len(events) == 1, (action, [(e.action, e.details) for e in events])
    return events[0]


def test_creating_an_organisation_is_audited(make_client):
    founder = factories.make_user()

    make_client(founder).post("/organisations/new", data={"name": "Audit Society"})

    event = [e for e in audit_events("organisation.created") if e.actor_id == founder.id]
    assert len(event) == 1 and event[0].organisation_id is not None


def test_invitations_sent_accepted_declined_and_revoked_are_audited(
    team, invite, browser_of, make_client
):
    link = invite("accepts@example.org", role="editor", by="coordinator")
    decline_link = invite("declines@example.org")
    invite("revoked@example.org")
    [revoked] = invitations_to("revoked@example.org")
    browser_of("owner").post(f"/o/{team.organisation.slug}/invitations/{revoked.id}/revoke")
    accepter = factories.make_user(email="accepts@example.org")
    make_client(accepter).post(f"{link}/accept")
    make_client().post(f"{decline_link}/decline")

    sent = audit_events("invitation.sent")
    assert [e.details["email"] for e in sent] == [
        "accepts@example.org",
        "declines@example.org",
        "revoked@example.org",
    ]
    assert sent[0].actor_id == team.coordinator.id
    assert sent[0].details["role"] == "editor"
    accepted = _only("invitation.accepted")
    assert (accepted.actor_id, accepted.organisation_id) == (accepter.id, team.organisation.id)
    declined = _only("invitation.declined")
    assert declined.subject_id == invitations_to("declines@example.org")[0].id
    assert declined.actor_id is None
    revoked_event = _only("invitation.revoked")
    assert (revoked_event.actor_id, revoked_event.subject_id) == (team.owner.id, revoked.id)
    token = link.rsplit("/", 1)[-1]
    for event in [*audit_events("invitation.sent"), accepted, declined, revoked_event]:
        assert token not in json.dumps(event.details)


def test_resending_and_replacing_an_invitation_are_audited(team, invite, browser_of):
    invite("guest@example.org")
    [first] = invitations_to("guest@example.org")
    browser_of("owner").post(f"/o/{team.organisation.slug}/invitations/{first.id}/resend")
    invite("guest@example.org", role="editor")

    assert _only("invitation.resent").subject_id == first.id
    replaced = _only("invitation.revoked")
    assert (replaced.subject_id, replaced.details.get("reason")) == (first.id, "replaced")


def test_role_changes_removals_and_leaving_are_audited(team, browser_of):
    slug = team.organisation.slug
    editor_id = membership(team.organisation, team.editor).id
    member_id = membership(team.organisation, team.member).id
    browser_of("owner").post(f"/o/{slug}/members/{editor_id}/role", data={"role": "coordinator"})
    browser_of("coordinator").post(f"/o/{slug}/members/{member_id}/remove")
    browser_of("editor").post(f"/o/{slug}/leave")

    changed = _only("membership.role_changed")
    assert changed.actor_id == team.owner.id
    assert changed.details == {"member": team.editor.id, "old": "editor", "new": "coordinator"}
    removed = _only("membership.removed")
    assert (removed.actor_id, removed.details["member"]) == (team.coordinator.id, team.member.id)
    left = _only("membership.left")
    assert (left.actor_id, left.organisation_id) == (team.editor.id, team.organisation.id)


def test_refused_changes_leave_no_audit_event(team, browser_of):
    slug = team.organisation.slug
    owner_id = membership(team.organisation, team.owner).id
    browser_of("coordinator").post(f"/o/{slug}/members/{owner_id}/role", data={"role": "member"})
    browser_of("outsider").post(f"/o/{slug}/members/{owner_id}/remove")
    browser_of("owner").post(f"/o/{slug}/leave")

    for action in ("membership.role_changed", "membership.removed", "membership.left"):
        assert audit_events(action) == []
