"""Settling a clash through the API: a save may name the clash it settles (`clash`, the
your_revision of an earlier 409). It merges as any save does; a clean result resolves the
clash, an overlap makes a newer clash that replaces it, and a clash settled already is a
409 clash_settled with nothing saved. Only the clash's author, or an owner or coordinator,
may name it."""

from __future__ import annotations

from sqlalchemy import select

from consult.drafting.models import ClashSettlement, Revision
from consult.extensions import db
from tests import factories
from tests.api.drafting_support import put_section, save, section
from tests.api.helpers import assert_documented, assert_error

PUT = "/api/v1/responses/{response_id}/sections/{section_id}"
BASE = "First paragraph.\n\nSecond paragraph."
EDDIES = "First paragraph.\n\nSecond paragraph, Eddie's way."
CORAS = "First paragraph.\n\nSecond paragraph, Cora's way."


def _clash(client, bearer, draft) -> dict:
    """Eddie saves over the base; Cora's save from the base clashes. Returns the conflict."""
    base = save(client, bearer("editor"), draft, draft.summary, BASE)["head_revision"]
    save(client, bearer("editor"), draft, draft.summary, EDDIES, base)
    answer = put_section(client, bearer("coordinator"), draft, draft.summary, CORAS, base)
    assert_error(answer, 409, "edit_conflict")
    return answer.get_json()["conflict"]


def _settlement(revision_id: int) -> ClashSettlement | None:
    db.session.expire_all()
    return db.session.scalar(
        select(ClashSettlement).where(ClashSettlement.revision_id == revision_id)
    )


def test_a_save_naming_the_clash_resolves_it_once(client, bearer, draft):
    conflict = _clash(client, bearer, draft)
    cora = bearer("coordinator")
    agreed = "First paragraph.\n\nSecond paragraph, both ways."

    resolved = put_section(
        client,
        cora,
        draft,
        draft.summary,
        agreed,
        conflict["their_revision"],
        clash=conflict["your_revision"],
    )

    assert_documented(resolved, PUT, "put")
    head = resolved.get_json()["head_revision"]
    settled = _settlement(conflict["your_revision"])
    assert (settled.outcome, settled.result_revision_id) == ("resolved", head)

    # Sent again (a retry, a second tab): nothing is saved in the clash's name.
    save(client, bearer("editor"), draft, draft.summary, agreed + "\n\nA third.", head)
    again = put_section(
        client,
        cora,
        draft,
        draft.summary,
        CORAS,
        conflict["their_revision"],
        clash=conflict["your_revision"],
    )
    error = assert_error(again, 409, "clash_settled")
    assert "already settled" in error["message"]
    assert_documented(again, PUT, "put")
    assert section(draft.summary).head.body == agreed + "\n\nA third."


def test_a_save_naming_the_clash_that_clashes_again_replaces_it(client, bearer, draft):
    conflict = _clash(client, bearer, draft)
    cora = bearer("coordinator")

    same = put_section(
        client,
        cora,
        draft,
        draft.summary,
        CORAS,
        conflict["base_revision"],
        clash=conflict["your_revision"],
    )
    assert assert_error(same, 409, "edit_conflict")
    assert same.get_json()["conflict"]["your_revision"] == conflict["your_revision"]  # no copy

    more = CORAS + " And more, typed after the clash."
    newer = put_section(
        client,
        cora,
        draft,
        draft.summary,
        more,
        conflict["base_revision"],
        clash=conflict["your_revision"],
    )

    assert_error(newer, 409, "edit_conflict")
    replacing = newer.get_json()["conflict"]["your_revision"]
    assert db.session.get(Revision, replacing).body == more
    settled = _settlement(conflict["your_revision"])
    assert (settled.outcome, settled.result_revision_id) == ("replaced", replacing)
    assert _settlement(replacing) is None


def test_only_the_author_or_a_coordinator_may_name_a_clash(client, bearer, api_token, draft, team):
    base = save(client, bearer("coordinator"), draft, draft.summary, BASE)["head_revision"]
    save(client, bearer("coordinator"), draft, draft.summary, CORAS, base)
    clash = put_section(client, bearer("editor"), draft, draft.summary, EDDIES, base)
    conflict = clash.get_json()["conflict"]
    head = conflict["their_revision"]

    edna = api_token(
        factories.add_member(team.organisation, factories.make_user(name="Edna"), "editor")
    )
    not_hers = put_section(
        client, edna, draft, draft.summary, EDDIES, head, clash=conflict["your_revision"]
    )
    assert "clash" in assert_error(not_hers, 422)["fields"]
    assert section(draft.summary).head_revision_id == head

    refused = put_section(
        client,
        bearer("owner"),
        draft,
        draft.about,
        "Elsewhere.",
        None,
        clash=conflict["your_revision"],
    )  # a clash of another section
    error = assert_error(refused, 422)
    assert "clash" in error["fields"]
    assert section(draft.about).head is None

    owner = put_section(
        client,
        bearer("owner"),
        draft,
        draft.summary,
        CORAS,
        head,
        clash=conflict["your_revision"],
    )  # settled on Eddie's behalf, keeping Cora's text
    assert owner.status_code == 200 and owner.get_json()["unchanged"] is True
    settled = _settlement(conflict["your_revision"])
    assert (settled.outcome, settled.settled_by_id) == ("resolved", team.owner.id)
