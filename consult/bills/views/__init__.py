"""Bill pages: an organisation's bills, importing a bill or its next print (upload or paste,
then a preview to check, then save), a bill's page (stages, deadlines, prints, responses),
and a print's clauses, pages and lines.

Each view has the house's one shape: load (404 for what is missing or another organisation's,
403 for a role that may not) with ../permissions.py -> validate the form -> one service call
through consult.web.commit -> redirect. Importing modules here adds their routes to the
blueprint made in the package's __init__; the app factory imports `blueprint` from here."""

from consult.bills import blueprint
from consult.bills.views import bills, imports, prints  # noqa: F401  (importing adds routes)

__all__ = ["blueprint"]
