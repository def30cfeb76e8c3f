"""Audit: an append-only record of security-relevant events, and the owners' audit log.

The blueprint is created here, so its page (views.py) takes it from the package."""

from flask import Blueprint

blueprint = Blueprint("audit", __name__)
