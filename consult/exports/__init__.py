"""Exports: submission-ready PDF, Word, ODT, Markdown and text built from one document model.

The blueprint is created here, as every domain's is, so that the routes (views.py) and anything
else that adds to it import it from the package without importing one another."""

from flask import Blueprint

blueprint = Blueprint("exports", __name__)
