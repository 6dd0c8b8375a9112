"""IBAN: country code, two check digits, then the country's account number (BBAN).

The check is python-stdnum's: the ISO 13616 mod 97 check digits, and the
length and BBAN format of the named country (GB: 4-letter bank code, 6-digit
sort code, 8-digit account). Written together or in groups of four; the last
group holds a digit, so a short upper-case word after the IBAN is not read as
part of it.
"""

from __future__ import annotations

from typing import ClassVar

from stdnum import iban

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import Pattern, PatternRecognizer


class IbanRecognizer(PatternRecognizer):
    name = "iban"
    description = "IBANs of any country with valid mod 97 check digits (GB82 WEST 1234 ...)."
    finding_type = FindingType.IBAN
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("iban compact", r"(?<![\w-])([A-Z]{2}\d{2}[A-Z0-9]{11,30})(?![\w-])", 0.4),
        Pattern(
            "iban in groups of four",
            r"(?<![\w-])([A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}"
            r" (?=[A-Z]{0,3}\d)[A-Z0-9]{1,4})(?![\w-])",
            0.4,
        ),
    )
    context_words = ("iban", "bank", "account", "transfer", "swift", "bic")
    separators = " "

    def validate(self, candidate: str) -> bool:
        return bool(iban.is_valid(candidate))

    def explain(self, candidate: str, valid: bool | None) -> str:
        return f"{candidate[:2].upper()} IBAN with valid mod 97 check digits"


def create(config: Config) -> IbanRecognizer:
    return IbanRecognizer()
