"""Command-line exports: `flask --app wsgi export RESPONSE_ID --format F --output FILE` makes
the file at once (through the same job and cache as the pages), and `flask --app wsgi worker`
serves the RQ export queue when REDIS_URL is set."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from consult.consultations.profiles import PROFILES
from consult.drafting.models import Response
from consult.exports import jobs, services
from consult.exports.models import EXPORT_FORMATS
from consult.extensions import db


def _version(response: Response, value: str | None):
    """--version: a version number, or "draft"; left out, the latest frozen version (the
    draft if none was frozen yet)."""
    if value is None:
        versions = services.versions_for_export(response)
        return versions[0] if versions else None
    if value.strip().lower() == "draft":
        return None
    if not value.strip().isdigit():
        raise click.BadParameter('A version number, or "draft".', param_hint="--version")
    number = int(value)
    version = next((v for v in services.versions_for_export(response) if v.number == number), None)
    if version is None:
        raise click.BadParameter(f"The response has no version {number}.", param_hint="--version")
    return version


@click.command("export")
@click.argument("response_id", type=click.IntRange(min=1, max=2**31 - 1))
@click.option("--format", "format_", required=True, type=click.Choice(EXPORT_FORMATS))
@click.option("--version", "version_", metavar="N", help='A version number, or "draft".')
@click.option(
    "--profile",
    type=click.Choice(tuple(PROFILES)),
    help="Default: the response's. A response to a bill takes a bill's (public-bill-committee, "
    "briefing, amendment-paper), a response to a consultation a consultation's.",
)
@click.option(
    "--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path)
)
def export_command(
    response_id: int, format_: str, version_: str | None, profile: str | None, output: Path
) -> None:
    """Export a response to FILE (waits for the file), printing the profile's warnings."""
    response = db.session.get(Response, response_id)
    if response is None:
        raise click.ClickException(f"No response with id {response_id}.")
    version = _version(response, version_)
    try:
        job = services.request_export_as_operator(
            response, format=format_, profile=profile, version=version
        )
    except services.ExportError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    document = services.build(response, version, job.profile, verify=job.verify_url)
    jobs.run_job(job.id)
    db.session.expire_all()
    job = services.load_job(job.id)
    if job.status != "done":
        raise click.ClickException(job.error or "The export failed.")
    file = services.cached_file(job.cache_key)
    output.write_bytes(file.content)
    which = f"version {version.number}" if version else "the current draft (marked DRAFT)"
    click.echo(f"Wrote {output} ({file.size:,} bytes): {which}, profile {job.profile}.")
    for warning in services.check(document, format_):  # a briefing's pages are measured too
        click.echo(f"Warning: {warning.message}", err=True)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run an RQ worker for export jobs (needs REDIS_URL)."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "Set REDIS_URL to use RQ workers; without it, exports run in the app's own threads."
        )
    jobs.work(current_app._get_current_object(), burst=burst)


def init_app(app: Flask) -> None:
    app.cli.add_command(export_command)
    app.cli.add_command(worker_command)
