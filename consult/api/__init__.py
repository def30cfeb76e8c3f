"""JSON API v1 (see ../shared/API.md). Thin: authenticates, validates, calls domain services."""

from consult.api import drafting  # noqa: F401  (registers its routes on the blueprint)
from consult.api.views import blueprint

__all__ = ["blueprint"]
