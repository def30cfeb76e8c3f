"""Bill fixtures: the team's organisation with a bill (the sample print, our own illustrative
text) and a response to it."""

from __future__ import annotations

import pytest

from consult.bills import services
from consult.drafting import services as drafting
from tests.bills.sample import PRINT
from tests.drafting.conftest import membership_of


@pytest.fixture
def bill(team):
    made = services.create_bill(
        membership_of(team.coordinator, team.organisation),
        PRINT,
        title="Police Reform Bill (illustrative)",
        label="As introduced",
        source_kind="text",
        illustrative=True,
    )
    return made


@pytest.fixture
def bill_response(team, bill):
    return drafting.create_bill_response(
        membership_of(team.editor, team.organisation), bill, "Our evidence"
    )
