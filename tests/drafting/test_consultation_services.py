"""Consultation services that drafting stands on: the built-in consultation, which
consultations an organisation sees, and reading questions pasted or uploaded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consult.consultations import services
from consult.consultations.services import QuestionDraft, QuestionsError
from consult.extensions import db
from consult.organisations.services import NotAllowed
from consult.timeutil import utcnow
from tests import factories
from tests.drafting.conftest import BUILTIN_SLUG, builtin_consultation, membership_of
from tests.drafting.pages_support import count_queries


def test_the_builtin_consultation_has_the_home_offices_seventeen_questions_with_scales(db):
    consultation = builtin_consultation()
    assert consultation.is_builtin
    assert [q.number for q in consultation.questions] == list(range(1, 18))
    scale = [q.number for q in consultation.questions if q.kind == "scale"]
    assert scale == [1, 2, 3, 5, 6, 11, 14, 15]
    for question in consultation.questions:
        if question.kind == "scale":
            assert question.options == [
                "Agree",
                "Neither agree nor disagree",
                "Disagree",
                "Don't know",
            ]
        else:
            assert question.options == []
    services.install_builtin_consultations()  # idempotent
    db.session.commit()
    assert builtin_consultation().id == consultation.id


def make(team, title, closes_in_days, organisation="own"):
    user, org = (
        (team.owner, team.organisation)
        if organisation == "own"
        else (team.outsider, team.other_organisation)
    )
    closes_at = None if closes_in_days is None else utcnow() + timedelta(days=closes_in_days)
    consultation = services.create_consultation(
        membership_of(user, org), title, "Publisher", closes_at, [QuestionDraft(1, "Q?")]
    )
    db.session.commit()
    return consultation


def test_visible_consultations_open_ones_soonest_closing_first(team):
    later = make(team, "Closes later", 30)
    sooner = make(team, "Closes sooner", 3)
    undated = make(team, "No closing date", None)
    closed = make(team, "Closed last week", -7)
    make(team, "Someone else's", 1, organisation="other")
    slugs = [c.slug for c in services.visible_consultations(team.organisation)]
    # The built-in one closed in February 2026.
    assert slugs == [sooner.slug, later.slug, undated.slug, closed.slug, BUILTIN_SLUG]
    assert [c.slug for c in services.visible_consultations(None)] == [BUILTIN_SLUG]


def test_visible_consultations_for_several_organisations_merges_them_in_order(team):
    ours = make(team, "Ours, closes in 20 days", 20)
    theirs = make(team, "Theirs, closes in 5 days", 5, organisation="other")
    closed = make(team, "Ours, closed yesterday", -1)
    third = factories.make_organisation(team.member, name="Third Group")
    db.session.commit()

    both = services.visible_consultations_for([team.organisation, team.other_organisation])
    twice = services.visible_consultations_for([team.organisation, team.organisation])

    assert [c.slug for c in both] == [theirs.slug, ours.slug, closed.slug, BUILTIN_SLUG]
    assert [c.slug for c in twice] == [ours.slug, closed.slug, BUILTIN_SLUG]
    assert services.visible_consultations_for([]) == services.visible_consultations(None)
    assert services.visible_consultations_for([third]) == services.visible_consultations(None)
    assert services.visible_consultations_for([team.organisation]) == (
        services.visible_consultations(team.organisation)
    )


def test_visible_consultations_for_costs_the_same_queries_for_one_or_many(team):
    make(team, "Ours", 20)
    make(team, "Theirs", 5, organisation="other")
    many = [team.organisation, team.other_organisation] + [
        factories.make_organisation(team.member, name=f"Group {number}") for number in range(5)
    ]
    db.session.commit()
    for organisation in many:
        organisation.id  # noqa: B018 - loaded before counting

    with count_queries() as one:
        found_one = services.visible_consultations_for(many[:1])
        [len(c.questions) for c in found_one]
    with count_queries() as seven:
        found_all = services.visible_consultations_for(many)
        [len(c.questions) for c in found_all]

    assert len(one) == len(seven) == 2  # the consultations, then all their questions
    assert len(found_all) == len(found_one) + 1


def test_find_visible_hides_other_organisations_consultations(team):
    theirs = make(team, "Private to them", 10, organisation="other")
    assert services.find_visible(theirs.slug, team.organisation) is None
    assert services.find_visible(theirs.slug, team.other_organisation).id == theirs.id
    assert services.find_visible(BUILTIN_SLUG, team.organisation) is not None
    assert services.find_visible("no-such-thing", team.organisation) is None


def test_only_owners_and_coordinators_add_consultations(team):
    with pytest.raises(NotAllowed):
        services.create_consultation(
            membership_of(team.editor, team.organisation), "T", "P", None, [QuestionDraft(1, "Q")]
        )


def test_create_consultation_checks_title_and_questions(team):
    membership = membership_of(team.coordinator, team.organisation)
    with pytest.raises(QuestionsError):
        services.create_consultation(membership, "   ", "P", None, [QuestionDraft(1, "Q")])
    with pytest.raises(QuestionsError):
        services.create_consultation(membership, "x" * 301, "P", None, [QuestionDraft(1, "Q")])
    with pytest.raises(QuestionsError):
        services.create_consultation(membership, "Title", "P", None, [])
    consultation = services.create_consultation(
        membership,
        "  Ymgynghoriad   ar   ŵyl  ",
        " Llywodraeth Cymru ",
        None,
        [QuestionDraft(2, "Second", "open"), QuestionDraft(1, "First", "scale", 300)],
    )
    assert consultation.title == "Ymgynghoriad ar ŵyl"
    assert consultation.slug == "ymgynghoriad-ar-wyl"
    assert [(q.number, q.kind, q.word_limit) for q in consultation.questions] == [
        (1, "scale", 300),
        (2, "open", None),
    ]
    assert consultation.questions[0].options[0] == "Agree"
    again = services.create_consultation(
        membership, "Ymgynghoriad ar ŵyl", "", None, [QuestionDraft(1, "Q")]
    )
    assert again.slug == "ymgynghoriad-ar-wyl-2"
    arabic = services.create_consultation(membership, "استشارة", "", None, [QuestionDraft(1, "Q")])
    assert arabic.slug == "consultation"


def test_parse_numbered_list():
    questions = services.parse_numbered_list(
        "1. Should the framework cover everything? (scale)\n"
        "Q2) Which harms are serious? [300 words]\n"
        "   and why?\n"
        "5. A long one\n"
        "   over two lines (scale)\n"
        "\n"
        "Question 3: Anything else? [50 words] (open)\n"
        "4 - Agree or not? (SCALE) [20 words]\n"
    )
    assert [(q.number, q.text, q.kind, q.word_limit) for q in questions] == [
        (1, "Should the framework cover everything?", "scale", None),
        (2, "Which harms are serious? and why?", "open", 300),
        (3, "Anything else?", "open", 50),
        (4, "Agree or not?", "scale", 20),
        (5, "A long one over two lines", "scale", None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "No number here",
        "1. One\n1. Again",
        "0. Zero",
        "1000. Too far",
        "1. Limit [0 words]",
        "1. NUL \x00 inside",
    ],
)
def test_parse_numbered_list_refusals(text):
    with pytest.raises(QuestionsError):
        services.parse_numbered_list(text)


def test_parse_csv_with_a_byte_order_mark_and_loose_headers():
    content = "\ufeffNumber , Text,KIND,word_limit\n2,Second,open,\n1,First,scale, 300 \n"
    questions = services.parse_csv(content)
    assert [(q.number, q.text, q.kind, q.word_limit) for q in questions] == [
        (1, "First", "scale", 300),
        (2, "Second", "open", None),
    ]


@pytest.mark.parametrize(
    "content",
    [
        "text\nNo number column",
        "number,text\nx,Not a number",
        "number,text,word_limit\n1,Text,lots",
        "number,text,kind\n1,Text,multiple",
        "number,text,word_limit\n1,Text,100000",
        "number,text\n1000,Too far",
        "number,text\n1,",
    ],
)
def test_parse_csv_refusals(content):
    with pytest.raises(QuestionsError):
        services.parse_csv(content)


def test_parse_json():
    questions = services.parse_json(
        '{"questions": [{"text": "First", "kind": "scale", "word_limit": 250.0},'
        ' {"number": 5, "text": "Fifth"}]}'
    )
    assert [(q.number, q.text, q.kind, q.word_limit) for q in questions] == [
        (1, "First", "scale", 250),
        (5, "Fifth", "open", None),
    ]


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"no": "questions"}',
        "[1, 2]",
        '[{"number": "1", "text": "Q"}]',
        '[{"number": true, "text": "Q"}]',
        '[{"text": "Q", "word_limit": true}]',
        '[{"text": "Q", "word_limit": 2.5}]',
        '[{"text": "Q", "word_limit": [300]}]',
        '[{"text": "Q", "kind": 3}]',
        "[]",
    ],
)
def test_parse_json_refusals(content):
    with pytest.raises(QuestionsError):
        services.parse_json(content)


def test_a_number_directly_followed_by_text_starts_a_question_but_a_decimal_does_not():
    questions = services.parse_numbered_list(
        "1. First\n2.Second\n1.5 million people agree\n3) 5 ways\nQ4:Fourth"
    )
    assert [(q.number, q.text) for q in questions] == [
        (1, "First"),
        (2, "Second 1.5 million people agree"),
        (3, "5 ways"),
        (4, "Fourth"),
    ]


def test_spreadsheet_quirks_in_csv():
    assert services.parse_csv("number,text,kind,word_limit\n1,One,,\n,,,\n ,, ,\n") == [
        QuestionDraft(1, "One")
    ]
    with pytest.raises(QuestionsError):
        services.parse_csv('number,text\n1,"' + "x" * 140_000 + '"\n')  # csv.Error inside


def test_deeply_nested_json_is_refused():
    with pytest.raises(QuestionsError):
        services.parse_json("[" * 100_000)


def test_a_consultation_never_takes_a_reserved_address(team):
    consultation = services.create_consultation(
        membership_of(team.owner, team.organisation), "New", "", None, [QuestionDraft(1, "Q")]
    )
    assert consultation.slug not in services.RESERVED_SLUGS
