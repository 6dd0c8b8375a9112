"""Protective markings: UK security classifications and legacy markings, by word and by place."""

import pytest

from mailwarden.config import Config
from mailwarden.detect.engine import Addressing, Detector
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.protective_marking import ProtectiveMarkingRecognizer, create
from mailwarden.extract.base import Segment
from mailwarden.message.model import Message

RECOGNIZER = ProtectiveMarkingRecognizer()
REPORTED = Config().detect.min_score


def markings(text: str, location: str = "body") -> list[tuple[str, str, float]]:
    return [
        (text[m.start : m.end], m.category, m.score)
        for m in RECOGNIZER.analyze(text, TextContext(location))
    ]


def test_seed_case_a_marked_police_email_and_its_subject() -> None:
    detector = Detector([RECOGNIZER])
    segments = [
        Segment("OFFICIAL-SENSITIVE: Incident at Greenfield Academy", "header:subject"),
        Segment("OFFICIAL-SENSITIVE [PERSONAL]\n\nDear Ms Patel,\n...", "body"),
    ]
    findings = detector.detect(segments, Message(), Addressing(frozenset(), False))
    assert [(f.location, f.text, f.category) for f in findings] == [
        ("header:subject", "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"),
        ("body", "OFFICIAL-SENSITIVE [PERSONAL]", "OFFICIAL-SENSITIVE"),
    ]
    assert findings[1].explanation == (
        "UK security classification OFFICIAL-SENSITIVE, descriptor PERSONAL"
    )


@pytest.mark.parametrize(
    ("text", "marking", "level"),
    [
        ("OFFICIAL SENSITIVE", "OFFICIAL SENSITIVE", "OFFICIAL-SENSITIVE"),
        ("OFFICIAL–SENSITIVE", "OFFICIAL–SENSITIVE", "OFFICIAL-SENSITIVE"),
        ("OFFICIAL - SENSITIVE", "OFFICIAL - SENSITIVE", "OFFICIAL-SENSITIVE"),
        ("OFFICIAL-SENSITIVE LOCSEN", "OFFICIAL-SENSITIVE LOCSEN", "OFFICIAL-SENSITIVE"),
        ("The attached is OFFICIAL-SENSITIVE.", "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"),
        ("Classification: SECRET", "SECRET", "SECRET"),
        ("TOP SECRET UK EYES ONLY", "TOP SECRET UK EYES ONLY", "TOP SECRET"),
        ("Re: [SECRET] the plan", "SECRET", "SECRET"),
        ("RESTRICTED - Staff list", "RESTRICTED", "RESTRICTED"),
        ("\n   PROTECT\n", "PROTECT", "PROTECT"),
        ("Report\nCONFIDENTIAL\nPage 1", "CONFIDENTIAL", "CONFIDENTIAL"),
        ("OFFICIAL [PERSONAL]", "OFFICIAL [PERSONAL]", "OFFICIAL"),
    ],
)
def test_markings_are_reported_with_their_level(text: str, marking: str, level: str) -> None:
    [(found, category, score)] = markings(text)
    assert (found, category) == (marking, level)
    assert score >= 0.6


@pytest.mark.parametrize(
    "text",
    [
        "Please keep it a secret.",
        "Restricted access to the car park.",
        "The SECRETARY of State wrote back.",
        "This email is CONFIDENTIAL and intended for the addressee.",
        "the OFFICIAL record shows",
        "UNOFFICIAL-SENSITIVE",
        "OFFICIALS",
        "",
    ],
)
def test_words_that_are_not_markings_are_not_reported(text: str) -> None:
    assert markings(text) == []


@pytest.mark.parametrize(
    ("text", "marking"),
    [
        # the baseline tier that most government mail carries
        ("OFFICIAL", "OFFICIAL"),
        ("Kind regards\n\nOFFICIAL\n", "OFFICIAL"),
        ("OFFICIAL: Meeting notes", "OFFICIAL"),
        # shouting, not marking
        ("THIS IS TOP SECRET STUFF", "TOP SECRET"),
        # how e-mail disclaimers begin
        ("CONFIDENTIAL: This email is intended only for the addressee.", "CONFIDENTIAL"),
    ],
)
def test_weak_markings_are_kept_below_the_report_threshold(text: str, marking: str) -> None:
    [(found, _, score)] = markings(text)
    assert found == marking
    assert score < REPORTED


def test_position_raises_the_score_of_secret() -> None:
    [(_, _, banner)] = markings("SECRET\n\nThe plan is attached.")
    [(_, _, prose)] = markings("This file is SECRET and must not leave the building.")
    assert REPORTED <= prose < banner


def test_title_case_official_sensitive_counts_a_little_less() -> None:
    [(_, level, score)] = markings("Official-Sensitive", "header:subject")
    assert level == "OFFICIAL-SENSITIVE"
    assert REPORTED <= score < 0.9


def test_legacy_markings_are_explained_as_legacy() -> None:
    [match] = RECOGNIZER.analyze("RESTRICTED", TextContext())
    assert match.type is FindingType.PROTECTIVE_MARKING
    assert match.explanation == "legacy protective marking RESTRICTED (before 2014)"


def test_create_builds_the_recognizer() -> None:
    recognizer = create(Config())
    assert recognizer.name == "protective_marking"
    assert recognizer.description
