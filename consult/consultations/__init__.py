"""Consultations: what is being answered, its numbered questions, and submission profiles.

The blueprint is created here, so its pages (views.py) take it from the package."""

from flask import Blueprint

blueprint = Blueprint("consultations", __name__)
