"""How signing rules say no: SigningError (a DomainError, so the one write path and the API
tell a refusal from a bug) and the kinds of bad confirmation link the API answers apart."""

from __future__ import annotations

from consult.errors import DomainError


class SigningError(DomainError):
    """A rule was broken; the message is safe to show to the person."""


class LinkNotValid(SigningError):
    """A confirmation link that names no pending signature: unknown, or already used."""


class LinkExpired(SigningError):
    """A confirmation link older than UNCONFIRMED_LIFETIME: the signer must sign again."""


class SigningClosed(SigningError):
    """A confirmation link followed after signing closed (or stopped being public): the
    signature stays pending, uncounted, and is purged with the other unconfirmed ones."""
