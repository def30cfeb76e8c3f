"""Where the templates and static files are.

In a checkout (and an editable install) they are the top-level `templates/` and `static/` folders
beside this package, as the project's layout has it; a built wheel carries them inside the
package (pyproject.toml copies them there), since a wheel installs packages only.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _folder(name: str) -> Path:
    beside = PACKAGE.parent / name
    return beside if beside.is_dir() else PACKAGE / name


TEMPLATES = _folder("templates")
STATIC = _folder("static")
