"""What a text may hold, wherever people write it (sections, suggestions, comments, notes):
the length limits, and no character that no export could hold."""

from __future__ import annotations

import re

from consult.drafting.errors import DraftingError
from consult.drafting.markdown import MAX_LENGTH
from consult.forms import BIDI_CONTROLS

# Characters; about 30,000 words, far beyond any submission, and the longest text the renderer
# formats (a longer one would only ever be shown as plain text).
MAX_BODY_LENGTH = MAX_LENGTH
MAX_TITLE_LENGTH = 300

# consult.forms.has_control_characters as one regular expression: Unicode's control characters
# (category Cc: U+0000-U+001F and U+007F-U+009F) but tab and line breaks, and the bidi
# overrides. That function looks at each character in Python, which for a section of 5,000
# words added 2.5 ms to every save; tests/drafting/test_services_finishing.py checks that the
# two agree on every character.
CONTROL_CHARACTERS = re.compile(
    "["
    + "".join(
        re.escape(chr(code))
        for code in (*range(0x20), *range(0x7F, 0xA0))
        if chr(code) not in "\t\n\r"
    )
    + "".join(re.escape(char) for char in sorted(BIDI_CONTROLS))
    + "]"
)


def has_control_characters(text: str) -> bool:
    """True if the text holds a character that no export could hold, or a bidi override."""
    return CONTROL_CHARACTERS.search(text) is not None


def _is_unicode(text: str) -> bool:
    """False for a lone surrogate (JSON can spell one, "\\ud800"): no database or export can
    store it as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_plain_text(text: str, what: str = "The text") -> None:
    """Refuse what no export could hold: a NUL, other control characters (tabs and line
    breaks aside; XML, which DOCX is made of, cannot hold the rest) and text that is not
    valid Unicode. Bidirectional overrides are refused with them: they make text display as
    something other than what it says, in words that people will sign."""
    if "\x00" in text:
        raise DraftingError(f"{what} contains a NUL character; remove it and save again.")
    if not _is_unicode(text):
        raise DraftingError(f"{what} is not valid Unicode (it holds a lone surrogate).")
    if has_control_characters(text):
        raise DraftingError(
            f"{what} contains invisible control characters; remove them and save again."
        )
