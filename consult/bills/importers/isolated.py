"""Reading a print in a child process that is killed when it overruns.

Why: the importers check their time budget between pages and every few hundred lines, which
stops a long or endless file; but one call into PDFium or libxml2 on a crafted file cannot be
interrupted from Python. Run in a child, any import ends in time: the child is given the
import's time limit (plus its start-up), a cap on its memory, and is terminated if it is still
running, and the person is told plainly. The web upload and the CLI use this; tests and the
benchmark call `read_print` directly.

The children come from a fork server (a small single-threaded process started on first use,
with the readers already imported), not from the web worker: forking a threaded server is
unsafe, and spawning a fresh interpreter for every upload costs a second or more of CPU before
the first byte is read. Where there is no fork server (not on Linux or macOS), each child is
spawned.
"""

from __future__ import annotations

import multiprocessing
import resource
from functools import lru_cache

from consult.bills.importers import read_print
from consult.bills.importers.limits import DEFAULT_LIMITS, ImportRefused, Limits
from consult.bills.structure import ParsedPrint

# The readers a child needs, imported once by the fork server rather than by every child.
READERS = [
    "consult.bills.importers",
    "consult.bills.importers.docx",
    "consult.bills.importers.html",
    "consult.bills.importers.pdf",
    "consult.bills.importers.text",
    "consult.bills.importers.isolated",
]
STARTUP_SECONDS = 15.0  # a spawned interpreter importing the readers, on a busy machine
MEMORY_BYTES = 2 * 1024**3  # address space for the child: a 300-page print needs far less


def read_print_isolated(
    data: bytes,
    *,
    title: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    timeout: float | None = None,
) -> ParsedPrint:
    """`read_print` in a child process: the same result or ImportRefused, and never longer
    than `timeout` seconds (by default the limits' time and the child's start-up)."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, data, title, limits), daemon=True)
    child.start()
    sender.close()
    try:
        wait = timeout if timeout is not None else limits.max_seconds + STARTUP_SECONDS
        if not receiver.poll(wait):
            raise ImportRefused(
                f"Reading the file took longer than {wait:.0f} seconds, so it was stopped. "
                "The file may be damaged or built oddly: try the PDF as published, or paste "
                "the text."
            )
        try:
            outcome, payload = receiver.recv()
        except EOFError:
            raise ImportRefused(
                "Reading the file used more memory than an import may, so it was stopped. "
                "The file may be damaged or built to overload readers."
            ) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    if outcome == "refused":
        raise ImportRefused(payload["message"], too_large=payload["too_large"])
    return ParsedPrint.from_plain(payload)


@lru_cache(maxsize=1)
def _context() -> multiprocessing.context.BaseContext:
    """The fork server's context (its readers preloaded), or spawning where there is none."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(READERS)
    return context


def _child(sender, data: bytes, title: str | None, limits: Limits) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    try:
        parsed = read_print(data, title=title, limits=limits)
    except ImportRefused as refused:
        sender.send(("refused", {"message": str(refused), "too_large": refused.too_large}))
    except MemoryError:
        pass  # the parent reads end of file and says so
    else:
        sender.send(("read", parsed.as_plain()))
    finally:
        sender.close()
