"""DVLA driving licence number: 16 characters that spell out their holder.

    MORGA 6 57 05 4 SM 9 IJ
    |     | |  |  | |  | +- two check characters (letters; DVLA's rule is not public)
    |     | |  |  | |  +---- an arbitrary digit, usually 9
    |     | |  |  | +------- first two initials, padded with 9
    |     | |  |  +--------- last digit of the year of birth
    |     | |  +------------ day of birth, 01-31
    |     | +--------------- month of birth, 01-12, plus 50 for a woman
    |     +----------------- decade of the year of birth
    +----------------------- first five letters of the surname, padded with 9

The check characters cannot be verified, so the check is the structure: the
surname is letters then padding, an initial is not padding before a letter,
and the month and day make a real date of birth (29 February only in a leap
year). Northern Ireland licences (8 digits) are not covered.
"""

from __future__ import annotations

import calendar
import re
from typing import ClassVar

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import Pattern, PatternRecognizer

_PADDED = re.compile(r"[A-Z]+9*")
"""Letters, then 9s filling the rest of the field."""


class UkDrivingLicenceRecognizer(PatternRecognizer):
    name = "uk_driving_licence"
    description = "DVLA driving licence numbers whose surname, initials and birth date are real."
    finding_type = FindingType.UK_DRIVING_LICENCE
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "dvla licence",
            r"(?<![\w-])([A-Z9]{5} ?\d{6} ?[A-Z9]{2}\d[A-Z]{2})(?![\w-])",
            0.65,
        ),
    )
    context_words = ("licence", "license", "dvla", "driving", "driver")
    separators = " "

    def validate(self, candidate: str) -> bool | None:
        surname, initials = candidate[:5], candidate[11:13]
        padded_initials = initials == "99" or _PADDED.fullmatch(initials)
        if not (_PADDED.fullmatch(surname) and padded_initials):
            return False
        coded_month, day = int(candidate[6:8]), int(candidate[8:10])
        month = coded_month - 50 if coded_month > 50 else coded_month
        if not 1 <= month <= 12:
            return False
        # the century is not written; 2000 + yy is a leap year exactly when 1900 + yy is,
        # but for 1900 itself, whom no licence holder was born in
        year = 2000 + int(candidate[5] + candidate[10])
        return None if 1 <= day <= calendar.monthrange(year, month)[1] else False

    def explain(self, candidate: str, valid: bool | None) -> str:
        return "DVLA driving licence structure with a real date of birth"


def create(config: Config) -> UkDrivingLicenceRecognizer:
    return UkDrivingLicenceRecognizer()
