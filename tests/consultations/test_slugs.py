"""Consultation slugs are scoped to what an organisation sees. An organisation's own
consultation gets its slug from its private title; were slugs global, another organisation
adding one by the same title would get "-2" (or an API answer, or a page) that tells it the
first one exists. So every probe below answers the same whether or not another organisation
has a consultation by that title, and the built-in one keeps its fixed slug."""

from __future__ import annotations

from consult.consultations import services
from consult.consultations.models import Consultation
from consult.consultations.services import QuestionDraft
from consult.extensions import db
from tests.consultations.support import form_data, new_url
from tests.drafting.conftest import membership_of

BUILTIN = "facial-recognition-framework"
SECRET = "Northtown secret campaign plan"
SECRET_SLUG = "northtown-secret-campaign-plan"


def _probe(browser_of, client, api_token, team) -> list:
    """Everything an outsider (the other organisation's owner) can try with the slug that a
    consultation titled SECRET would have: its page, starting a response to it on a page and
    through the API, and adding a consultation by the same title. Answers without what varies
    from run to run (ids, times)."""
    outsider = browser_of("outsider")
    theirs = team.other_organisation.slug
    page = outsider.get(f"/o/{theirs}/consultations/{SECRET_SLUG}")
    start = outsider.get(f"/o/{theirs}/responses/new?consultation={SECRET_SLUG}")
    api = client.post(
        f"/api/v1/organisations/{theirs}/responses",
        json={"consultation": SECRET_SLUG, "title": "Probe"},
        headers=api_token(team.outsider),
    )
    added = outsider.post(new_url(team.other_organisation), data=form_data(title=SECRET))
    answers = [
        page.status_code,
        start.status_code,
        SECRET_SLUG in start.get_data(as_text=True),
        api.status_code,
        api.get_json(),
        added.status_code,
        added.headers["Location"],
    ]
    # Put the outsider's organisation back as it was, for a second probe.
    db.session.execute(
        db.delete(Consultation).where(Consultation.organisation_id == team.other_organisation.id)
    )
    db.session.commit()
    return answers


def test_an_outsiders_probes_answer_the_same_whether_or_not_a_consultation_exists(
    browser_of, client, api_token, team, add_consultation
):
    without = _probe(browser_of, client, api_token, team)
    assert add_consultation(SECRET) == SECRET_SLUG
    with_it = _probe(browser_of, client, api_token, team)

    assert with_it == without
    assert without[0] == 404 and without[3] == 422
    assert without[-1].endswith(f"/consultations/{SECRET_SLUG}")  # no "-2": nothing revealed


def test_two_organisations_may_give_consultations_the_same_title_and_slug(team):
    ours = services.create_consultation(
        membership_of(team.owner, team.organisation), SECRET, "", None, [QuestionDraft(1, "Q?")]
    )
    theirs = services.create_consultation(
        membership_of(team.outsider, team.other_organisation), SECRET, "", None,
        [QuestionDraft(1, "Q?")],
    )  # fmt: skip
    again = services.create_consultation(
        membership_of(team.owner, team.organisation), SECRET, "", None, [QuestionDraft(1, "Q?")]
    )
    db.session.commit()

    assert ours.slug == theirs.slug == SECRET_SLUG
    assert again.slug == f"{SECRET_SLUG}-2"  # unique within the organisation
    assert services.find_visible(SECRET_SLUG, team.organisation) == ours
    assert services.find_visible(SECRET_SLUG, team.other_organisation) == theirs
    assert services.find_visible(SECRET_SLUG, None) is None


def test_someone_in_both_organisations_reaches_each_ones_own_by_the_same_slug(
    browser_of, team, add_consultation
):
    from tests import factories

    add_consultation(SECRET, questions="1. Ours?")
    add_consultation(SECRET, organisation=team.other_organisation, questions="1. Theirs?")
    factories.add_member(team.other_organisation, team.member, "member")
    member = browser_of("member")

    ours = member.get(f"/o/{team.organisation.slug}/consultations/{SECRET_SLUG}")
    theirs = member.get(f"/o/{team.other_organisation.slug}/consultations/{SECRET_SLUG}")

    assert "Ours?" in ours.get_data(as_text=True) and "Theirs?" not in ours.get_data(True)
    assert "Theirs?" in theirs.get_data(as_text=True) and "Ours?" not in theirs.get_data(True)


def test_an_organisations_slug_never_takes_the_built_in_ones(team):
    own = services.create_consultation(
        membership_of(team.owner, team.organisation),
        "Facial recognition framework",
        "",
        None,
        [QuestionDraft(1, "Q?")],
    )
    db.session.commit()

    assert own.slug == f"{BUILTIN}-2"
    assert services.find_visible(BUILTIN, team.organisation).is_builtin
