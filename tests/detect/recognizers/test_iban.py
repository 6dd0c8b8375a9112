"""IBANs: any country's, found only with valid mod 97 check digits.

The numbers are the published examples of each country's format.
"""

import pytest

from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.iban import IbanRecognizer

RECOGNIZER = IbanRecognizer()
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
            "Please send the deposit to IBAN GB82 WEST 1234 5698 7654 32, BIC NWBKGB2L.",
            ["GB82 WEST 1234 5698 7654 32"],
        ),
        ("GB82WEST12345698765432", ["GB82WEST12345698765432"]),
        # other countries, other lengths, letters inside the account part
        ("DE89 3704 0044 0532 0130 00", ["DE89 3704 0044 0532 0130 00"]),
        ("FR14 2004 1010 0505 0001 3M02 606", ["FR14 2004 1010 0505 0001 3M02 606"]),
        ("NL91ABNA0417164300", ["NL91ABNA0417164300"]),
        ("NO93 8601 1117 947", ["NO93 8601 1117 947"]),
        # a short upper-case word after the IBAN is not part of it
        ("ES91 2100 0418 4502 0005 1332 FOR the rent", ["ES91 2100 0418 4502 0005 1332"]),
        ("IBAN GB82 WEST 1234 5698 7654 32 BIC NWBKGB2L", ["GB82 WEST 1234 5698 7654 32"]),
        # the right shape with wrong check digits
        ("IBAN GB82 WEST 1234 5698 7654 33", []),
        ("IBAN GB83 WEST 1234 5698 7654 32", []),
        # valid mod 97 but the wrong length for the country
        ("IBAN GB88 WEST 1234 5698 7654 3", []),
        # groups that are not fours are not how IBANs are written
        ("IBAN GB82 WES T123 4569 8765 432", []),
        # inside a longer run of letters or digits
        ("ref XGB82WEST12345698765432", []),
        ("ref GB82WEST123456987654321", []),
        ("", []),
    ],
)
def test_finds_valid_ibans_only(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_a_valid_iban_scores_high_and_context_cannot_exceed_one() -> None:
    [bare] = RECOGNIZER.analyze("GB82 WEST 1234 5698 7654 32", TextContext())
    [with_context] = RECOGNIZER.analyze("IBAN: GB82 WEST 1234 5698 7654 32", TextContext())
    assert 0.9 <= bare.score < with_context.score <= 1.0


def test_explanation_names_the_country_and_the_check() -> None:
    [match] = RECOGNIZER.analyze("DE89 3704 0044 0532 0130 00", TextContext())
    assert match.type is FindingType.IBAN
    assert match.explanation == "DE IBAN with valid mod 97 check digits"
