"""The README documents what the code does; these tests keep the two from drifting apart."""

import re
from pathlib import Path

from consult.organisations.permissions import permission_table_markdown

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_readme_permission_table_matches_the_enforced_permissions():
    assert permission_table_markdown() in README


def configuration_variables() -> set[str]:
    """Every environment variable the app reads, from the code that reads them."""
    sources = [(ROOT / "consult" / name).read_text() for name in ("config.py", "ops.py")]
    pattern = re.compile(r'(?:env\.get\(|environ\.get\(|\(env, )"([A-Z][A-Z0-9_]+)"')
    return {name for source in sources for name in pattern.findall(source)}


def test_readme_names_the_two_commands_and_every_configuration_variable():
    for text in ("make run", "make test"):
        assert text in README
    variables = configuration_variables()
    assert {"DATABASE_URL", "SECRET_KEY", "REDIS_URL", "EXPORT_JOBS"} <= variables
    for variable in variables | {"PORT"}:
        assert f"| `{variable}` |" in README, f"{variable} is not in the README's table"
