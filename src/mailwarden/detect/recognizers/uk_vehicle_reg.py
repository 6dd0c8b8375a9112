"""UK vehicle registration mark: the current format, and the prefix and suffix ones.

Current (September 2001 on), AB12 CDE: a region letter (never I, Q, T, U, J
or Z), a local office letter (never I, Q or Z), the age identifier, and three
random letters (never I or Q). The age identifier is the year for March
registrations (02 for 2002) and the year plus 50 for September ones (51 for
2001); one for a later year than this has not been issued yet (this year's
September identifier is accepted all year: a little generous, never too strict).

Prefix (1983-2001), A123 BCD, and suffix (1963-1983), ABC 123D: a year letter
that is never I, O, Q, U or Z, and a number without leading zeros.

A plate has no check character and the shapes fit product and part codes, so
every format needs a vehicle word nearby to be reported; only capitals match.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import Pattern, PatternRecognizer

_REGION = "ABCDEFGHKLMNOPRSVWY"
_LETTER = "[A-HJ-PR-Y]"
"""A letter other than I, Q and Z."""
_YEAR_LETTER = "[A-HJ-NPR-TV-Y]"
"""A prefix or suffix year letter: not I, O, Q, U or Z."""
_NUMBER = r"[1-9]\d{0,2}"


class UkVehicleRegRecognizer(PatternRecognizer):
    name = "uk_vehicle_reg"
    description = "UK vehicle registrations (AB12 CDE, A123 BCD, ABC 123D) near a vehicle word."
    finding_type = FindingType.UK_VEHICLE_REG
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("current", r"(?<![\w-])([A-Z]{2}\d{2} ?[A-HJ-PR-Z]{3})(?![\w-])", 0.45),
        Pattern("prefix", rf"(?<![\w-])({_YEAR_LETTER}{_NUMBER} ?{_LETTER}{{3}})(?![\w-])", 0.3),
        Pattern("suffix", rf"(?<![\w-])({_LETTER}{{3}} ?{_NUMBER}{_YEAR_LETTER})(?![\w-])", 0.3),
    )
    context_words = (
        "vehicle",
        "car ",
        "van ",
        "motorbike",
        "registration",
        "reg no",
        "reg:",
        "reg.",
        "number plate",
        "vrm",
        "vrn",
        "dvla",
        "anpr",
        "driven",
        "parked",
        # the commonest makes on UK roads: "your Ford Focus, MA19 XKT"
        "ford ",
        "vauxhall",
        "volkswagen",
        "vw ",
        "bmw",
        "audi",
        "toyota",
        "nissan",
        "mercedes",
        "peugeot",
        "kia ",
        "hyundai",
        "skoda",
        "renault",
        "citroen",
        "honda",
        "fiat",
        "volvo",
        "land rover",
        "range rover",
    )

    def __init__(self, today: date) -> None:
        self.latest_march = today.year % 100
        """The newest age identifiers this year can have issued: 26 and 76 in 2026."""

    def validate(self, candidate: str) -> bool | None:
        if not _is_current(candidate):
            return None  # prefix or suffix format: the pattern is the whole rule
        if candidate[0] not in _REGION or candidate[1] in "IQZ":
            return False
        age = int(candidate[2:4])
        issued = 2 <= age <= self.latest_march or 51 <= age <= 50 + self.latest_march
        return None if issued else False

    def explain(self, candidate: str, valid: bool | None) -> str:
        compact = self.normalise(candidate)
        if _is_current(compact):
            return "current UK registration format with an issued age identifier"
        if compact[1].isdigit():
            return "prefix UK registration format (1983-2001)"
        return "suffix UK registration format (1963-1983)"


def _is_current(compact: str) -> bool:
    """AB12CDE rather than A123BCD or ABC123D."""
    return len(compact) == 7 and compact[:2].isalpha() and compact[2:4].isdigit()


def create(config: Config) -> UkVehicleRegRecognizer:
    return UkVehicleRegRecognizer(date.today())
