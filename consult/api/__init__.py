"""JSON API v1 (see ../shared/API.md). Thin: authenticates, validates, calls domain services."""

from consult.api.views import blueprint

__all__ = ["blueprint"]
