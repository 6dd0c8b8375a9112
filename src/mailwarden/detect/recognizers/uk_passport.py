"""UK passport number: nine digits, on the current passport and every recent one.

HM Passport Office prints no check digit in the number (the machine-readable
zone adds one, but people copy the printed number), so nine digits alone could
be anything. The pattern scores 0.3, below the default minimum of 0.5, and
only a passport word nearby lifts it to 0.65. The older formats the NHS Data
Dictionary and the criminal justice data standards still accept (a letter and
six digits, or six digits and a letter) score lower still, so they count only
with context too.
"""

from __future__ import annotations

from typing import ClassVar

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import Pattern, PatternRecognizer


class UkPassportRecognizer(PatternRecognizer):
    name = "uk_passport"
    description = "UK passport numbers (9 digits), only where a passport is mentioned nearby."
    finding_type = FindingType.UK_PASSPORT
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("passport", r"(?<![\w/.,-])(\d{9})(?![\w/-]|[.,]\d)", 0.3),
        Pattern("old passport", r"(?<![\w/.,-])([A-Z]\d{6}|\d{6}[A-Z])(?![\w/-]|[.,]\d)", 0.2),
    )
    context_words = ("passport", "hmpo", "travel document")
    separators = ""

    def explain(self, candidate: str, valid: bool | None) -> str:
        if candidate.isdigit():
            return "UK passport number format (9 digits; there is no check digit)"
        return "older UK passport number format (a letter and 6 digits)"


def create(config: Config) -> UkPassportRecognizer:
    return UkPassportRecognizer()
