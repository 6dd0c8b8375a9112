"""UK passport numbers: nine digits, reported only where a passport is mentioned."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.uk_passport import UkPassportRecognizer

RECOGNIZER = UkPassportRecognizer()
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
            "For the trip I need her passport number: it is 925076473, expiring 2031.",
            ["925076473"],
        ),
        ("Passport no. 107185703", ["107185703"]),
        ("HMPO ref 532887645 for the renewal", ["532887645"]),
        # the older formats, with context
        ("old passport number C123456", ["C123456"]),
        ("old passport number 123456C", ["123456C"]),
        # nine digits without a passport nearby are any number at all
        ("Invoice 925076473 is overdue.", []),
        ("Order C123456 has shipped.", []),
        # no check digit, so there is no wrong-check case; wrong lengths are not passports
        ("passport 92507647", []),
        ("passport 9250764731", []),
        # inside a longer run of letters, digits or a formatted number
        ("passport ref X925076473", []),
        ("passport ref 925076473X", []),
        ("passport fee 925076473.50", []),
        ("passport ref 12/925076473", []),
        ("", []),
    ],
)
def test_finds_passport_numbers_with_context(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@given(st.from_regex(r"\d{9}", fullmatch=True))
def test_no_nine_digit_number_is_reported_without_context(number: str) -> None:
    assert found(f"Please quote reference {number} when you reply.") == []


def test_only_context_lifts_nine_digits_over_the_threshold() -> None:
    [bare] = RECOGNIZER.analyze("925076473", TextContext())
    [with_context] = RECOGNIZER.analyze("passport 925076473", TextContext())
    assert bare.score == pytest.approx(0.3)
    assert with_context.score >= 0.6


def test_explanation_says_there_is_no_check_digit() -> None:
    [match] = RECOGNIZER.analyze("passport 925076473", TextContext())
    assert match.type is FindingType.UK_PASSPORT
    assert "no check digit" in match.explanation
