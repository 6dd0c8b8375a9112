"""Payment card numbers: a Luhn check digit and a card scheme's IIN and length.

The numbers are the schemes' published test cards, which pass both checks.
"""

import pytest

from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.payment_card import PaymentCardRecognizer, scheme_of

RECOGNIZER = PaymentCardRecognizer()
MIN_SCORE = 0.5


def found(text: str) -> list[str]:
    """What the detector would report at the default minimum score."""
    return [
        text[m.start : m.end]
        for m in RECOGNIZER.analyze(text, TextContext())
        if m.score >= MIN_SCORE
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "She paid by card 4111 1111 1111 1111, expiry 12/26, for the trip.",
            ["4111 1111 1111 1111"],
        ),
        # the groupings cards print, with spaces, hyphens or none
        ("5555-5555-5555-4444", ["5555-5555-5555-4444"]),
        ("2223003122003222", ["2223003122003222"]),
        ("Amex 3782 822463 10005", ["3782 822463 10005"]),
        ("Diners 3056 930902 5904", ["3056 930902 5904"]),
        ("Visa 4222222222222", ["4222222222222"]),
        # a short number may follow the card: the expiry or the CVV
        ("4111 1111 1111 1111 12 26", ["4111 1111 1111 1111"]),
        ("4111 1111 1111 1111 123", ["4111 1111 1111 1111"]),
        # the right shape with a wrong check digit
        ("card 4111 1111 1111 1112", []),
        ("card 5555 5555 5555 4445", []),
        # a valid Luhn digit but no scheme issues cards starting 1 or 9
        ("card 1111 1111 1111 1117", []),
        ("card 9111 1111 1111 1110", []),
        # a scheme's prefix with a length it does not issue (Amex is 15 digits)
        ("card 3782 8224 6310 0052", []),
        # separators must be consistent
        ("card 4111-1111 1111-1111", []),
        # inside a longer run of digits or digit groups
        ("ref 41111111111111111111", []),
        ("ref 12 4111 1111 1111 1111", []),
        ("ref 4111 1111 1111 1111 1111", []),
        ("", []),
    ],
)
def test_finds_valid_card_numbers_only(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_a_valid_number_scores_high_and_context_cannot_exceed_one() -> None:
    [bare] = RECOGNIZER.analyze("4111 1111 1111 1111", TextContext())
    [with_context] = RECOGNIZER.analyze("Visa debit card 4111 1111 1111 1111", TextContext())
    assert 0.9 <= bare.score < with_context.score <= 1.0


@pytest.mark.parametrize(
    ("number", "scheme"),
    [
        ("4111111111111111", "Visa"),
        ("5555555555554444", "Mastercard"),
        ("2223003122003222", "Mastercard"),
        ("378282246310005", "American Express"),
        ("30569309025904", "Diners Club"),
        ("6011111111111117", "Discover"),
        ("3530111333300000", "JCB"),
        ("6200000000000005", "UnionPay"),
        ("1111111111111117", None),
        ("37828224631000", None),  # Amex prefix, 14 digits
        ("2721000000000000", None),  # just past Mastercard's 2-series
    ],
)
def test_scheme_is_read_from_the_iin_and_length(number: str, scheme: str | None) -> None:
    assert scheme_of(number) == scheme


def test_explanation_names_the_scheme_and_the_check() -> None:
    [match] = RECOGNIZER.analyze("378282246310005", TextContext())
    assert match.type is FindingType.PAYMENT_CARD
    assert match.explanation == "American Express card number with a valid Luhn check digit"
