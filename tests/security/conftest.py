"""Security tests count what they do (tests/security/figures.py), and every request they send
through a test client is counted with its status, so the summary (tests/conftest.py) can say
"5xx seen: 0"."""

from __future__ import annotations

import pytest
from flask import request_finished

from tests.security import figures


@pytest.fixture(autouse=True)
def count_requests(app):
    """Count every request of a security test, and every 5xx answer among them."""

    def seen(_sender, response, **_extra) -> None:
        figures.add("requests sent")
        if response.status_code >= 500:
            figures.add("5xx seen")

    request_finished.connect(seen, app)
    yield
    request_finished.disconnect(seen, app)
