"""Consent statements, versioned: a consent record keeps the statement's version and its exact
text, so what each signer agreed to can always be shown (UK GDPR Art. 7(1), Art. 9(2)(a))."""

from __future__ import annotations

CURRENT_VERSION = "2026-11"

_STATEMENTS = {
    "2026-11": (
        "I want to co-sign this response by {organisation} to “{consultation}”. I understand "
        "that co-signing reveals my political opinion on this subject, which is special-category "
        "data. I give my explicit consent to {organisation} to record my signature of this exact "
        "version, with my name, e-mail address and any affiliation I give, and to count it. "
        "My name and affiliation are published with the response only if I ask for that below. "
        "My e-mail address is never published. I can withdraw my signature and this consent at "
        "any time, from the link in my confirmation e-mail or my account."
    ),
}


def statement(organisation: str, consultation: str, version: str = CURRENT_VERSION) -> str:
    """The consent statement shown to a signer, naming the lead organisation."""
    return _STATEMENTS[version].format(organisation=organisation, consultation=consultation)
