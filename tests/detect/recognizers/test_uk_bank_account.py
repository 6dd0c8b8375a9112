"""UK bank accounts: a sort code and an 8-digit account number within 40 characters."""

import pytest

from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.uk_bank_account import UkBankAccountRecognizer

RECOGNIZER = UkBankAccountRecognizer()
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
            "Please pay the refund into sort code 20-00-00, account number 12345678 by Friday.",
            ["20-00-00, account number 12345678"],
        ),
        # either order, either separator, across a line break
        ("Account 12345678, sort code 20 00 00.", ["12345678, sort code 20 00 00"]),
        ("Sort code: 40-11-62\nAccount no: 87654321", ["40-11-62\nAccount no: 87654321"]),
        ("20-00-00 12345678", ["20-00-00 12345678"]),
        # six plain digits are a sort code only when a bank word is near
        ("sort code 200000 a/c 12345678", ["200000 a/c 12345678"]),
        ("Order 200000, item 12345678", []),
        # one without the other is not an account
        ("sort code 20-00-00", []),
        ("account number 12345678", []),
        # too far apart, or another number between them
        (
            "sort code 20-00-00, and then some forty-odd characters later: 12345678",
            [],
        ),
        ("sort code 20-00-00, ref 99, account 12345678", []),
        ("sort code 20-00-00" + "." * 40 + "12345678", ["20-00-00" + "." * 40 + "12345678"]),
        ("sort code 20-00-00" + "." * 41 + "12345678", []),
        # mixed separators are not a sort code
        ("sort code 20-00 00 account 12345678", []),
        # inside a longer run of digits
        ("sort code 120-00-00 account 12345678", []),
        ("sort code 20-00-00 account 123456789", []),
        ("sort code 20-00-001 account 12345678", []),
        ("", []),
    ],
)
def test_finds_sort_code_and_account_pairs(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_context_raises_the_score() -> None:
    [bare] = RECOGNIZER.analyze("20-00-00 12345678", TextContext())
    [with_context] = RECOGNIZER.analyze("bank details: 20-00-00 12345678", TextContext())
    assert MIN_SCORE <= bare.score < with_context.score <= 1.0


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("sort code 20-00-00 account 12345678", "sort code (NN-NN-NN) before an 8-digit account"),
        ("account 12345678 sort code 20 00 00", "sort code (NN NN NN) after an 8-digit account"),
        ("sort code 200000 account 12345678", "sort code (NNNNNN) before an 8-digit account"),
    ],
)
def test_explanation_names_the_shape_and_says_there_is_no_modulus_check(
    text: str, shape: str
) -> None:
    [match] = RECOGNIZER.analyze(text, TextContext())
    assert match.type is FindingType.UK_BANK_ACCOUNT
    assert match.explanation.startswith(shape)
    assert "no public modulus check" in match.explanation
