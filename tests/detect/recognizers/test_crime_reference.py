"""Crime references: whatever formats the force configures, the defaults included."""

import pytest

from mailwarden.config import Config, config_from_dict
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.crime_reference import CrimeReferenceRecognizer, create

RECOGNIZER = create(Config())
MIN_SCORE = 0.5


def found(text: str, recognizer: CrimeReferenceRecognizer = RECOGNIZER) -> list[str]:
    """What the detector would report at the default minimum score."""
    return [
        text[m.start : m.end]
        for m in recognizer.analyze(text, TextContext())
        if m.score >= MIN_SCORE
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Crime reference WY/24/123456 relates to the burglary at her address.",
            ["WY/24/123456"],
        ),
        # each default format
        ("Logged as CRIM 24/1234567 yesterday.", ["CRIM 24/1234567"]),
        ("Logged as CR24/12345 yesterday.", ["CR24/12345"]),
        ("Incident 24/123456/01 was closed.", ["24/123456/01"]),
        # no check character, so no wrong-check case; the wrong lengths are not references
        ("Crime reference WY/24/123", []),
        ("Crime reference WY/24/1234567", []),
        ("Logged as CRIM 24/123", []),
        # inside a longer run of letters or digits
        ("ref XWY/24/123456", []),
        ("ref WY/24/1234567", []),
        ("ref 124/123456/01", []),
        # lower case is not the default formats' shape
        ("crime reference wy/24/123456", []),
        ("", []),
    ],
)
def test_finds_references_in_the_default_formats(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_the_recognizer_uses_the_formats_in_the_config() -> None:
    config = config_from_dict({"detect": {"crime_reference": {"formats": [r"\bOCC-\d{8}\b"]}}})
    recognizer = create(config)
    assert found("Occurrence OCC-12345678 was updated.", recognizer) == ["OCC-12345678"]
    assert found("Crime reference WY/24/123456", recognizer) == []


def test_a_capturing_group_reports_only_that_group() -> None:
    recognizer = CrimeReferenceRecognizer([r"\bINC-(\d{6})\b"])
    assert found("see INC-123456 now", recognizer) == ["123456"]


def test_without_formats_it_finds_nothing() -> None:
    assert found("Crime reference WY/24/123456", CrimeReferenceRecognizer([])) == []


def test_a_match_scores_high_and_context_raises_it() -> None:
    [bare] = RECOGNIZER.analyze("WY/24/123456", TextContext())
    [with_context] = RECOGNIZER.analyze("crime WY/24/123456", TextContext())
    assert bare.score == pytest.approx(0.8)
    assert bare.score < with_context.score <= 1.0


def test_explanation_names_the_format_that_matched() -> None:
    [match] = RECOGNIZER.analyze("Incident 24/123456/01", TextContext())
    assert match.type is FindingType.CRIME_REFERENCE
    assert match.explanation == "a crime reference in format 3 of detect.crime_reference.formats"
