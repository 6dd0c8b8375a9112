"""PNC IDs: found only with a valid modulus 23 check letter.

The valid IDs are the published examples of the Ministry of Justice's
validator (hmpps-person-record), so the rule is checked against a source
other than this code.
"""

import pytest

from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.pnc_id import PncIdRecognizer, check_letter

RECOGNIZER = PncIdRecognizer()
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
            "He was arrested on Friday; his PNC ID is 02/73319Z and he is in custody.",
            ["02/73319Z"],
        ),
        ("79/163001B", ["79/163001B"]),
        ("00/223R and 81/34U", ["00/223R", "81/34U"]),
        # the long form, four-digit year and zero-padded serial
        ("PNC 2008/0056560Z", ["2008/0056560Z"]),
        ("PNC 1981/0154257C", ["1981/0154257C"]),
        # the right shape with a wrong check letter
        ("PNC 02/73319A", []),
        ("PNC 2001/0171310S", []),  # S is never a check letter
        ("PNC 2008/0056561Z", []),
        # a four-digit year must be a year
        ("PNC 3008/0056560Z", []),
        # inside a longer run of letters, digits or slashes
        ("ref 102/73319Z", []),
        ("ref 02/73319ZA", []),
        ("ref 12/02/73319Z", []),
        ("ref 02/12345678Z", []),
        ("", []),
    ],
)
def test_finds_pnc_ids_with_a_valid_check_letter(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("year", "serial", "letter"),
    [
        ("02", "73319", "Z"),
        ("79", "163001", "B"),
        ("03", "0011985", "X"),
        ("12", "0052494", "Q"),
        ("23", "0583843", "L"),
        ("01", "0171310", "W"),
        ("11", "0275516", "Q"),
        ("03", "0062845", "E"),
        ("03", "3", "Y"),
    ],
)
def test_check_letter_matches_the_ministry_of_justice_examples(
    year: str, serial: str, letter: str
) -> None:
    assert check_letter(year, serial) == letter


def test_context_raises_a_valid_id_to_the_top() -> None:
    [bare] = RECOGNIZER.analyze("02/73319Z", TextContext())
    [with_context] = RECOGNIZER.analyze("PNC: 02/73319Z", TextContext())
    assert 0.9 <= bare.score < with_context.score <= 1.0


def test_reports_its_type_and_check() -> None:
    [match] = RECOGNIZER.analyze("02/73319Z", TextContext())
    assert match.type is FindingType.PNC_ID
    assert "modulus 23" in match.explanation
