"""DVLA driving licence numbers: the structure must spell a surname, initials and a birth date."""

import pytest

from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.uk_driving_licence import UkDrivingLicenceRecognizer

RECOGNIZER = UkDrivingLicenceRecognizer()
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
            "Her driving licence number is MORGA657054SM9IJ, issue 35.",
            ["MORGA657054SM9IJ"],
        ),
        # a man born 5 July 1964 (month 07); a woman has 50 added (57)
        ("MORGA607054SM9IJ", ["MORGA607054SM9IJ"]),
        # grouped as the card prints it, and followed by the issue number
        ("licence MORGA 657054 SM9IJ", ["MORGA 657054 SM9IJ"]),
        ("licence MORGA657054SM9IJ 35", ["MORGA657054SM9IJ"]),
        # short surnames and missing initials are padded with 9
        ("licence SMI99657054J99IJ", ["SMI99657054J99IJ"]),
        ("licence O9999657054999IJ", ["O9999657054999IJ"]),
        # 29 February in a leap year (1964), but not in 1965
        ("licence MORGA602294SM9IJ", ["MORGA602294SM9IJ"]),
        ("licence MORGA602295SM9IJ", []),
        # months that are neither a man's (01-12) nor a woman's (51-62)
        ("licence MORGA613054SM9IJ", []),
        ("licence MORGA650054SM9IJ", []),
        ("licence MORGA663054SM9IJ", []),
        # days that no month has
        ("licence MORGA657004SM9IJ", []),
        ("licence MORGA657324SM9IJ", []),
        ("licence MORGA604314SM9IJ", []),  # 31 April
        # padding before a letter, or no surname at all
        ("licence MO9GA657054SM9IJ", []),
        ("licence 99999657054SM9IJ", []),
        ("licence MORGA6570549M9IJ", []),  # initials "9M"
        # inside a longer run of letters or digits
        ("ref XMORGA657054SM9IJ", []),
        ("ref MORGA657054SM9IJ5", []),
        # licences are written in capitals; this is not one
        ("licence morga657054sm9ij", []),
        ("", []),
    ],
)
def test_finds_driving_licence_numbers(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_context_raises_the_score() -> None:
    [bare] = RECOGNIZER.analyze("MORGA657054SM9IJ", TextContext())
    [with_context] = RECOGNIZER.analyze("DVLA licence MORGA657054SM9IJ", TextContext())
    assert MIN_SCORE <= bare.score < with_context.score <= 1.0


def test_explanation_names_the_structure() -> None:
    [match] = RECOGNIZER.analyze("MORGA657054SM9IJ", TextContext())
    assert match.type is FindingType.UK_DRIVING_LICENCE
    assert "date of birth" in match.explanation
