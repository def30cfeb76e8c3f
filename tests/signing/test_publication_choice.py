"""A public signer changes their mind about publishing their name, from the manage page their
e-mail links to: they stop publishing it (and may allow it again) and keep their signature,
which still counts. Each change is recorded in the consent history, against the statement
they agreed to, as giving and withdrawing consent are."""

from __future__ import annotations

from consult.signing.models import Version
from tests.organisations.support import location_path
from tests.signing.pages_support import (
    anonymous,
    audit,
    confirmed,
    consent_records,
    link,
    make_version,
    public_form,
    signatures,
    text_of,
)


def _signed_and_listed(app, version: Version, email: str = "pat@example.org") -> str:
    """A confirmed public signature that publishes its name; returns its manage path."""
    client = anonymous(app)
    data = public_form(app, version.id, email, name="Pat Public", affiliation="Tenant", publish="y")
    assert client.post(f"/sign/{version.id}", data=data).status_code == 302
    manage = link(email, "manage")
    client.post(link(email, "confirm"))
    return manage


def _listed(app, version: Version) -> str:
    page = anonymous(app).get(f"/sign/{version.id}").get_data(as_text=True)
    return text_of(page[page.index("People who chose to be listed") :])


def test_a_signer_stops_publishing_their_name_and_stays_counted(team, app):
    version = make_version(team, public=True)
    manage = _signed_and_listed(app, version)
    assert "Pat Public" in _listed(app, version)
    client = anonymous(app)
    page = text_of(client.get(manage).get_data(as_text=True))
    assert "Stop publishing my name" in page

    reply = client.post(f"{manage}/publication", data={"publish": "no"})
    assert reply.status_code == 302 and location_path(reply) == manage
    page = text_of(client.get(manage).get_data(as_text=True))
    assert "no longer listed with the response. Your signature still counts." in page
    assert "Asked for the name not to be published" in page
    assert "Publish my name" in page

    [signature] = signatures(version.id)
    assert (signature.status, signature.consent_public) == ("confirmed", False)
    assert confirmed(version.id) == 1
    assert "Pat Public" not in _listed(app, version)
    given, _confirmed, unpublished = consent_records(signature.id)
    assert (unpublished.action, unpublished.method, unpublished.consent_public) == (
        "name_unpublished",
        "e-mail link",
        False,
    )
    assert (unpublished.statement_version, unpublished.statement) == (
        given.statement_version,
        given.statement,
    )
    [event] = audit("signature.publication_changed")
    assert event.details == {"published": False, "method": "e-mail link"}


def test_a_signer_may_allow_publishing_again(team, app):
    version = make_version(team, public=True)
    manage = _signed_and_listed(app, version)
    client = anonymous(app)
    client.post(f"{manage}/publication", data={"publish": "no"})
    client.post(f"{manage}/publication", data={"publish": "yes"})
    assert "Pat Public" in _listed(app, version)
    [signature] = signatures(version.id)
    actions = [record.action for record in consent_records(signature.id)]
    assert actions == ["given", "confirmed", "name_unpublished", "name_published"]
    # asking for what is already so records nothing more
    client.post(f"{manage}/publication", data={"publish": "yes"})
    assert len(consent_records(signature.id)) == 4


def test_a_withdrawn_signature_has_no_name_to_publish(team, app):
    version = make_version(team, public=True)
    manage = _signed_and_listed(app, version)
    client = anonymous(app)
    client.post(f"{manage}/withdraw")
    assert "Publishing your name" not in text_of(client.get(manage).get_data(as_text=True))
    client.post(f"{manage}/publication", data={"publish": "yes"})
    page = text_of(client.get(manage).get_data(as_text=True))
    assert "This signature is withdrawn" in page
    [signature] = signatures(version.id)
    assert [r.action for r in consent_records(signature.id)][-1] == "withdrawn"


def test_only_the_two_choices_are_accepted_and_a_bad_link_changes_nothing(team, app):
    version = make_version(team, public=True)
    manage = _signed_and_listed(app, version)
    client = anonymous(app)
    client.post(f"{manage}/publication", data={"publish": "maybe"})
    [signature] = signatures(version.id)
    assert signature.consent_public is True and len(consent_records(signature.id)) == 2
    reply = client.post("/signatures/manage/not-a-token/publication", data={"publish": "no"})
    assert reply.status_code == 404
