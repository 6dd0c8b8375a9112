"""National Insurance number: two prefix letters, six digits, a suffix letter A-D.

There is no check digit; the real rule is the prefix, as HMRC's National
Insurance Manual gives it: the first letter is not D, F, I, Q, U or V, the
second not D, F, I, O, Q, U or V, and BG, GB, KN, NK, NT, TN and ZZ are never
issued. A number breaking it is dropped; one keeping it keeps its pattern
score. The suffix is sometimes left off, so a number without one is found
only with context. Lower case is accepted, but a suffix after a space must be
a capital: in "AB123456 a day late" the "a" is a word.

HMRC's own specimen, QQ 12 34 56 C, breaks the prefix rule (Q is never
issued), so it belongs to nobody. It is still reported, and says it is the
specimen: test and training data uses it, and a guard that ignores the
fictional values cannot be tested end to end with safe data.
"""

from __future__ import annotations

import re
from typing import ClassVar

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import Pattern, PatternRecognizer

_SPECIMEN_PREFIX = "QQ"
_NOT_FIRST = frozenset("DFIQUV")
_NOT_SECOND = frozenset("DFIOQUV")
_NEVER_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


class UkNinoRecognizer(PatternRecognizer):
    name = "uk_nino"
    description = "National Insurance numbers (AB 12 34 56 C) whose prefix HMRC issues."
    finding_type = FindingType.UK_NINO
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "nino with suffix",
            r"(?<![\w-])([A-Z]{2} ?\d{2} ?\d{2} ?\d{2}(?:[A-D]| (?-i:[A-D])))(?![\w-])",
            0.7,
        ),
        Pattern(
            "nino without suffix",
            r"(?<![\w-])([A-Z]{2} ?\d{2} ?\d{2} ?\d{2})(?![\w-]| (?-i:[A-D])(?![\w-]))",
            0.4,
        ),
    )
    flags = re.IGNORECASE
    context_words = ("national insurance", "ni number", "ni no", "nino", "hmrc")
    separators = " "

    def validate(self, candidate: str) -> bool | None:
        prefix = candidate[:2].upper()
        if prefix == _SPECIMEN_PREFIX:
            return None
        valid = (
            prefix[0] not in _NOT_FIRST
            and prefix[1] not in _NOT_SECOND
            and prefix not in _NEVER_ISSUED
        )
        return None if valid else False

    def explain(self, candidate: str, valid: bool | None) -> str:
        if candidate[:2].upper() == _SPECIMEN_PREFIX:
            return "HMRC's specimen National Insurance number (QQ prefix, issued to nobody)"
        return "National Insurance number format with an issued prefix"


def create(config: Config) -> UkNinoRecognizer:
    return UkNinoRecognizer()
