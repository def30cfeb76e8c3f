"""A work budget for the Markdown parser, so that no text can keep a worker busy for long.

markdown-it-py is linear in the length of ordinary prose, but some shapes make it do tens of
steps for every character: 200,000 characters of "![" took 3 to 27 seconds of CPU (issue 12),
because each "[" starts a link-label scan that re-enters every inline rule down to the nesting
limit; "*" runs, table rows, setext headings or "&#" cost less each, but still many times what
prose does. All of it is Python work the parser does step by step, so the budget counts those
steps as they happen and stops the parse when they run out:

- each call of a block or inline rule, and each `skipToken` (the link-label scan's step),
  costs 1 unit (a link definition's rule, which works as hard as making a token, more);
- each token the parser makes costs TOKEN_COST units: making a token (and later rendering and
  sanitising it) costs about as much as eight rule calls.

Measured on the adversarial corpus of tests/drafting/test_markdown_budget.py, a unit is at
most about a microsecond of parsing, rendering and sanitising together, while real writing
(prose, lists, tables, links and footnotes) needs about 0.9 units a character. The count is
deterministic: the same text always renders the same way, whatever the load on the server, so
a frozen version looks the same on every page and in every export."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

TOKEN_COST = 8
# Rules that make no token but work as hard as making one: a link definition ("[x]: url") is
# stored, its label normalised and its address parsed and encoded.
RULE_COSTS = {"reference": TOKEN_COST}
# The parser's environment (markdown-it's `env`, shared by every rule of one parse) carries the
# budget under this key.
ENV_KEY = "consult_budget"


class TooComplex(Exception):
    """The text needs more parsing work than its budget allows."""


class Budget:
    """Units of parsing work left, for one text or, shared, for all the texts of one page or
    document (see consult.drafting.markdown.parse)."""

    __slots__ = ("left",)

    def __init__(self, units: int) -> None:
        self.left = units

    def spend(self, units: int = 1) -> None:
        self.left -= units
        if self.left < 0:
            raise TooComplex


def _budget(env: dict) -> Budget:
    budget = env.get(ENV_KEY)
    if budget is None:  # a parse started without one: it still may not run unbounded
        raise RuntimeError("parse Markdown through consult.drafting.markdown.parse")
    return budget


class _CountedBlockState(StateBlock):
    def push(self, ttype: str, tag: str, nesting) -> Token:  # type: ignore[override]
        self.budget.spend(TOKEN_COST)
        return super().push(ttype, tag, nesting)


class _CountedInlineState(StateInline):
    def push(self, ttype: str, tag: str, nesting) -> Token:  # type: ignore[override]
        self.budget.spend(TOKEN_COST)
        return super().push(ttype, tag, nesting)

    def pushPending(self) -> Token:
        self.budget.spend(TOKEN_COST)
        return super().pushPending()


class _CountedBlockParser(ParserBlock):
    def parse(self, src, md, env, outTokens):
        if not src:
            return None
        state = _CountedBlockState(src, md, env, outTokens)
        state.budget = _budget(env)
        self.tokenize(state, state.line, state.lineMax)
        return state.tokens


class _CountedInlineParser(ParserInline):
    def parse(self, src, md, env, tokens):
        state = _CountedInlineState(src, md, env, tokens)
        state.budget = _budget(env)
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens

    def skipToken(self, state) -> None:
        state.budget.spend()
        super().skipToken(state)


def _counted(rule, cost: int):
    def counted_rule(state, *arguments):
        budget = state.budget  # Budget.spend(), inlined: this runs for every rule call
        budget.left -= cost
        if budget.left < 0:
            raise TooComplex
        return rule(state, *arguments)

    return counted_rule


def bounded(parser: MarkdownIt) -> MarkdownIt:
    """`parser` with its block and inline parsers replaced by ones that spend the budget in
    the environment (ENV_KEY) as they work. Call once every plugin is in place: the rules
    present now are the ones counted. The output is unchanged; only the work is counted."""
    for counted_class, attribute in (
        (_CountedBlockParser, "block"),
        (_CountedInlineParser, "inline"),
    ):
        original = getattr(parser, attribute)
        replacement = counted_class.__new__(counted_class)
        replacement.__dict__.update(original.__dict__)  # the configured rulers, as they are
        setattr(parser, attribute, replacement)
        ruler = replacement.ruler
        for rule in list(ruler.__rules__):
            cost = RULE_COSTS.get(rule.name, 1)
            ruler.at(rule.name, _counted(rule.fn, cost), {"alt": rule.alt})
    return parser
