"""The question parsers in consult/consultations/services.py: numbered lists, CSV and JSON."""

from __future__ import annotations

import json

import pytest

from consult.consultations.services import (
    QuestionDraft,
    QuestionsError,
    parse_csv,
    parse_json,
    parse_numbered_list,
)

# --- numbered lists -------------------------------------------------------------------------


def test_a_numbered_list_gives_one_question_per_number_in_order():
    drafts = parse_numbered_list("2. Second question\n1. First question\n\n3. Third question")
    assert [(d.number, d.text) for d in drafts] == [
        (1, "First question"),
        (2, "Second question"),
        (3, "Third question"),
    ]
    assert all(d.kind == "open" and d.word_limit is None for d in drafts)


def test_a_line_without_a_number_continues_the_previous_question():
    drafts = parse_numbered_list(
        "1. Should the framework cover\n   all biometric technologies?\n2. Why?\nExplain fully."
    )
    assert [d.text for d in drafts] == [
        "Should the framework cover all biometric technologies?",
        "Why? Explain fully.",
    ]


def test_the_kind_and_word_limit_marks_may_sit_on_a_continuation_line():
    drafts = parse_numbered_list("1. First line\ncontinues here (scale) [150 words]")
    assert drafts == [QuestionDraft(1, "First line continues here", "scale", 150)]


@pytest.mark.parametrize(
    "line",
    [
        "3. Text",
        "3) Text",
        "3: Text",
        "3 - Text",
        "3 Text",
        "Q3) Text",
        "Q3. Text",
        "q 3: Text",
        "Question 3: Text",
        "  03. Text  ",
    ],
)
def test_question_numbers_may_be_written_in_the_usual_ways(line):
    assert parse_numbered_list(line) == [QuestionDraft(3, "Text")]


@pytest.mark.parametrize(
    ("line", "kind", "word_limit"),
    [
        ("1. Agree? (scale)", "scale", None),
        ("1. Agree? (Scale)", "scale", None),
        ("1. Agree? (open)", "open", None),
        ("1. Agree? [300 words]", "open", 300),
        ("1. Agree? [1 word]", "open", 1),
        ("1. Agree? (scale) [300 words]", "scale", 300),
        ("1. Agree?   (SCALE)   [300 WORDS]  ", "scale", 300),
    ],
)
def test_kind_and_word_limit_marks_are_read_and_removed_from_the_text(line, kind, word_limit):
    assert parse_numbered_list(line) == [QuestionDraft(1, "Agree?", kind, word_limit)]


def test_a_kind_mark_in_the_middle_of_the_text_is_part_of_the_text():
    assert parse_numbered_list("1. Is “(scale)” a word? yes") == [
        QuestionDraft(1, "Is “(scale)” a word? yes")
    ]


def test_windows_line_endings_are_read_like_any_others():
    drafts = parse_numbered_list("1. One\r\n2. Two\r\n")
    assert [d.text for d in drafts] == ["One", "Two"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one question"),
        ("   \n\n  ", "at least one question"),
        ("Introduction\n1. First", "Line 1 does not start with a question number"),
        ("1. First\n1. Again", "Question 1 appears twice"),
        ("0. Zero", "start at 1"),
        ("1. (scale)", "Question 1 has no text"),
        ("1. " + "x" * 2001, "longer than 2000 characters"),
        ("1. Limit [0 words]", "word limit must be a positive number"),
        ("1000. Too many digits", "does not start with a question number"),
    ],
)
def test_numbered_list_errors_say_what_is_wrong(text, message):
    with pytest.raises(QuestionsError, match=message):
        parse_numbered_list(text)


def test_at_most_200_questions():
    parse_numbered_list("\n".join(f"{n}. Q{n}" for n in range(1, 201)))
    with pytest.raises(QuestionsError, match="At most 200"):
        parse_numbered_list("\n".join(f"{n}. Q{n}" for n in range(1, 202)))


def test_a_number_followed_directly_by_text_starts_a_new_question():
    assert [d.number for d in parse_numbered_list("1. First\n2.Second")] == [1, 2]


def test_the_marks_may_come_in_either_order():
    assert parse_numbered_list("1. Agree? [300 words] (scale)") == [
        QuestionDraft(1, "Agree?", "scale", 300)
    ]


# --- CSV ------------------------------------------------------------------------------------


def test_csv_with_a_header_row_gives_the_questions():
    drafts = parse_csv(
        "number,text,kind,word_limit\n"
        "1,Should it cover all biometrics?,scale,\n"
        '2,"Which factors, in your view?",open,300\n'
    )
    assert drafts == [
        QuestionDraft(1, "Should it cover all biometrics?", "scale", None),
        QuestionDraft(2, "Which factors, in your view?", "open", 300),
    ]


def test_csv_kind_and_word_limit_columns_are_optional():
    assert parse_csv("number,text\n2,Two\n1,One\n") == [
        QuestionDraft(1, "One"),
        QuestionDraft(2, "Two"),
    ]


def test_csv_header_names_ignore_case_spaces_and_order_and_extra_columns_are_ignored():
    drafts = parse_csv(
        " Text ,Notes, KIND ,Number,Word_Limit,Owner\nAgree?,ignored,Scale,1,250,Sam\nWhy?,,,2,,\n"
    )
    assert drafts == [QuestionDraft(1, "Agree?", "scale", 250), QuestionDraft(2, "Why?")]


def test_csv_rows_longer_than_the_header_do_not_break_reading():
    assert parse_csv("number,text\n1,One,stray,cells\n") == [QuestionDraft(1, "One")]


def test_csv_quoted_text_may_span_lines():
    assert parse_csv('number,text\n1,"First line\nsecond line"\n')[0].text == (
        "First line\nsecond line"
    )


def test_csv_from_a_utf8_file_with_a_byte_order_mark_read_as_utf8_sig():
    content = "\ufeffnumber,text\n1,Café?\n".encode().decode("utf-8-sig")
    assert parse_csv(content) == [QuestionDraft(1, "Café?")]


def test_csv_with_a_byte_order_mark_in_the_text():
    assert parse_csv("\ufeffnumber,text,kind\n1,Agree?,scale\n") == [
        QuestionDraft(1, "Agree?", "scale")
    ]


def test_csv_empty_rows_from_a_spreadsheet_are_skipped():
    assert parse_csv("number,text,kind,word_limit\n1,One,,\n,,,\n") == [QuestionDraft(1, "One")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "header row"),
        ("question,wording\n1,x\n", "header row with at least 'number' and 'text'"),
        ("number;text\n1;x\n", "header row"),
        ("number,text\n", "at least one question"),
        ("number,text\none,x\n", "Row 2: 'number' must be a whole number"),
        ("number,text\n1,x\n1,y\n", "Question 1 appears twice"),
        ("number,text\n1,\n", "Question 1 has no text"),
        ("number,text,kind\n1,x,closed\n", "kind must be 'scale' or 'open'"),
        ("number,text,word_limit\n1,x,many\n", "word limit must be a whole number"),
        ("number,text,word_limit\n1,x,-5\n", "word limit must be a positive number"),
        ("number,text\n-1,x\n", "start at 1"),
    ],
)
def test_csv_errors_say_what_is_wrong(content, message):
    with pytest.raises(QuestionsError, match=message):
        parse_csv(content)


# --- JSON -----------------------------------------------------------------------------------


def test_json_as_a_list():
    content = json.dumps(
        [
            {"number": 2, "text": "Why?", "kind": "open", "word_limit": 300},
            {"number": 1, "text": "Agree?", "kind": "scale"},
        ]
    )
    assert parse_json(content) == [
        QuestionDraft(1, "Agree?", "scale", None),
        QuestionDraft(2, "Why?", "open", 300),
    ]


def test_json_as_an_object_with_questions():
    content = json.dumps({"title": "ignored", "questions": [{"text": "Agree?", "kind": "Scale"}]})
    assert parse_json(content) == [QuestionDraft(1, "Agree?", "scale")]


def test_json_numbers_default_to_the_position_in_the_list():
    drafts = parse_json('[{"text": "One"}, {"text": "Two"}]')
    assert [(d.number, d.text) for d in drafts] == [(1, "One"), (2, "Two")]


def test_json_word_limit_may_be_a_string_of_digits_or_null():
    drafts = parse_json('[{"text": "A", "word_limit": "250"}, {"text": "B", "word_limit": null}]')
    assert [d.word_limit for d in drafts] == [250, None]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "could not be read"),
        ("[{", "could not be read"),
        ('{"title": "no questions"}', "must be a list"),
        ('"text"', "must be a list"),
        ("[]", "at least one question"),
        ("[1]", "Item 1 must be an object with a 'text'"),
        ('[{"number": 1}]', "Item 1 must be an object with a 'text'"),
        ('[{"text": 5}]', "Item 1 must be an object with a 'text'"),
        ('[{"number": "1", "text": "x"}]', "Item 1: 'number' must be a whole number"),
        ('[{"number": true, "text": "x"}]', "'number' must be a whole number"),
        ('[{"number": 1.5, "text": "x"}]', "'number' must be a whole number"),
        ('[{"text": "x"}, {"number": 1, "text": "y"}]', "Question 1 appears twice"),
        ('[{"text": "x", "kind": 3}]', "kind must be 'scale' or 'open'"),
        ('[{"text": "x", "kind": "closed"}]', "kind must be 'scale' or 'open'"),
        ('[{"text": "x", "word_limit": "lots"}]', "word limit must be a whole number"),
        ('[{"text": "x", "word_limit": 0}]', "word limit must be a positive number"),
        ('[{"text": "   "}]', "has no text"),
    ],
)
def test_json_errors_say_what_is_wrong(content, message):
    with pytest.raises(QuestionsError, match=message):
        parse_json(content)


def test_deeply_nested_json_is_a_questions_error():
    with pytest.raises(QuestionsError):
        parse_json("[" * 100_000)


def test_an_infinite_word_limit_is_a_questions_error():
    with pytest.raises(QuestionsError):
        parse_json('[{"text": "x", "word_limit": 1e400}]')


def test_a_word_limit_that_is_not_a_whole_number_is_refused():
    for limit in ("true", "300.7"):
        with pytest.raises(QuestionsError):
            parse_json(f'[{{"text": "x", "word_limit": {limit}}}]')


def test_question_numbers_and_word_limits_have_an_upper_bound():
    with pytest.raises(QuestionsError):
        parse_csv("number,text\n99999999999,x\n")
    with pytest.raises(QuestionsError):
        parse_json('[{"text": "x", "word_limit": 99999999999}]')


HUGE = "9" * 5_000  # more digits than Python converts (4,300): a bare ValueError, once a 500


@pytest.mark.parametrize(
    ("parse", "content", "message"),
    [
        (parse_json, f'[{{"number": {HUGE}, "text": "x"}}]', "longer than 100 digits"),
        (parse_json, f'[{{"text": "x", "word_limit": {HUGE}}}]', "longer than 100 digits"),
        (parse_json, f'[{{"number": {"9" * 4_300}, "text": "x"}}]', "longer than 100 digits"),
        (parse_json, '[{"text": "x", "word_limit": NaN}]', "NaN is not a number"),
        (parse_csv, f"number,text\n{HUGE},x\n", "Question numbers go up to 999 \\(row 2\\)"),
        (parse_csv, f"number,text,word_limit\n1,x,{HUGE}\n", "word limit can be at most"),
        (parse_json, f'[{{"text": "x", "word_limit": "{HUGE}"}}]', "word limit can be at most"),
    ],
)
def test_numbers_too_long_to_convert_are_a_clear_questions_error(parse, content, message):
    with pytest.raises(QuestionsError, match=message):
        parse(content)


def test_a_nul_character_in_question_text_is_refused():
    with pytest.raises(QuestionsError):
        parse_json('[{"text": "a\\u0000b"}]')


def test_an_oversized_csv_field_is_a_questions_error():
    with pytest.raises(QuestionsError):
        parse_csv('number,text\n1,"' + "x" * 140_000 + '"\n')
