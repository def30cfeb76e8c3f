"""History through the API: the revisions of a section, one revision, the difference between
two, and restoring an earlier one as a new head."""

from __future__ import annotations

import pytest

from consult.drafting.models import Revision
from consult.extensions import db
from tests.api.drafting_support import make_draft, put_section, revision, save, section
from tests.api.helpers import assert_documented, assert_error
from tests.api.test_drafting_saving import BASE

REVISIONS = "/api/v1/responses/{response_id}/sections/{section_id}/revisions"
REVISION = "/api/v1/revisions/{revision_id}"
DIFF = "/api/v1/revisions/{revision_id}/diff"
RESTORE = "/api/v1/responses/{response_id}/sections/{section_id}/restore"


@pytest.fixture
def history(client, bearer, draft):
    """Three revisions of the summary: v1 by the editor, v2 by the coordinator, v3 by the owner."""
    v1 = save(client, bearer("editor"), draft, draft.summary, "The first words.")["head_revision"]
    v2 = save(client, bearer("coordinator"), draft, draft.summary, "The first real words.", v1)[
        "head_revision"
    ]
    v3 = save(client, bearer("owner"), draft, draft.summary, "Other words entirely.", v2)[
        "head_revision"
    ]
    return v1, v2, v3


# --- the list -------------------------------------------------------------------------------


def test_the_revisions_of_a_section_newest_first(client, team, bearer, draft, history):
    v1, v2, v3 = history

    response = client.get(draft.section_url(draft.summary, "/revisions"), headers=bearer("member"))

    assert response.status_code == 200
    assert_documented(response, REVISIONS, "get")
    listed = response.get_json()
    assert [(r["id"], r["number"], r["kind"], r["parent"]) for r in listed] == [
        (v3, 3, "edit", v2),
        (v2, 2, "edit", v1),
        (v1, 1, "edit", None),
    ]
    assert [r["author"] for r in listed] == ["Olive Owner", "Cora Coordinator", "Eddie Editor"]
    assert [r["word_count"] for r in listed] == [3, 4, 3]


def test_an_erased_author_shows_as_former_member(client, bearer, draft, history):
    v1, _v2, _v3 = history
    db.session.execute(db.update(Revision).where(Revision.id == v1).values(author_id=None))
    db.session.commit()

    listed = client.get(
        draft.section_url(draft.summary, "/revisions"), headers=bearer("member")
    ).get_json()
    one = client.get(f"/api/v1/revisions/{v1}", headers=bearer("member")).get_json()

    assert listed[-1]["author"] == "Former member"
    assert one["author"] == "Former member"


def test_a_section_without_revisions_has_an_empty_history(client, bearer, draft):
    response = client.get(draft.section_url(draft.about, "/revisions"), headers=bearer("member"))

    assert response.get_json() == []


def test_history_is_404_for_outsiders_and_other_responses_sections(client, team, bearer, draft):
    other = make_draft(team, title="Other")

    assert_error(
        client.get(draft.section_url(draft.summary, "/revisions"), headers=bearer("outsider")),
        404,
    )
    assert_error(
        client.get(f"{draft.url}/sections/{other.summary}/revisions", headers=bearer("owner")),
        404,
    )
    assert_error(client.get(draft.section_url(draft.summary, "/revisions")), 401)


# --- one revision ---------------------------------------------------------------------------


def test_one_revision_with_its_text(client, bearer, draft, history):
    v1, v2, _v3 = history

    response = client.get(f"/api/v1/revisions/{v2}", headers=bearer("member"))

    assert response.status_code == 200
    assert_documented(response, REVISION, "get")
    body = response.get_json()
    assert body == {
        "id": v2,
        "section": draft.summary,
        "response": draft.response_id,
        "number": 2,
        "kind": "edit",
        "title": "Summary",
        "body": "The first real words.",
        "choice": None,
        "author": "Cora Coordinator",
        "created_at": body["created_at"],
        "word_count": 4,
        "parent": v1,
    }
    assert body["created_at"].endswith("Z")


def test_a_revision_is_404_for_outsiders_and_when_missing(client, bearer, history):
    v1, _v2, _v3 = history

    assert_error(client.get(f"/api/v1/revisions/{v1}", headers=bearer("outsider")), 404)
    assert_error(client.get("/api/v1/revisions/987654", headers=bearer("owner")), 404)
    assert_error(client.get("/api/v1/revisions/98765432109876543210", headers=bearer("owner")), 404)
    assert_error(client.get(f"/api/v1/revisions/{v1}"), 401)


# --- differences ----------------------------------------------------------------------------


def _diff(client, headers, revision_id, against=None):
    query = "" if against is None else f"?against={against}"
    return client.get(f"/api/v1/revisions/{revision_id}/diff{query}", headers=headers)


def test_the_difference_between_two_revisions(client, bearer, history):
    v1, _v2, v3 = history

    response = _diff(client, bearer("member"), v3, against=v1)

    assert response.status_code == 200
    assert_documented(response, DIFF, "get")
    body = response.get_json()
    assert (body["from"], body["to"]) == (v1, v3)
    assert body["diff"].splitlines() == [
        f"--- revision 1 (id {v1})",
        f"+++ revision 3 (id {v3})",
        "@@ -1 +1 @@",
        "-The first words.",
        "+Other words entirely.",
    ]
    assert {op["op"] for op in body["ops"]} == {"equal", "delete", "insert"}
    old = "".join(o["text"] for o in body["ops"] if o["op"] != "insert")
    new = "".join(o["text"] for o in body["ops"] if o["op"] != "delete")
    assert (old, new) == ("The first words.", "Other words entirely.")


def test_without_against_the_difference_is_from_the_parent(client, bearer, history):
    v1, v2, _v3 = history

    from_parent = _diff(client, bearer("member"), v2).get_json()
    first = _diff(client, bearer("member"), v1)

    assert (from_parent["from"], from_parent["to"]) == (v1, v2)
    assert {"op": "insert", "text": "real "} in from_parent["ops"]
    assert_documented(first, DIFF, "get")
    assert first.get_json()["from"] is None
    assert first.get_json()["ops"] == [{"op": "insert", "text": "The first words."}]


@pytest.mark.parametrize("against", ["", "abc", "-1", "1.5", "\u0661", "99999999999999"])
def test_an_against_that_is_not_an_id_is_422(client, bearer, history, against):
    response = _diff(client, bearer("member"), history[0], against=against)

    assert set(assert_error(response, 422)["fields"]) == {"against"}
    assert_documented(response, DIFF, "get")


def test_against_a_revision_of_another_section_of_the_response_works(
    client, bearer, draft, history
):
    about = save(client, bearer("editor"), draft, draft.about, "About us.")["head_revision"]

    response = _diff(client, bearer("member"), history[0], against=about)

    assert response.status_code == 200


def test_against_a_revision_elsewhere_is_404(client, team, bearer, draft, history):
    other = make_draft(team, title="Other")
    elsewhere = save(client, bearer("editor"), other, other.summary, "Elsewhere.")["head_revision"]

    assert_error(_diff(client, bearer("member"), history[0], against=elsewhere), 404)
    assert_error(_diff(client, bearer("member"), history[0], against=2_000_000), 404)
    assert_error(_diff(client, bearer("outsider"), history[0], against=history[1]), 404)
    assert_error(_diff(client, {}, history[0], against=history[1]), 401)


# --- restoring ------------------------------------------------------------------------------


def _restore(client, headers, draft, revision_value, section_id=None):
    return client.post(
        draft.section_url(section_id or draft.summary, "/restore"),
        json={"revision": revision_value},
        headers=headers,
    )


def test_restoring_an_earlier_revision_makes_a_new_head(client, team, bearer, draft, history):
    v1, _v2, v3 = history

    response = _restore(client, bearer("editor"), draft, v1)

    assert response.status_code == 200
    assert_documented(response, RESTORE, "post")
    body = response.get_json()
    assert body["kind"] == "restore"
    assert body["body"] == "The first words."
    assert body["restored_from"] == v1
    assert body["revision_number"] == 4
    assert body["word_count"] == 3
    restored = revision(body["head_revision"])
    assert (restored.kind, restored.parent_id, restored.author_id) == (
        "restore",
        v3,
        team.editor.id,
    )
    assert section(draft.summary).head_revision_id == restored.id
    listed = client.get(
        draft.section_url(draft.summary, "/revisions"), headers=bearer("member")
    ).get_json()
    assert [r["kind"] for r in listed] == ["restore", "edit", "edit", "edit"]


def test_restoring_a_conflict_revision_takes_that_text(client, bearer, draft):
    base = save(client, bearer("editor"), draft, draft.summary, BASE)["head_revision"]
    save(client, bearer("editor"), draft, draft.summary, BASE.replace("Third", "3rd"), base)
    clash = put_section(
        client, bearer("coordinator"), draft, draft.summary, BASE.replace("Third", "III"), base
    )
    yours = clash.get_json()["conflict"]["your_revision"]

    response = _restore(client, bearer("coordinator"), draft, yours)

    assert response.get_json()["body"] == BASE.replace("Third", "III")


def test_restoring_is_for_editors_and_above(client, bearer, draft, history):
    assert_error(_restore(client, bearer("member"), draft, history[0]), 403)
    assert_error(_restore(client, bearer("outsider"), draft, history[0]), 404)
    assert_error(_restore(client, {}, draft, history[0]), 401)
    assert section(draft.summary).head_revision_id == history[2]


@pytest.mark.parametrize("value", [None, "1", True, 0, 2**40, 999_999])
def test_restoring_something_that_is_not_a_revision_is_422(client, bearer, draft, history, value):
    response = _restore(client, bearer("editor"), draft, value)

    assert set(assert_error(response, 422)["fields"]) == {"revision"}
    assert_documented(response, RESTORE, "post")


def test_restoring_a_revision_of_another_section_is_422(client, bearer, draft, history):
    about = save(client, bearer("editor"), draft, draft.about, "About us.")["head_revision"]

    response = _restore(client, bearer("editor"), draft, about)

    assert_error(response, 422)
    assert section(draft.summary).head_revision_id == history[2]


def test_a_removed_section_cannot_have_a_revision_restored(client, team, bearer, draft):
    from consult.drafting import services as drafting

    added = drafting.add_section(team.editor, section(draft.summary).response, "Annex")
    db.session.commit()
    added_id = added.id
    first = save(client, bearer("editor"), draft, added_id, "Annex text.")["head_revision"]
    drafting.remove_section(team.editor, section(added_id))
    db.session.commit()

    response = _restore(client, bearer("editor"), draft, first, section_id=added_id)

    assert "removed" in assert_error(response, 422)["message"]
