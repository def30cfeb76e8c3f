"""Bills before Parliament: prints (clauses, pages, lines), import, amendments in House style.

The blueprint is created here, as every domain's is, so that the routes (views/) take it from
the package without importing one another."""

from flask import Blueprint

blueprint = Blueprint("bills", __name__)
