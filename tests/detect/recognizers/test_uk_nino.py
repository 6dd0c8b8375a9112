"""National Insurance numbers: found when the prefix is one HMRC issues."""

import pytest

from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.uk_nino import UkNinoRecognizer

RECOGNIZER = UkNinoRecognizer()
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
            "Her NI number is AB 12 34 56 C, please update payroll.",
            ["AB 12 34 56 C"],
        ),
        ("JG103759A started on Monday.", ["JG103759A"]),
        ("typed in lower case: jg103759a", ["jg103759a"]),
        ("National Insurance: JG 10 37 59", ["JG 10 37 59"]),
        ("Two: AB123456C and CE 65 43 21 D.", ["AB123456C", "CE 65 43 21 D"]),
        # HMRC's specimen is reported, although no one holds it
        ("e.g. QQ 12 34 56 C", ["QQ 12 34 56 C"]),
        # the right shape with a prefix HMRC never issues
        ("NI number DA 12 34 56 C", []),  # D is never a first letter
        ("NI number AO 12 34 56 C", []),  # O is never a second letter
        ("NI number GB 12 34 56 A", []),
        ("NI number ZZ123456B", []),
        ("NI number TN 12 34 56 A", []),
        # a suffix after D is not a NINO suffix
        ("NI number AB123456E", []),
        # inside a longer run of letters or digits
        ("ref XAB123456C", []),
        ("ref AB1234567C", []),
        ("part AB123456C-2", []),
        # without a suffix the shape is too common to report without context
        ("Order AB123456 has shipped.", []),
        ("Ticket AB123456 a day late", []),
        ("", []),
    ],
)
def test_finds_national_insurance_numbers(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_context_raises_the_score() -> None:
    [bare] = RECOGNIZER.analyze("AB 12 34 56 C", TextContext())
    [with_context] = RECOGNIZER.analyze("national insurance number AB 12 34 56 C", TextContext())
    assert 0.5 <= bare.score < with_context.score <= 1.0


def test_explains_and_marks_the_specimen() -> None:
    [real] = RECOGNIZER.analyze("AB 12 34 56 C", TextContext())
    [specimen] = RECOGNIZER.analyze("QQ 12 34 56 C", TextContext())
    assert real.type is FindingType.UK_NINO
    assert "issued prefix" in real.explanation
    assert "specimen" in specimen.explanation
