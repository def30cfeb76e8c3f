"""`flask --app wsgi export ...` writes a real file in each format, and `worker` needs Redis."""

from __future__ import annotations

import io
import zipfile

import docx
import pypdf
import pytest
from odf.opendocument import load as load_odt

from tests.exports.export_support import export_jobs


def _export(app, *args: str):
    return app.test_cli_runner().invoke(args=["export", *args])


def _text_of(format: str, data: bytes) -> str:
    if format == "pdf":
        return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    if format == "docx":
        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    if format == "odt":
        return str(load_odt(io.BytesIO(data)).text)
    return data.decode("utf-8")


@pytest.mark.parametrize("format", ["pdf", "docx", "odt", "md"])
def test_the_export_command_writes_a_real_file_in_each_format(
    app, tmp_path, frozen_version, format
):
    output = tmp_path / f"response.{format}"

    result = _export(
        app, str(frozen_version.response_id), "--format", format, "--output", str(output)
    )

    assert result.exit_code == 0, result.output
    assert f"Wrote {output}" in result.output and "version 1" in result.output
    data = output.read_bytes()
    if format in ("docx", "odt"):
        assert zipfile.is_zipfile(io.BytesIO(data))
    assert "Northtown Residents" in _text_of(format, data)
    assert export_jobs()[0].status == "done"


def test_the_export_command_takes_a_version_number_a_profile_and_prints_the_warnings(
    app, tmp_path, team, export_response
):
    output = tmp_path / "draft.md"

    result = _export(app, str(export_response.id), "--format", "md", "--version", "draft",
                     "--profile", "select-committee", "--output", str(output))  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "the current draft (marked DRAFT)" in result.output
    assert "profile select-committee" in result.output
    assert "DRAFT" in output.read_text(encoding="utf-8")


def test_the_export_command_prints_what_breaks_the_profile(app, tmp_path, team):
    from consult.drafting import services as drafting
    from consult.extensions import db
    from tests.exports.conftest import builtin_consultation
    from tests.exports.export_support import membership

    response = drafting.create_response(
        membership(team.owner, team.organisation), builtin_consultation(), "Empty"
    )
    db.session.commit()

    result = _export(app, str(response.id), "--format", "md", "--profile", "select-committee",
                     "--output", str(tmp_path / "empty.md"))  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Warning: " in result.output and "summary" in result.output.lower()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999999", "--format", "md"], "No response with id 999999"),
        (["{id}", "--format", "exe"], "'exe' is not one of"),
        (["{id}", "--format", "md", "--version", "7"], "no version 7"),
        (["{id}", "--format", "md", "--version", "latest"], 'A version number, or "draft"'),
        (["{id}", "--format", "md", "--profile", "x"], "'x' is not one of"),
    ],
)
def test_bad_arguments_get_a_clear_message_and_write_nothing(
    app, tmp_path, frozen_version, args, message
):
    output = tmp_path / "out"
    args = [arg.format(id=frozen_version.response_id) for arg in args]

    result = _export(app, *args, "--output", str(output))

    assert result.exit_code != 0
    assert message in result.output
    assert not output.exists()
    assert "Traceback" not in result.output


def test_the_worker_command_needs_redis(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)

    result = app.test_cli_runner().invoke(args=["worker", "--burst"])

    assert result.exit_code != 0 and "Set REDIS_URL" in result.output
