"""JSON API v1 (see ../shared/API.md). Thin: authenticates, validates, calls domain services."""

from consult.api import drafting, exports, me, signing  # noqa: F401  (register their routes on the blueprint)
from consult.api.views import blueprint

__all__ = ["blueprint"]
