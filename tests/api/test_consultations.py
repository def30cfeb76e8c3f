"""GET /api/v1/consultations: the built-in consultation for everyone, an organisation's own
consultations for its members only."""

from __future__ import annotations

from datetime import datetime

from consult.consultations import services as consultations
from consult.consultations.services import QuestionDraft
from consult.extensions import db
from consult.organisations.services import membership_of
from tests.api.drafting_support import BUILTIN, SCALE_OPTIONS
from tests.api.helpers import assert_documented, assert_error

PATH = "/api/v1/consultations"


def _add_own_consultation(team, title: str = "Local policing plan"):
    membership = membership_of(team.coordinator, team.organisation)
    consultation = consultations.create_consultation(
        membership,
        title,
        "Northtown Council",
        datetime(2031, 3, 1, 12, 0),
        [
            QuestionDraft(number=1, text="Do you agree with the plan?", kind="scale"),
            QuestionDraft(number=2, text="What is missing?", kind="open", word_limit=250),
        ],
    )
    db.session.commit()
    return consultation


def test_the_built_in_consultation_is_listed_with_its_seventeen_questions(client, bearer):
    response = client.get(PATH, headers=bearer("member"))

    assert response.status_code == 200
    assert_documented(response, PATH, "get")
    (builtin,) = [c for c in response.get_json() if c["slug"] == BUILTIN]
    assert builtin["publisher"].startswith("Home Office")
    assert builtin["organisation"] is None
    assert builtin["closes_at"] == "2026-02-12T23:59:00Z"
    assert [q["number"] for q in builtin["questions"]] == list(range(1, 18))
    assert builtin["questions"][0]["text"] == (
        "To what extent do you agree or disagree that a new legal framework should apply to all "
        "use of \u2018biometric technologies\u2019 by law enforcement organisations?"
    )
    for question in builtin["questions"]:
        assert set(question) >= {"number", "text", "kind", "options", "word_limit"}
        assert question["wording_verified"] is (question["number"] in (1, 5))
        assert (question["wording_source"] is not None) is question["wording_verified"]
        if question["kind"] == "scale":
            assert question["options"] == SCALE_OPTIONS
        else:
            assert question["kind"] == "open"
            assert question["options"] == []
    assert [q["number"] for q in builtin["questions"] if q["kind"] == "open"] == [
        4, 7, 8, 9, 10, 12, 13, 16, 17
    ]  # fmt: skip


def test_a_person_in_no_organisation_sees_the_built_in_consultation(client, api_token, db):
    from tests import factories

    loner = factories.make_user(name="Lone Person")

    response = client.get(PATH, headers=api_token(loner))

    assert response.status_code == 200
    assert [c["slug"] for c in response.get_json()] == [BUILTIN]


def test_an_organisations_own_consultation_is_listed_for_its_members_only(client, team, bearer):
    own = _add_own_consultation(team)

    for role in ("owner", "coordinator", "editor", "member"):
        listed = client.get(PATH, headers=bearer(role))
        assert_documented(listed, PATH, "get")
        by_slug = {c["slug"]: c for c in listed.get_json()}
        assert set(by_slug) == {BUILTIN, own.slug}, role
        mine = by_slug[own.slug]
        assert mine["organisation"] == team.organisation.slug
        assert mine["questions"] == [
            {
                "number": 1,
                "text": "Do you agree with the plan?",
                "kind": "scale",
                "options": SCALE_OPTIONS,
                "word_limit": None,
                "wording_verified": None,  # the organisation's own words: nothing to check
                "wording_source": None,
            },
            {
                "number": 2,
                "text": "What is missing?",
                "kind": "open",
                "options": [],
                "word_limit": 250,
                "wording_verified": None,
                "wording_source": None,
            },
        ]

    outsider = client.get(PATH, headers=bearer("outsider")).get_json()
    assert [c["slug"] for c in outsider] == [BUILTIN]
    assert "Local policing plan" not in str(outsider)


def test_someone_in_two_organisations_sees_both_organisations_consultations_once(
    client, team, bearer
):
    from tests import factories

    ours = _add_own_consultation(team)
    theirs_membership = membership_of(team.outsider, team.other_organisation)
    theirs = consultations.create_consultation(
        theirs_membership, "Rival consultation", "", None, [QuestionDraft(1, "Why?")]
    )
    db.session.commit()
    factories.add_member(team.other_organisation, team.member, "member")

    listed = client.get(PATH, headers=bearer("member")).get_json()

    slugs = [c["slug"] for c in listed]
    # One list in the service's order: open ones soonest closing first (ours closes in 2031),
    # those without a closing date, then closed ones (the built-in one closed in 2026).
    assert slugs == [ours.slug, theirs.slug, BUILTIN]
    assert {c["slug"]: c["organisation"] for c in listed}[theirs.slug] == (
        team.other_organisation.slug
    )


def test_the_list_is_read_in_one_query_for_the_consultations(client, team, bearer, monkeypatch):
    """The consultations of all the caller's organisations come from one call to the service
    (visible_consultations_for), not one call per organisation."""
    from tests import factories

    factories.add_member(team.other_organisation, team.member, "member")
    calls = []
    original = consultations.visible_consultations_for

    def counting(organisations):
        calls.append(sorted(organisation.slug for organisation in organisations))
        return original(organisations)

    monkeypatch.setattr(consultations, "visible_consultations_for", counting)
    monkeypatch.setattr(
        consultations,
        "visible_consultations",
        lambda *_: (_ for _ in ()).throw(AssertionError("called per organisation")),
    )

    assert client.get(PATH, headers=bearer("member")).status_code == 200
    assert calls == [sorted([team.organisation.slug, team.other_organisation.slug])]


def test_anonymous_callers_get_401(client):
    assert_error(client.get(PATH), 401)
