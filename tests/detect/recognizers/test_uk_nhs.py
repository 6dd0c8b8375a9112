"""NHS numbers: found only with a valid modulus 11 check digit."""

import pytest

from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.uk_nhs import UkNhsRecognizer

RECOGNIZER = UkNhsRecognizer()


def found(text: str) -> list[tuple[str, float]]:
    return [(text[m.start : m.end], m.score) for m in RECOGNIZER.analyze(text, TextContext())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Patient NHS number 485 777 3457, seen on Monday.", ["485 777 3457"]),
        ("NHS no: 485-777-3457", ["485-777-3457"]),
        ("4857773457", ["4857773457"]),
        ("His NHS number is 943 476 5919 and hers 485 777 3457.", ["943 476 5919", "485 777 3457"]),
        # the right shape with a wrong check digit is not an NHS number
        ("NHS number 485 777 3458", []),
        # inside a longer run of digits
        ("Order 14857773457 shipped", []),
        ("ref 4857773457-2", []),
        ("", []),
    ],
)
def test_finds_valid_nhs_numbers_only(text: str, expected: list[str]) -> None:
    assert [t for t, _ in found(text)] == expected


def test_valid_number_scores_high_and_context_cannot_exceed_one() -> None:
    [(_, bare)] = found("4857773457")
    [(_, with_context)] = found("NHS number: 4857773457")
    assert 0.9 <= bare <= with_context <= 1.0


def test_reports_its_type_and_check() -> None:
    [match] = RECOGNIZER.analyze("485 777 3457", TextContext())
    assert match.type is FindingType.UK_NHS
    assert "modulus 11" in match.explanation
