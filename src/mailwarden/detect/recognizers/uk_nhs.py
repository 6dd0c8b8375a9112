"""NHS number: ten digits whose last is a modulus 11 check digit."""

from __future__ import annotations

from typing import ClassVar

from stdnum.gb import nhs

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import Pattern, PatternRecognizer


class UkNhsRecognizer(PatternRecognizer):
    name = "uk_nhs"
    description = "NHS numbers (10 digits, 3-3-4 grouping) with a valid modulus 11 check digit."
    finding_type = FindingType.UK_NHS
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("nhs grouped", r"(?<![\d\w-])(\d{3}[ -]\d{3}[ -]\d{4})(?![\d\w-])", 0.6),
        Pattern("nhs plain", r"(?<![\d\w-])(\d{10})(?![\d\w-])", 0.4),
    )
    context_words = ("nhs", "health", "patient", "gp ", "hospital", "chi ")

    def validate(self, candidate: str) -> bool:
        return bool(nhs.is_valid(candidate))

    def explain(self, candidate: str, valid: bool | None) -> str:
        return "valid check digit (NHS modulus 11)"


def create(config: Config) -> UkNhsRecognizer:
    return UkNhsRecognizer()
