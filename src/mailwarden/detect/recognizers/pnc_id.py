"""Police National Computer ID: year, slash, serial number, check letter (02/73319Z).

The year is written with two digits (or four, 2002/0073319Z) and the serial
with up to seven, leading zeros usually suppressed. The check letter: the two
year digits followed by the serial padded to seven digits, read as one number,
modulo 23, indexes "ZABCDEFGHJKLMNPQRTUVWXY" (0 is Z; I, O and S are unused).

Sources: the Criminal Justice Hub data standards ("Police National Computer
Id (PNC Id)", criminaljusticehub.org.uk/jargon-buster), and the Ministry of
Justice's validator in github.com/ministryofjustice/hmpps-person-record
(PNCIdentifier), whose published examples the tests reuse.
"""

from __future__ import annotations

import re
from typing import ClassVar

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import Pattern, PatternRecognizer

_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
_PARTS = re.compile(r"(?:(?:19|20)(?=\d\d/))?(\d\d)/(\d{1,7})([A-Z])")


def check_letter(year: str, serial: str) -> str:
    """The check letter of a PNC ID with this two-digit year and serial number."""
    return _CHECK_LETTERS[int(year + serial.zfill(7)) % 23]


class PncIdRecognizer(PatternRecognizer):
    name = "pnc_id"
    description = "Police National Computer IDs (YY/NNNNNNNX) with a valid check letter."
    finding_type = FindingType.PNC_ID
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("pnc id", r"(?<![\w/])((?:\d\d){1,2}/\d{1,7}[A-Z])(?![\w/])", 0.5),
    )
    context_words = ("pnc", "police national computer", "arrest", "custody", "cro ")
    separators = ""

    def validate(self, candidate: str) -> bool:
        parts = _PARTS.fullmatch(candidate)
        return parts is not None and check_letter(parts[1], parts[2]) == parts[3]

    def explain(self, candidate: str, valid: bool | None) -> str:
        return "PNC ID with a valid check letter (modulus 23)"


def create(config: Config) -> PncIdRecognizer:
    return PncIdRecognizer()
