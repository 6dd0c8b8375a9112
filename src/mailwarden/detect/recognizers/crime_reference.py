"""Crime and incident reference numbers, in the formats the force configures.

Every force numbers its crimes its own way, so the formats are regular
expressions in `detect.crime_reference.formats` (see `mailwarden.config` for
the defaults), compiled once when the recognizer is built. A format with a
capturing group reports only its first group; write `(?:...)` to group without
capturing. There is no check character: a match scores 0.8, and the
explanation names the format that matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import ClassVar

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType, Match
from mailwarden.detect.recognizer import Pattern, PatternRecognizer, TextContext


class CrimeReferenceRecognizer(PatternRecognizer):
    name = "crime_reference"
    description = "Crime and incident reference numbers in the force's configured formats."
    finding_type = FindingType.CRIME_REFERENCE
    patterns: ClassVar[tuple[Pattern, ...]] = ()
    """None of its own: the formats come from the config."""
    context_words = ("crime", "incident", "occurrence", "reference", "ref", "log")
    SCORE: ClassVar[float] = 0.8

    def __init__(self, formats: Sequence[str]) -> None:
        self.formats = [
            (f"format {number} of detect.crime_reference.formats", re.compile(regex))
            for number, regex in enumerate(formats, start=1)
        ]

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        lowered = text.lower()
        for format_name, regex in self.formats:
            for found in regex.finditer(text):
                start, end = found.span(1) if regex.groups else found.span()
                score = self.SCORE
                if self.has_context(lowered, start, end):
                    score = min(1.0, score + self.CONTEXT_BOOST)
                explanation = f"a crime reference in {format_name}"
                yield Match(self.finding_type, start, end, score, explanation)


def create(config: Config) -> CrimeReferenceRecognizer:
    return CrimeReferenceRecognizer(config.detect.crime_reference.formats)
