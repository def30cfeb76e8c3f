"""A print of our own illustrative text in the shape of a real bill: a long title before the
first clause, a clause running over a page break, a word hyphenated at the end of a line, a
schedule. `lines_of` builds other prints from the same kind of rows, for re-mapping tests."""

from __future__ import annotations

from consult.bills.structure import ParsedPrint, PrintedLine, Provision

LINES = [
    # page, line, text, provision, subsection
    (1, 1, "A BILL TO Make provision about the use of facial recognition.", None, None),
    (1, 3, "1 Use of live facial recognition", "1", None),
    (1, 4, "(1) An authorised officer may authorise the use of live facial", "1", "(1)"),
    (1, 5, "recognition in a public place where the officer is satisfied that the", "1", "(1)"),
    (1, 6, "use is necessary and proportionate.", "1", "(1)"),
    (1, 7, "(2) In this section \u201cauthorised officer\u201d means a constable of at least",
     "1", "(2)"),
    (1, 8, "the rank of superintendent.", "1", "(2)"),
    (1, 9, "2 Code of practice", "2", None),
    (1, 10, "(1) The Secretary of State must issue a code of practice about the", "2", "(1)"),
    (2, 1, "use of live facial recognition by police forces.", "2", "(1)"),
    (2, 2, "(2) Before issuing the code the Secretary of State must consult the Bio-",
     "2", "(2)"),
    (2, 3, "metrics Commissioner and such other persons as the Secretary of State",
     "2", "(2)"),
    (2, 4, "considers appropriate.", "2", "(2)"),
    (2, 5, "SCHEDULE 1", "Schedule 1", None),
    (2, 6, "1 Images retained under section 1 must be deleted within 28 days.",
     "Schedule 1", None),
]  # fmt: skip

HEADINGS = {
    "1": "Use of live facial recognition",
    "2": "Code of practice",
    "Schedule 1": "Retention",
}


def make_print(rows: list[tuple], headings: dict[str, str]) -> ParsedPrint:
    """A print from rows of (page, line, text, provision, subsection), each provision running
    from its first line to its last."""
    lines = [PrintedLine(*row) for row in rows]
    found: dict[str, list[PrintedLine]] = {}
    for line in lines:
        if line.provision is not None:
            found.setdefault(line.provision, []).append(line)
    provisions = [
        Provision(
            number, headings[number], (held[0].page, held[0].line), (held[-1].page, held[-1].line)
        )
        for number, held in found.items()
    ]
    return ParsedPrint("Police Reform Bill (illustrative)", lines, provisions)


PRINT = make_print(LINES, HEADINGS)
