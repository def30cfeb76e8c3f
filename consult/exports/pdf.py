"""PDF export: a tagged (PDF/UA-1), deterministic PDF of a document, fast at any size.

Design, for speed (bench/export.py):
- WeasyPrint lays out only the body (cover, contents, parts, verification, the annex's
  heading), in a child process (pdf_worker.py): its layout uses one core, and the memory it
  takes is only given back to the system when the process ends.
- The body does not depend on who signed (the cover's organisations aside), so it is cached
  on disk by a hash of its HTML: a re-export after new signatures does not lay it out again.
- Meanwhile this process lays out the signatories annex itself (pdf_layout.py): entries
  measured into lines (one, or a few for a long name) in columns, so the names per page are
  known in advance, drawn straight into content streams instead of one WeasyPrint box per name.
- The running header, "Page X of Y" and the DRAFT mark are drawn on every page afterwards,
  when the total is known, and the annex is appended with its structure elements joined to
  the body's structure tree (pdf_layout.finish), so the whole file stays one tagged document.

Text from the model is plain text, escaped by Jinja's autoescape. WeasyPrint fetches only the
app's own static files and the QR code generated here; everything else is refused."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from functools import cache
from importlib import metadata
from pathlib import Path

import segno
from flask import current_app, has_app_context
from jinja2 import Environment, FileSystemLoader, select_autoescape

from consult import assets
from consult.exports import pdf_worker
from consult.exports.document import Document, Footnote, Part
from consult.exports.pdf_layout import PAGE, finish, lay_out_annex
from consult.exports.pdf_worker import ANNEX_TITLE, STATIC_BASE, STATIC_DIR

RENDERER_VERSION = "pdf-1"
TEMPLATE_DIR = assets.TEMPLATES
BODY_TIMEOUT = 600  # seconds: a body that takes longer is stuck
COVER_ORGANISATIONS = 12  # more co-signing organisations are listed in the annex only
CACHE_FILES = 200  # cached bodies kept per cache directory (least recently used go first)

log = logging.getLogger(__name__)
Progress = Callable[[int], None]


# --- the body's HTML --------------------------------------------------------------------------


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=False,
    )


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _note_text(note: Footnote) -> str:
    """A footnote's blocks as one line of plain text (escaped by the template)."""
    words: list[str] = []

    def walk(blocks) -> None:
        for block in blocks:
            if hasattr(block, "spans"):
                words.append("".join(span.text for span in block.spans))
            elif hasattr(block, "items"):
                for item in block.items:
                    walk(item)
            elif hasattr(block, "blocks"):
                walk(block.blocks)
            elif hasattr(block, "text"):
                words.append(block.text)

    walk(note.blocks)
    return " ".join(words)


def _referenced(part: Part) -> set[str]:
    found: set[str] = set()

    def walk(blocks) -> None:
        for block in blocks:
            for span in getattr(block, "spans", ()):
                if span.footnote:
                    found.add(span.footnote)
            for item in getattr(block, "items", ()):
                walk(item)
            walk(getattr(block, "blocks", ()))

    walk(part.blocks)
    return found


def qr_data_url(url: str) -> str:
    """The verification URL as an SVG QR code, in a data: URL the fetcher will accept."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=False)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def body_html(document: Document) -> tuple[str, frozenset[str]]:
    """The print HTML of everything WeasyPrint lays out, and the data: URLs it may fetch."""
    claimed: set[str] = set()

    def claim_footnote(footnote_id: str) -> bool:
        if footnote_id in claimed:
            return False
        claimed.add(footnote_id)
        return True

    qr_code = qr_data_url(document.verify_url) if document.verify_url else None
    cover_organisations = document.co_signing_organisations[:COVER_ORGANISATIONS]
    hidden = len(document.co_signing_organisations) - len(cover_organisations)
    if hidden:
        cover_organisations += (f"and {hidden:,} more organisations (see the annex)",)
    fingerprint = document.fingerprint or ""
    html = (
        _environment()
        .get_template("exports/print/document.html")
        .render(
            document=replace(document, co_signing_organisations=cover_organisations),
            page=PAGE,
            annex=_has_annex(document),
            annex_title=ANNEX_TITLE,
            contents=document.cover_page and len(document.parts) >= 3,
            qr_code=qr_code,
            fingerprint_groups=" ".join(
                fingerprint[i : i + 8] for i in range(0, len(fingerprint), 8)
            ),
            static_url=lambda path: STATIC_BASE + path,
            long_date=long_date,
            kind_of=lambda block: type(block).__name__,
            footnotes_of=lambda part: {note.id: note for note in part.footnotes},
            unreferenced_footnotes=lambda part: [
                note for note in part.footnotes if note.id not in _referenced(part)
            ],
            note_text=_note_text,
            claim_footnote=claim_footnote,
        )
    )
    return html, frozenset({qr_code} if qr_code else ())


def _has_annex(document: Document) -> bool:
    return document.signatories is not None and bool(
        document.signatories.organisations
        or document.signatories.people
        or document.signatories.confirmed_total
    )


# --- rendering ------------------------------------------------------------------------------


@cache
def _renderer_fingerprint() -> str:
    """Changes whenever the template, stylesheet, renderer or WeasyPrint change: part of the
    cache key."""
    versions = [RENDERER_VERSION, *(metadata.version(name) for name in ("weasyprint", "pydyf"))]
    digest = hashlib.sha256(" ".join(versions).encode())
    for path in [
        *sorted(TEMPLATE_DIR.glob("exports/print/*.html")),
        STATIC_DIR / "css" / "fonts.css",
        STATIC_DIR / "css" / "print.css",
        Path(pdf_worker.__file__),
    ]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


class RenderFailed(RuntimeError):
    """WeasyPrint's child process failed; the message is for the logs, not for people."""


def render_body(html: str, data_urls: frozenset[str]) -> tuple[bytes, dict]:
    """The body PDF and its description, from a child process (pdf_worker.py)."""
    payload = json.dumps({"html": html, "data_urls": sorted(data_urls)}).encode()
    finished = subprocess.run(  # noqa: S603 - our interpreter and our own script
        [sys.executable, "-I", pdf_worker.__file__],
        input=payload,
        capture_output=True,
        timeout=BODY_TIMEOUT,
        check=False,
    )
    if finished.returncode != 0:
        raise RenderFailed(finished.stderr.decode(errors="replace")[-2000:])
    if finished.stderr:
        log.info("WeasyPrint: %s", finished.stderr.decode(errors="replace")[-2000:])
    output = finished.stdout
    length = int.from_bytes(output[:8], "big")
    return output[8 + length :], json.loads(output[8 : 8 + length])


def default_cache_dir() -> Path | None:
    if has_app_context():
        return Path(current_app.config["EXPORT_PDF_CACHE_DIR"])
    return None


def render_pdf(
    document: Document,
    *,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
) -> bytes:
    """The document as a tagged PDF; the same document gives the same bytes. `progress` gets
    0-100 as the work goes. Safe in any thread or job worker (WeasyPrint runs in a child
    process); needs no request. The body cache is `cache_dir`, else, in an app context, the
    EXPORT_PDF_CACHE_DIR setting (neither: no caching)."""
    report = progress or (lambda _: None)
    report(0)
    html, data_urls = body_html(document)
    key = hashlib.sha256(f"{_renderer_fingerprint()}\n{html}".encode()).hexdigest()
    directory = cache_dir or default_cache_dir()
    cached = _cached(directory, key)
    report(10)
    if cached is None:
        with ThreadPoolExecutor(max_workers=1) as pool:  # the child works, this thread waits
            future = pool.submit(render_body, html, data_urls)
            annex = lay_out_annex(document.signatories) if _has_annex(document) else None
            report(40)
            body, layout = future.result()
        _store(directory, key, body, layout)
    else:
        body, layout = cached
        annex = lay_out_annex(document.signatories) if _has_annex(document) else None
    report(80)
    pdf = finish(body, layout, document, annex)
    report(100)
    return pdf


def _cached(directory: Path | None, key: str) -> tuple[bytes, dict] | None:
    if directory is None:
        return None
    try:
        layout = json.loads((directory / f"{key}.json").read_text())
        body = (directory / f"{key}.pdf").read_bytes()
        os.utime(directory / f"{key}.pdf")
    except (OSError, ValueError):
        return None
    return body, layout


def _store(directory: Path | None, key: str, body: bytes, layout: dict) -> None:
    """Write atomically (temporary files renamed; the description first, so a body is never
    found without it), so concurrent workers never read half a file; then keep the
    directory to CACHE_FILES bodies, the least recently used going first."""
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for suffix, data in ((".json", json.dumps(layout).encode()), (".pdf", body)):
            with tempfile.NamedTemporaryFile(dir=directory, suffix=".tmp", delete=False) as out:
                out.write(data)
            os.replace(out.name, directory / f"{key}{suffix}")
        files = sorted(directory.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in files[CACHE_FILES:]:
            stale.unlink(missing_ok=True)
            stale.with_suffix(".json").unlink(missing_ok=True)
    except OSError as error:  # a full or read-only disk costs speed, not the export
        log.warning("PDF body cache not written: %s", error)
