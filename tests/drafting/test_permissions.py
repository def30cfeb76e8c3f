"""The drafting loaders (consult/drafting/permissions.py) as the JSON API calls them, with the
person passed explicitly: a 404 for what is missing or another organisation's, a 403 for a
role that does not allow the action, in that order. (The pages use them through the access
matrix, tests/security/test_access_matrix.py.)"""

from __future__ import annotations

import pytest
from werkzeug.exceptions import Forbidden, NotFound

from consult.drafting import permissions, services
from consult.extensions import db
from tests.drafting.conftest import membership_of, section_of


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield


def test_a_response_loads_for_a_member_whose_role_allows_the_action(context, team, response):
    loaded, membership = permissions.load_response(response.id, "draft", user=team.editor)

    assert loaded.id == response.id
    assert membership.user_id == team.editor.id


@pytest.mark.parametrize(
    ("who", "action", "refusal"),
    [
        ("member", "draft", Forbidden),
        ("editor", "freeze", Forbidden),  # an organisation permission, checked as such
        ("outsider", "view", NotFound),
    ],
)
def test_a_response_is_refused_by_role_or_hidden_from_outsiders(
    context, team, response, who, action, refusal
):
    with pytest.raises(refusal):
        permissions.load_response(response.id, action, user=getattr(team, who))


@pytest.mark.parametrize("response_id", [0, 2**31, 999_999])
def test_a_response_that_cannot_exist_or_does_not_is_not_found(context, team, response_id):
    with pytest.raises(NotFound):
        permissions.load_response(response_id, user=team.owner)


def test_a_section_of_another_response_is_not_found_before_the_role_is_checked(
    context, team, response, consultation
):
    other = services.create_response(
        membership_of(team.owner, team.organisation), consultation, "Another"
    )
    db.session.commit()
    elsewhere = section_of(other, "summary")

    with pytest.raises(NotFound):
        permissions.load_section(response.id, elsewhere.id, "draft", user=team.member)
    with pytest.raises(Forbidden):
        permissions.load_section(
            response.id, section_of(response, "summary").id, "draft", user=team.member
        )


def test_a_revision_by_its_id_alone_is_hidden_from_outsiders(context, team, summary, save):
    revision = save(summary, "Text.", None).revision

    loaded, membership = permissions.load_revision_by_id(revision.id, user=team.member)

    assert loaded.id == revision.id and membership.user_id == team.member.id
    with pytest.raises(NotFound):
        permissions.load_revision_by_id(revision.id, user=team.outsider)


def test_a_clash_is_found_only_for_those_who_may_settle_it(context, team, summary, save):
    first = save(summary, "One.", None).revision
    save(summary, "Two.", first.id)
    clash = save(summary, "Three.", first.id).revision  # the editor's, from the old base
    assert clash.kind == "conflict"

    _, _, coordinator = permissions.load_section(
        summary.response_id, summary.id, user=team.coordinator
    )
    _, _, member = permissions.load_section(summary.response_id, summary.id, user=team.member)

    assert permissions.clash_for(coordinator, summary, clash.id) == clash
    assert permissions.clash_for(member, summary, clash.id) is None
    assert permissions.clash_for(coordinator, summary, first.id) is None  # not a clash
