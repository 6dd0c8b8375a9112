"""The recognizer interface, and the pattern recognizer most identifiers are built from.

A recognizer finds one kind of sensitive content in a text. A `PatternRecognizer`
is the Presidio shape: regular expressions with a base score, context words that
raise the score when they stand nearby, separators stripped before the check,
and a `validate()` that applies the identifier's real check rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Protocol

from mailwarden.detect.finding import FindingType, Match


@dataclass(frozen=True, slots=True)
class TextContext:
    """What a recognizer may know about the text beyond the text itself."""

    location: str = "body"
    message_date: datetime | None = None
    """When the message was written: the reference point for ages from dates of birth."""


class Recognizer(Protocol):
    """Finds one kind of sensitive content."""

    name: str
    description: str
    finding_type: FindingType

    def analyze(self, text: str, context: TextContext) -> Iterable[Match]:
        """Every match in `text`."""
        ...


class MessageRecognizer(Recognizer, Protocol):
    """A recognizer that reads all of a message's texts at once.

    For recognizers that gain from the whole message: shared context across
    segments ("Greenfield" of "Greenfield Academy" in the subject is no person
    in the body) or one batch for a model. Returns one list of matches per text.
    """

    def analyze_many(
        self, texts: Sequence[str], contexts: Sequence[TextContext]
    ) -> list[list[Match]]: ...


@dataclass(frozen=True, slots=True)
class Pattern:
    """A regular expression and the score a match of it starts with."""

    name: str
    regex: str
    score: float


class PatternRecognizer:
    """Regex candidates, a check rule, and context words that raise the score.

    Subclasses set the class attributes and override `validate()`; a candidate
    for which `validate()` returns False is dropped, True raises it to
    `VALID_SCORE`, None leaves its pattern score.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    finding_type: ClassVar[FindingType]
    patterns: ClassVar[tuple[Pattern, ...]]
    context_words: ClassVar[tuple[str, ...]] = ()
    separators: ClassVar[str] = " -"
    explanation: ClassVar[str] = "matches the format"
    flags: ClassVar[int] = 0

    VALID_SCORE: ClassVar[float] = 0.95
    CONTEXT_BOOST: ClassVar[float] = 0.35
    CONTEXT_WINDOW: ClassVar[int] = 60
    """Characters before and after a match in which a context word raises its score."""

    _compiled: ClassVar[list[tuple[Pattern, re.Pattern[str]]]]
    _context: ClassVar[re.Pattern[str] | None] = None

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if "patterns" in cls.__dict__:
            cls._compiled = [(p, re.compile(p.regex, cls.flags)) for p in cls.patterns]
        if cls.context_words:
            # A context word must start a word: "tel" counts in "telephone", not in "hotel".
            words = "|".join(re.escape(w.strip()) for w in cls.context_words)
            cls._context = re.compile(rf"(?<![^\W_])(?:{words})")

    def validate(self, candidate: str) -> bool | None:
        """The check rule on the candidate with separators stripped; None when there is none."""
        return None

    def explain(self, candidate: str, valid: bool | None) -> str:
        """Why the candidate counts, in a few words."""
        return self.explanation

    def normalise(self, candidate: str) -> str:
        """The candidate with separators removed, as the check rule wants it."""
        return candidate.translate({ord(c): None for c in self.separators})

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        lowered: str | None = None
        for pattern, regex in self._compiled:
            for found in regex.finditer(text):
                start, end = found.span(1) if regex.groups else found.span()
                candidate = text[start:end]
                valid = self.validate(self.normalise(candidate))
                if valid is False:
                    continue
                score = self.VALID_SCORE if valid else pattern.score
                if self.context_words:
                    lowered = lowered if lowered is not None else text.lower()
                    if self.has_context(lowered, start, end):
                        score = min(1.0, score + self.CONTEXT_BOOST)
                yield Match(self.finding_type, start, end, score, self.explain(candidate, valid))

    def has_context(self, lowered: str, start: int, end: int) -> bool:
        """True when a context word stands within the window around the span."""
        if self._context is None:
            return False
        window = lowered[max(0, start - self.CONTEXT_WINDOW) : end + self.CONTEXT_WINDOW]
        return self._context.search(window) is not None
