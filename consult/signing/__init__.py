"""Signing: frozen, fingerprinted versions; member, organisational and public signatures;
consent records; verification.

The blueprint is made here, before its routes (in views/), so that each route module can add
to it without importing the others."""

from flask import Blueprint

blueprint = Blueprint("signing", __name__)
