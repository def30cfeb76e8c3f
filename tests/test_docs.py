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


def _paragraph_starting(marker: str) -> str:
    """The README's paragraph or list item that starts with `marker`, as one line."""
    start = README.index(marker)
    end = re.compile(r"\n(?:\n|- |> *\n)").search(README, start + len(marker))
    return " ".join(README[start : end.start() if end else None].split())


def test_readme_status_does_not_announce_built_features_as_coming():
    status = _paragraph_starting("> Status:").replace("> ", "")
    built, _, not_yet = status.partition("not built yet")

    assert (ROOT / "consult" / "exports" / "views.py").exists()
    assert "exports" in built.lower()
    assert "come next" not in status
    assert "export" not in not_yet.lower()


def test_readme_promises_a_pdf_cover_and_contents_only_where_the_profiles_give_one():
    from consult.consultations.profiles import PROFILES

    pdf = _paragraph_starting("- **PDF**:")
    with_cover = [p.name.lower() for p in PROFILES.values() if p.cover_page and "pdf" in p.formats]
    sentences = [s for s in re.split(r"(?<=\.) ", pdf) if "cover" in s or "contents" in s]

    assert with_cover and sentences
    for sentence in sentences:
        assert any(name in sentence.lower() for name in with_cover), sentence


def test_readme_says_outbox_list_prints_every_mail_and_how_to_page():
    assert "every stored e-mail, newest last" in README
    assert "--limit N" in README and "--offset K" in README
