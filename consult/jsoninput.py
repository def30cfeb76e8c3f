"""JSON from outside (API request bodies, uploaded question lists), read with bounds, so that
no shape of it can crash a request or cost more than its size.

Python's json module alone lets through three things that later become 500s (issue 12):
nesting deep enough to raise RecursionError (100,000 "["s are 100 KB), whole numbers too long
to convert (more than 4,300 digits raise a bare ValueError), and NaN, Infinity or numbers that
overflow to them, which no field can hold. `loads` refuses each with a
JSONInputError whose message a person can act on."""

from __future__ import annotations

import json
import math
from typing import Any

# No object the app reads is nested deeper than a few levels; a little room for clients.
MAX_DEPTH = 32
# Far more than any id, count or limit needs (a PostgreSQL BIGINT has 19 digits), so that a
# number slightly too large still reaches its field's check and is refused by name (422); a
# longer one is refused here, well before Python's own limit (4,300 digits, a ValueError).
MAX_DIGITS = 100


_TOO_DEEP = object()


class JSONInputError(ValueError):
    """The JSON cannot be used; the message says why, for a person."""


def _refuse_constant(name: str) -> Any:
    raise JSONInputError(f"The JSON could not be read: {name} is not a number JSON allows.")


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise JSONInputError(
            f"The JSON could not be read: a number in it is longer than {MAX_DIGITS} digits."
        )
    return int(text)


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONInputError("The JSON could not be read: a number in it is too large.")
    return value


_DECODER = json.JSONDecoder(
    parse_int=_whole_number, parse_float=_number, parse_constant=_refuse_constant
)


def _depth_within(value: Any, limit: int) -> bool:
    """Whether no list or object in `value` lies deeper than `limit` levels (without
    recursion, so that checking cannot itself overflow the stack)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return False
        pending.extend((child, depth + 1) for child in item)
    return True


def loads(document: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value in `document` (bytes in UTF-8, or UTF-16/32 as json.loads detects), or a
    JSONInputError saying what is wrong with it."""
    try:
        if isinstance(document, bytes):
            document = document.decode(json.detect_encoding(document))
        value = _DECODER.decode(document)
    except json.JSONDecodeError as error:
        raise JSONInputError(
            f"The JSON could not be read: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    except UnicodeDecodeError:
        raise JSONInputError("The JSON could not be read: it is not valid UTF-8 text.") from None
    except RecursionError:
        value = _TOO_DEEP  # far deeper than max_depth
    if value is _TOO_DEEP or not _depth_within(value, max_depth):
        raise JSONInputError(
            f"The JSON could not be read: it is nested more than {max_depth} levels deep."
        )
    return value
