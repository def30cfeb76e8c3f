"""The form's own pieces: reading an uploaded file, and writing questions back as a numbered
list (so an upload that was read is kept when another field needs fixing)."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from consult.consultations.forms import (
    CSV_EXAMPLE,
    JSON_EXAMPLE,
    MAX_UPLOAD_BYTES,
    NUMBERED_LIST_EXAMPLE,
    as_numbered_list,
    read_upload,
)
from consult.consultations.services import (
    QuestionDraft,
    QuestionsError,
    parse_csv,
    parse_json,
    parse_numbered_list,
)


def _file(content: bytes, filename: str) -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=filename)


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"number,text\n1,One\n", "q.csv"),
        (b"number,text\n1,One\n", "Q.CSV"),
        (b"\xef\xbb\xbfnumber,text\n1,One\n", "q.csv"),
        (b"number,text\n1,One\n", "q.txt"),
        (b"number,text\n1,One\n", "q"),
        (b'[{"text": "One"}]', "q.json"),
        (b'  {"questions": [{"text": "One"}]}', "q.txt"),
        (b'\xef\xbb\xbf[{"text": "One"}]', "q.json"),
    ],
)
def test_uploads_are_read_by_extension_or_content(content, filename):
    assert read_upload(_file(content, filename)) == [QuestionDraft(1, "One")]


def test_an_upload_of_exactly_the_limit_is_read_and_one_byte_more_is_refused():
    header = b"number,text\n"
    rows = b"".join(b"%d,%s\n" % (n, b"x" * 1000) for n in range(1, 200))
    exact = (header + rows)[:MAX_UPLOAD_BYTES]
    exact = exact[: exact.rindex(b"\n") + 1]
    exact += b"#" * (MAX_UPLOAD_BYTES - len(exact))  # a last row that is not a number
    assert len(exact) == MAX_UPLOAD_BYTES
    with pytest.raises(QuestionsError, match="'number' must be a whole number"):  # read
        read_upload(_file(exact, "q.csv"))
    with pytest.raises(QuestionsError, match="larger than 200 KB"):
        read_upload(_file(exact + b"x", "q.csv"))


@pytest.mark.parametrize(
    "drafts",
    [
        [QuestionDraft(1, "Agree?", "scale"), QuestionDraft(2, "Why?", "open", 300)],
        [QuestionDraft(3, "Multi\nline\n  text", "open", None)],
        [QuestionDraft(1, "Ends with a bracket (really)", "open", None)],
        [QuestionDraft(1, "Looks like a mark (scale)", "open", 40)],
        [QuestionDraft(7, "Unicode: ŵ, “quotes”, 😀", "scale", 99_999)],
    ],
)
def test_questions_written_back_as_a_numbered_list_read_the_same(drafts):
    again = parse_numbered_list(as_numbered_list(drafts))
    expected = [
        QuestionDraft(d.number, " ".join(d.text.split()), d.kind, d.word_limit) for d in drafts
    ]
    assert again == expected


def test_the_examples_on_the_form_are_read_as_they_say():
    pasted = parse_numbered_list(NUMBERED_LIST_EXAMPLE)
    assert [(d.number, d.kind, d.word_limit) for d in pasted] == [
        (1, "scale", None),
        (2, "open", 300),
        (3, "open", None),
    ]
    assert pasted[1].text == (
        "Which factors should make a harm serious enough, and who should decide?"
    )
    first = pasted[0]
    second = QuestionDraft(2, "Which factors should make a harm serious enough?", "open", 300)
    assert parse_csv(CSV_EXAMPLE) == parse_json(JSON_EXAMPLE) == [first, second]
