"""JSON API v1 (see ../shared/API.md). Thin: authenticates (deny by default), loads the object
(loaders.py), checks the body with its model (models/), calls one domain service and answers
with a reply model; the OpenAPI document is generated from the same models (openapi.py)."""

from consult.api import (  # noqa: F401  (register their routes on the blueprint)
    amendments,
    bills,
    drafting,
    exports,
    live,
    me,
    notifications,
    signing,
    versions,
)
from consult.api.views import blueprint

__all__ = ["blueprint"]
