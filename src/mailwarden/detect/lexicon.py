"""Lexicon recognizers: phrase lists as data, compiled into one trie-factored regex.

The phrase-level recognizers (special category, criminal offence, child) are
lexicons: rows of `Phrases`, each with a category and a score. Each phrase is
a regular expression matched case-insensitively on word boundaries, in which a
plain space stands for any run of white space (so a phrase survives line
wrapping). Rules for phrases: no capturing groups; no top-level `|` (wrap it in
`(?:...)`); a look-behind must have a fixed width, so inside one write `\\s`;
acronyms that are ordinary words in lower case go in a scoped `(?-i:...)`.

All rows compile into one regular expression whose literal prefixes are
factored into a trie, so a message is scanned once, at a speed that does not
fall with the lexicon's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from mailwarden.detect.finding import FindingType, Match
from mailwarden.detect.recognizer import TextContext

STRONG = 0.85
"""The phrase is the category itself ("racially aggravated", "antidepressants")."""
SOLID = 0.7
"""The phrase usually is the category ("autism", "Muslim", "mental health")."""
WEAK = 0.4
"""The phrase is often something else (a venue, an idiom): kept, but not reported by default."""


@dataclass(frozen=True, slots=True)
class Phrases:
    """A group of lexicon phrases that share a category, a score and a reason."""

    category: str
    score: float
    patterns: tuple[str, ...]
    reason: str = ""
    """What a hit shows, for the explanation; the category when empty."""


class PhraseIndex:
    """Every phrase of a lexicon in one regular expression, its literal prefixes in a trie.

    A plain alternation of hundreds of phrases makes the regex engine try each
    one at every word; factoring the phrases' literal beginnings into a trie
    makes it follow one path of characters instead. A leading `(?:a|b)` is
    distributed first (`(?:a|b)c` is `ac|bc`), so it joins the trie too. Each
    phrase's remainder sits in a named group, so a hit names the row it came from.

    The scan runs on the lower-cased text without IGNORECASE, which is three
    times faster; case-sensitive parts (`(?-i:...)`) are lower-cased for the
    scan, and a hit of such a row is confirmed on the original text.
    """

    def __init__(self, lexicon: tuple[Phrases, ...]) -> None:
        self.rows: list[Phrases] = []
        self._confirm: dict[int, re.Pattern[str]] = {}
        trie = _Trie()
        others: list[str] = []
        for group in lexicon:
            for pattern in group.patterns:
                row = len(self.rows)
                self.rows.append(group)
                if _top_level_choices(pattern) != [pattern]:
                    raise ValueError(f"phrase {pattern!r}: wrap a top-level '|' in (?:...)")
                if "(?-i:" in pattern:
                    self._confirm[row] = re.compile(
                        rf"(?:{_with_flexible_spaces(pattern)})(?!\w)", re.IGNORECASE
                    )
                for variant, whole in enumerate(_distribute(_fold_case(pattern))):
                    literal, rest = _literal_prefix(whole)
                    leaf = f"(?P<p{row}_{variant}>{_with_flexible_spaces(rest)})"
                    if literal:
                        trie.add(literal, leaf)
                    else:
                        others.append(leaf)
        # The trie's first letters stand in the top-level alternation, where the engine
        # skips a branch whose first letter differs without entering it.
        body = r"\b(?:" + "|".join(trie.alternatives() + others) + r")(?!\w)"
        self._lower_case = re.compile(body)
        self._any_case = re.compile(body, re.IGNORECASE)

    def finditer(self, text: str) -> Iterator[tuple[Phrases, int, int]]:
        """Each hit: its row, start and end; leftmost first, the longest literal first."""
        lowered = text.lower()
        if len(lowered) == len(text):  # a few characters lower-case to two
            hits = self._lower_case.finditer(lowered)
        else:
            hits = self._any_case.finditer(text)
        for found in hits:
            row = int(str(found.lastgroup)[1:].partition("_")[0])
            start, end = found.span()
            confirm = self._confirm.get(row)
            if confirm is not None:
                confirmed = confirm.match(text, start)
                if confirmed is None or confirmed.end() != end:
                    continue
            yield self.rows[row], start, end


class _Trie:
    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.leaves: list[str] = []

    def add(self, literal: str, leaf: str) -> None:
        node = self
        for char in literal:
            node = node.children.setdefault(char, _Trie())
        node.leaves.append(leaf)

    def alternatives(self) -> list[str]:
        """The trie as regex alternatives: deeper (longer) literals are tried first."""
        steps = [
            (r"\s+" if char == " " else re.escape(char)) + child.regex()
            for char, child in sorted(self.children.items())
        ]
        return steps + self.leaves

    def regex(self) -> str:
        alternatives = self.alternatives()
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"


_REGEX_TOKEN = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|[()|]")
_LITERAL = re.compile(r"(?:[^\W_]|[ '’-])+")
_QUANTIFIERS = "?*+{"


def _closing(pattern: str, opening: int) -> int:
    """Where the group opened at `opening` closes."""
    depth = 0
    for token in _REGEX_TOKEN.finditer(pattern, opening):
        depth += {"(": 1, ")": -1}.get(token.group(), 0)
        if depth == 0:
            return token.start()
    raise ValueError(f"phrase {pattern!r}: unbalanced parentheses")


def _top_level_choices(pattern: str) -> list[str]:
    """`pattern` split at each `|` that is not inside a group."""
    depth, cut, parts = 0, 0, []
    for token in _REGEX_TOKEN.finditer(pattern):
        depth += {"(": 1, ")": -1}.get(token.group(), 0)
        if token.group() == "|" and depth == 0:
            parts.append(pattern[cut : token.start()])
            cut = token.end()
    return [*parts, pattern[cut:]]


def _distribute(pattern: str) -> list[str]:
    """A leading `(?:a|b)c` as `ac` and `bc`, `(?:a)?c` as `ac` and `c`, `\\dc` as `0c`...`9c`."""
    if pattern.startswith("\\d") and pattern[2:3] not in tuple(_QUANTIFIERS):
        return [v for digit in "0123456789" for v in _distribute(digit + pattern[2:])]
    if not pattern.startswith("(?:"):
        return [pattern]
    close = _closing(pattern, 0)
    choices, tail = _top_level_choices(pattern[3:close]), pattern[close + 1 :]
    if tail.startswith("?") and not tail.startswith("??"):
        return [v for c in [*(c + tail[1:] for c in choices), tail[1:]] for v in _distribute(c)]
    if tail.startswith(tuple(_QUANTIFIERS)):
        return [pattern]
    return [v for c in choices for v in _distribute(c + tail)]


def _fold_case(pattern: str) -> str:
    """Each `(?-i:X)` as `(?:x)`: the form that matches the lower-cased text."""
    while (opening := pattern.find("(?-i:")) >= 0:
        close = _closing(pattern, opening)
        inner = re.sub(
            r"\\.|[^\\]+",
            lambda m: m.group() if m.group()[0] == "\\" else m.group().lower(),
            pattern[opening + 5 : close],
        )
        pattern = f"{pattern[:opening]}(?:{inner}){pattern[close + 1 :]}"
    return pattern


def _literal_prefix(pattern: str) -> tuple[str, str]:
    """The plain characters `pattern` starts with (none quantified), and the rest."""
    literal = _LITERAL.match(pattern)
    cut = literal.end() if literal else 0
    if 0 < cut < len(pattern) and pattern[cut] in _QUANTIFIERS:
        cut -= 1  # the last character is quantified: it belongs to the remainder
    return pattern[:cut], pattern[cut:]


def _with_flexible_spaces(pattern: str) -> str:
    """A plain space becomes any run of white space; classes and escapes are left alone."""

    def replace(token: re.Match[str]) -> str:
        if token.group() != " ":
            return token.group()
        following = pattern[token.end() : token.end() + 1]
        return r"\s" if following and following in _QUANTIFIERS else r"\s+"

    return re.sub(r"\\.|\[(?:\\.|[^\]])*\]| ", replace, pattern)


class LexiconRecognizer:
    """A recognizer whose patterns are a lexicon of phrases, each with a category and score.

    Subclasses set the class attributes; `assess()` may veto a hit or change
    its score and explanation (the child recognizer reads ages out of it).
    """

    name: ClassVar[str]
    description: ClassVar[str]
    finding_type: ClassVar[FindingType]
    lexicon: ClassVar[tuple[Phrases, ...]]
    _index: ClassVar[PhraseIndex]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if "lexicon" in cls.__dict__:
            cls._index = PhraseIndex(cls.lexicon)

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        for row, start, end in self._index.finditer(text):
            match = self.assess(row, text, start, end)
            if match is not None:
                yield match

    def assess(self, row: Phrases, text: str, start: int, end: int) -> Match | None:
        """The match for one hit: the row's score, and "category: 'phrase'" as the reason."""
        phrase = " ".join(text[start:end].split())
        reason = row.reason or row.category
        return Match(
            self.finding_type, start, end, row.score, f"{reason}: '{phrase}'", row.category
        )
