"""UK phone numbers: allocated ranges as phonenumbers knows them, and Ofcom's drama ranges."""

import pytest

from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.uk_phone import UkPhoneRecognizer

RECOGNIZER = UkPhoneRecognizer()
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
            "Mum said to ring her on 07911 123456 after 3pm, or the office on 0113 222 0123.",
            ["07911 123456", "0113 222 0123"],
        ),
        # the span is exactly what was written, international forms included
        ("Direct line: +44 (0)20 7123 4567.", ["+44 (0)20 7123 4567"]),
        ("mobile +44 7911 123456", ["+44 7911 123456"]),
        ("07911-123-456", ["07911-123-456"]),
        ("(0161) 222 0000", ["(0161) 222 0000"]),
        ("ring 0113 222 0123 ext. 12", ["0113 222 0123 ext. 12"]),
        # Ofcom's drama ranges count, though none is allocated to anyone
        ("Call 07700 900123 or 01632 960123.", ["07700 900123", "01632 960123"]),
        ("London office: 020 7946 0958", ["020 7946 0958"]),
        ("Freephone 0808 157 0192", ["0808 157 0192"]),
        # the right shape in a range that is not allocated
        ("call 0411 123 4567 now", []),  # 04 is unused
        ("call 07611 123456 now", []),
        # a digit too many or too few
        ("call 07911 1234567", []),
        ("call 07700 9001234", []),
        ("call 0791 112345", []),
        # another country's number is not a UK phone number
        ("US office +1 415 555 2671", []),
        ("Dublin +353 1 234 5678", []),
        # inside a longer run of letters or digits
        ("ref ABC07911123456", []),
        ("ref abc07700900123", []),
        ("Order 4407911123456789 shipped", []),
        # other identifiers are not phone numbers
        ("NHS number 485 777 3457", []),
        ("card 4111 1111 1111 1111", []),
        ("", []),
    ],
)
def test_finds_uk_phone_numbers(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_context_raises_the_score() -> None:
    [bare] = RECOGNIZER.analyze("07911 123456", TextContext())
    [with_context] = RECOGNIZER.analyze("her mobile is 07911 123456", TextContext())
    assert MIN_SCORE <= bare.score < with_context.score <= 1.0


@pytest.mark.parametrize(
    ("text", "explanation"),
    [
        ("07911 123456", "UK mobile number in an allocated range"),
        ("0113 222 0123", "UK landline number in an allocated range"),
        (
            "07700 900123",
            "UK mobile number in an Ofcom drama range (fictional, allocated to nobody)",
        ),
        (
            "020 7946 0958",
            "UK landline number in an Ofcom drama range (fictional, allocated to nobody)",
        ),
    ],
)
def test_explains_the_kind_of_number_and_marks_drama_numbers(text: str, explanation: str) -> None:
    [match] = RECOGNIZER.analyze(text, TextContext())
    assert match.type is FindingType.UK_PHONE
    assert match.explanation == explanation
