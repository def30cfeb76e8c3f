"""The README documents what the code does; these tests keep the two from drifting apart."""

from pathlib import Path

from consult.organisations.permissions import permission_table_markdown

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_permission_table_matches_the_enforced_permissions():
    assert permission_table_markdown() in README


def test_readme_names_the_two_commands_and_every_configuration_variable():
    for text in ("make run", "make test"):
        assert text in README
    for variable in (
        "DATABASE_URL",
        "SECRET_KEY",
        "CONSULT_ENV",
        "REDIS_URL",
        "MAIL_SERVER",
        "MAIL_PORT",
        "MAIL_USERNAME",
        "MAIL_PASSWORD",
        "MAIL_USE_TLS",
        "MAIL_FROM",
        "TRUSTED_PROXY_COUNT",
        "PORT",
    ):
        assert f"`{variable}`" in README, variable
