"""Organisations: campaign groups, their members' roles and invitations.

The blueprint is created here, so its pages (views.py) take it from the package."""

from flask import Blueprint

blueprint = Blueprint("organisations", __name__)
