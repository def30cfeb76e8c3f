"""Drafting: responses, their sections, revisions, merges, comments, suggestions, presence.

The blueprint is created here, before any of its routes, so that the route modules in views/
import it from the package and nothing imports back (microblog's layout)."""

from flask import Blueprint

blueprint = Blueprint("drafting", __name__)
