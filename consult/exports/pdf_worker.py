"""The PDF body's renderer, run as a child process: `python pdf_worker.py` reads
{"html", "data_urls"} as JSON on stdin and writes, on stdout, the length of a JSON description
(8 bytes), the description, then the PDF.

Why a child process: WeasyPrint keeps the memory of a layout after it is done, so each
render runs in a process that then ends; and this module imports nothing from the app, so
the child starts in the time it takes to import WeasyPrint. consult.exports.pdf imports its
URL fetcher from here too: the one that refuses everything except the app's static files."""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import sys
from pathlib import Path
from posixpath import normpath
from urllib.parse import unquote, urlsplit

# The app's static folder, found as consult/assets.py finds it (this module imports nothing from
# the app): top-level static/ in a checkout, inside the package in a built wheel.
_PACKAGE = Path(__file__).resolve().parent.parent
_BESIDE = _PACKAGE.parent / "static"
STATIC_DIR = _BESIDE if _BESIDE.is_dir() else _PACKAGE / "static"
# The print HTML's base URL: a name under the reserved .invalid domain that the fetcher maps
# to the app's static folder. Nothing is ever fetched from the network.
STATIC_BASE = "https://consult.invalid/static/"
ANNEX_TITLE = "Annex: signatories"  # the annex's heading, the bookmark its groups go under


class RefusedURL(ValueError):
    """WeasyPrint asked for something other than the app's static files or generated data."""


def _static_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves the app's static files and the exact data: URLs generated for this document;
        refuses everything else (remote URLs, file:, other data:), so no text in a response
        can make the server fetch or read anything."""

        def __init__(self, data_urls: frozenset[str] = frozenset()) -> None:
            super().__init__(allowed_protocols=("https", "data"), allow_redirects=False)
            self.data_urls = data_urls
            self.refused: list[str] = []

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            if url in self.data_urls:
                head, _, payload = url.partition(",")
                mime_type = head.removeprefix("data:").removesuffix(";base64")
                return URLFetcherResponse(
                    url, body=base64.b64decode(payload), headers={"Content-Type": mime_type}
                )
            path = _static_path(url)
            if path is None:
                self.refused.append(url)
                raise RefusedURL(f"Refused to fetch {url!r}: only the app's static files.")
            mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": mime_type}
            )

    return StaticOnlyFetcher


def static_fetcher(data_urls: frozenset[str] = frozenset()) -> object:
    """A WeasyPrint URL fetcher limited to the app's static files and `data_urls`."""
    return _static_fetcher_class()(data_urls)


def _static_path(url: str) -> Path | None:
    if not url.startswith(STATIC_BASE):
        return None
    parts = urlsplit(url)
    relative = normpath(unquote(parts.path).removeprefix("/static/"))
    if relative.startswith(("/", "..")) or parts.query or "\x00" in relative:
        return None
    path = STATIC_DIR / relative
    return path if path.is_file() and STATIC_DIR in path.resolve().parents else None


def _to_bytes(value) -> bytes:
    """pydyf's serialisation of one value."""
    import pydyf

    return pydyf.Array([value]).data[1:-1]


def describe_body(pdf, identifier: bytes) -> dict:
    """What `finish` needs to know of WeasyPrint's PDF (a pydyf.PDF, given to WeasyPrint's
    finisher just before it is written): object numbers and the serialised entries of the few
    objects the update replaces. Plain JSON data, cached beside the body, so that joining
    never parses the body again."""
    objects = pdf.objects

    def number(reference) -> int:
        return int(bytes(reference).split()[0]) if isinstance(reference, bytes) else int(reference)

    def entries(dictionary, *leave_out: str) -> dict[str, str]:
        return {
            str(key): _to_bytes(value).decode("latin-1")
            for key, value in dictionary.items()
            if key not in leave_out
        }

    pages = [objects[n] for n in pdf.pages["Kids"][0::3]]
    resources = {}
    for page in pages:
        found = objects[number(page["Resources"])]
        fonts = found.get("Font") or {}
        if isinstance(fonts, bytes):  # WeasyPrint shares one font dictionary
            resources[str(found.number)] = {"font_dict": number(fonts)}
            fonts = objects[number(fonts)]
            resources[str(fonts.number)] = {"entries": entries(fonts), "is_font_dict": True}
        else:
            resources[str(found.number)] = {
                "entries": entries(found, "Font"),
                "fonts": entries(fonts),
            }
    structure = objects[number(pdf.catalog["StructTreeRoot"])]
    document_element = objects[number(structure["K"][0])]
    kids = document_element["K"]
    last = objects[number(kids[-1])] if kids else None
    holder = last if last is not None and last.get("S") == "/Sect" else document_element
    parent_tree = objects[number(structure["ParentTree"])]
    nums = parent_tree["Nums"]
    return {
        "identifier": identifier.hex(),
        "pages_root": pdf.pages.number,
        "pages_entries": entries(pdf.pages, "Kids", "Count"),
        "pages": [
            {
                "number": page.number,
                "entries": entries(page, "Contents"),
                "contents": _to_bytes(page["Contents"]).decode("latin-1"),
                "resources": number(page["Resources"]),
                "struct_parents": int(page["StructParents"]),
            }
            for page in pages
        ],
        "resources": resources,
        "holder": {
            "number": holder.number,
            "entries": entries(holder, "K"),
            "kids": [_to_bytes(kid).decode("latin-1") for kid in holder["K"]],
        },
        "parent_tree": {
            "number": parent_tree.number,
            "nums": [
                [int(nums[i]), _to_bytes(nums[i + 1]).decode("latin-1"), len(nums[i + 1])]
                for i in range(0, len(nums), 2)
            ],
        },
        "outline": _annex_bookmarks(pdf, entries, number),
    }


def _annex_bookmarks(pdf, entries, number) -> list[dict]:
    """The annex's bookmark and its ancestors up to the outline root (nearest first), with
    their counts, so that `finish` can hang the annex's groups under it."""
    found = next(
        (
            item
            for item in pdf.objects
            if isinstance(item, dict)
            and "Dest" in item
            and getattr(item.get("Title"), "string", None) == ANNEX_TITLE
        ),
        None,
    )
    chain = []
    while found is not None:
        chain.append(
            {
                "number": found.number,
                "entries": entries(found, "Count", "First", "Last"),
                "count": int(found.get("Count", 0)),
                "first": _to_bytes(found["First"]).decode() if "First" in found else None,
                "last": _to_bytes(found["Last"]).decode() if "Last" in found else None,
            }
        )
        found = pdf.objects[number(found["Parent"])] if "Parent" in found else None
    return chain


def render_body(html: str, data_urls: frozenset[str]) -> tuple[bytes, dict]:
    """WeasyPrint's PDF/UA rendering of the body HTML (run in a child process), and the
    description of it that joining needs (pdf_layout.describe_body)."""
    from weasyprint import HTML

    identifier = hashlib.sha256(html.encode()).digest()[:16]
    described: dict = {}

    def describe(_document, pdf) -> None:
        described.update(describe_body(pdf, identifier))

    body = HTML(string=html, base_url=STATIC_BASE, url_fetcher=static_fetcher(data_urls)).write_pdf(
        pdf_variant="pdf/ua-1",
        pdf_identifier=identifier,
        attachments=[],
        finisher=describe,
    )
    return body, described


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    body, described = render_body(request["html"], frozenset(request["data_urls"]))
    header = json.dumps(described).encode()
    sys.stdout.buffer.write(len(header).to_bytes(8, "big") + header + body)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
