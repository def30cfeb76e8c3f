"""Signing e-mails and exports link to PUBLIC_URL, whatever Host or X-Forwarded-Host the
request carried (see tests/security/test_links_use_public_url.py)."""

from __future__ import annotations

from consult.exports.services import verify_url
from tests import factories
from tests.conftest import FORGED_HOST, PUBLIC_URL, assert_public_links
from tests.signing.support import public_body


def test_signature_confirmation_links_ignore_a_forged_host(
    behind_a_proxy, make_client, public_version
):
    response = make_client().post(
        f"/api/v1/versions/{public_version.id}/signatures",
        json=public_body("signer@example.org"),
        headers=FORGED_HOST,
    )
    assert response.status_code in (200, 201, 202), response.get_data(as_text=True)[:300]
    messages = factories.emails_to("signer@example.org")
    assert_public_links(messages, "/signatures/confirm/")
    assert_public_links(messages, "/signatures/manage/")


def test_exports_verify_link_uses_the_public_address(behind_a_proxy, public_version):
    with behind_a_proxy.test_request_context(headers=FORGED_HOST):
        assert verify_url(public_version) == f"{PUBLIC_URL}/verify/{public_version.sha256}"
    # Outside any request too (export workers, the command line).
    assert verify_url(public_version) == f"{PUBLIC_URL}/verify/{public_version.sha256}"
