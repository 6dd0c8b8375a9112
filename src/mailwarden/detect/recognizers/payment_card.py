"""Payment card number (PAN): 13 to 19 digits, a Luhn check digit, a known card scheme.

Two checks, both real: the last digit is the Luhn check digit (ISO/IEC 7812,
via python-stdnum), and the leading digits (the IIN) and the length belong to
a scheme that issues cards of that length. Digits are written together or
grouped as cards print them (4-4-4-4, 4-4-4-4-3, Amex's 4-6-5, Diners' 4-6-4),
with spaces or hyphens.
"""

from __future__ import annotations

from typing import ClassVar

from stdnum import luhn

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import Pattern, PatternRecognizer

_SCHEMES: tuple[tuple[str, tuple[tuple[int, int], ...], range], ...] = (
    # name, IIN ranges (inclusive, compared on as many leading digits), card lengths
    ("Visa", ((4, 4),), range(13, 20, 3)),
    ("Mastercard", ((51, 55), (2221, 2720)), range(16, 17)),
    ("American Express", ((34, 34), (37, 37)), range(15, 16)),
    ("Diners Club", ((300, 305), (36, 36), (38, 39)), range(14, 20)),
    ("Discover", ((6011, 6011), (644, 649), (65, 65)), range(16, 20)),
    ("JCB", ((3528, 3589),), range(16, 20)),
    ("UnionPay", ((62, 62), (81, 81)), range(16, 20)),
    ("Mir", ((2200, 2204),), range(16, 20)),
    ("Maestro", ((50, 50), (56, 58), (63, 63), (67, 67)), range(13, 20)),
)
_START = r"(?<![\d-])(?<!\d[ -])"
_END = r"(?![\d-]|[ -]\d{4})"
"""Not inside a longer run of digits or of digit groups; a short number may follow (12/26)."""


def scheme_of(number: str) -> str | None:
    """The card scheme whose IIN ranges and lengths include this run of digits."""
    for scheme, ranges, lengths in _SCHEMES:
        if len(number) in lengths and any(
            low <= int(number[: len(str(low))]) <= high for low, high in ranges
        ):
            return scheme
    return None


class PaymentCardRecognizer(PatternRecognizer):
    name = "payment_card"
    description = "Payment card numbers with a valid Luhn check digit and a known card scheme."
    finding_type = FindingType.PAYMENT_CARD
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("card digits", rf"{_START}(\d{{13,19}}){_END}", 0.4),
        Pattern("card 4-4-4-4", rf"{_START}(\d{{4}}([ -])\d{{4}}\2\d{{4}}\2\d{{4}}){_END}", 0.4),
        Pattern("card 4-4-4-4-3", rf"{_START}(\d{{4}}([ -])(?:\d{{4}}\2){{3}}\d{{3}}){_END}", 0.4),
        Pattern("card 4-6-5", rf"{_START}(\d{{4}}([ -])\d{{6}}\2\d{{5}}){_END}", 0.4),
        Pattern("card 4-6-4", rf"{_START}(\d{{4}}([ -])\d{{6}}\2\d{{4}}){_END}", 0.4),
    )
    context_words = ("card", "visa", "mastercard", "amex", "credit", "debit", "expiry", "cvv")

    def validate(self, candidate: str) -> bool:
        return candidate.isdigit() and scheme_of(candidate) is not None and luhn.is_valid(candidate)

    def explain(self, candidate: str, valid: bool | None) -> str:
        return f"{scheme_of(self.normalise(candidate))} card number with a valid Luhn check digit"


def create(config: Config) -> PaymentCardRecognizer:
    return PaymentCardRecognizer()
