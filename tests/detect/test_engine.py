"""The detect engine places matches, resolves overlaps, and leaves addressing alone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from mailwarden.detect import Detector, FindingType, Match, TextContext, addressing_of
from mailwarden.extract import Segment
from mailwarden.message import parse_message


class WordRecognizer:
    """Finds fixed words as a given type: a plain recognizer for exercising the engine."""

    description = "test words"

    def __init__(self, name: str, kind: FindingType, words: dict[str, float]) -> None:
        self.name = name
        self.finding_type = kind
        self.words = words

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        for word, score in self.words.items():
            for found in re.finditer(re.escape(word), text):
                yield Match(self.finding_type, found.start(), found.end(), score, "listed")


MESSAGE = parse_message(
    b'From: "Jane Holloway" <j.holloway@example.police.uk>\r\n'
    b'To: "Raj Patel" <r.patel@gmail.com>\r\n\r\nx'
)
ADDRESSING = addressing_of(MESSAGE, ["example.police.uk"])


def detect(detector: Detector, *segments: Segment) -> list[tuple[str, str, str]]:
    return [
        (f.type.value, f.text, f.location)
        for f in detector.detect(list(segments), MESSAGE, ADDRESSING)
    ]


def test_names_from_the_headers_and_the_internal_sign_off_are_not_content() -> None:
    people = WordRecognizer(
        "people", FindingType.PERSON, {"Raj Patel": 0.8, "Ellie Marsh": 0.8, "Jane Holloway": 0.8}
    )
    body = (
        "Dear Raj Patel,\nEllie Marsh was named in the report.\n\n"
        "Kind regards\nJane Holloway\nExample Police"
    )
    assert detect(Detector([people]), Segment(body, "body")) == [("PERSON", "Ellie Marsh", "body")]


def test_a_sign_off_from_outside_the_organisation_is_still_content() -> None:
    people = WordRecognizer("people", FindingType.PERSON, {"Ellie Marsh": 0.8})
    outside = parse_message(b"From: someone@gmail.com\r\nTo: x@example.police.uk\r\n\r\nx")
    findings = Detector([people]).detect(
        [Segment("Thanks\nEllie Marsh", "body")], outside, addressing_of(outside, [])
    )
    assert [f.text for f in findings] == ["Ellie Marsh"]


def test_overlapping_identifiers_keep_the_likelier_and_phrases_coexist() -> None:
    phone = WordRecognizer("phone", FindingType.UK_PHONE, {"4857773457": 0.6})
    nhs = WordRecognizer("nhs", FindingType.UK_NHS, {"4857773457": 0.95})
    child = WordRecognizer("child", FindingType.CHILD, {"Year 7": 0.8})
    year = WordRecognizer("year", FindingType.SPECIAL_CATEGORY, {"Year 7 pupil": 0.7})
    found = detect(
        Detector([phone, nhs, child, year], min_score=0.5),
        Segment("NHS 4857773457 for a Year 7 pupil", "attachment:report.docx"),
    )
    assert ("UK_NHS", "4857773457", "attachment:report.docx") in found
    assert all(kind != "UK_PHONE" for kind, _, _ in found)
    assert ("CHILD", "Year 7", "attachment:report.docx") in found
    assert ("SPECIAL_CATEGORY", "Year 7 pupil", "attachment:report.docx") in found


def test_person_inside_an_email_address_is_dropped() -> None:
    email = WordRecognizer("email", FindingType.EMAIL_ADDRESS, {"ellie.marsh@school.org": 0.9})
    person = WordRecognizer("person", FindingType.PERSON, {"ellie.marsh": 0.7})
    assert detect(
        Detector([email, person]), Segment("write to ellie.marsh@school.org", "body")
    ) == [("EMAIL_ADDRESS", "ellie.marsh@school.org", "body")]


def test_scores_below_the_threshold_are_dropped_and_repeats_reported_once() -> None:
    weak = WordRecognizer("weak", FindingType.UK_PASSPORT, {"123456789": 0.3})
    strong = WordRecognizer("strong", FindingType.UK_POSTCODE, {"M1 1AE": 0.9})
    text = "123456789 M1 1AE and again M1 1AE"
    assert detect(Detector([weak, strong]), Segment(text, "body"), Segment(text, "body")) == [
        ("UK_POSTCODE", "M1 1AE", "body")
    ]


def test_recognizer_names_must_be_unique() -> None:
    one = WordRecognizer("same", FindingType.PERSON, {})
    with pytest.raises(ValueError, match="unique"):
        Detector([one, one])


def test_the_internal_sign_off_keeps_the_offices_phone_out_but_not_a_marking() -> None:
    phone = WordRecognizer("phone", FindingType.UK_PHONE, {"0161 496 0000": 0.9})
    marking = WordRecognizer("marking", FindingType.PROTECTIVE_MARKING, {"OFFICIAL-SENSITIVE": 1})
    body = (
        "Call the victim's mother on 0161 496 0000.\n"
        "Thanks for your patience while we look into it.\n\n"
        "Kind regards,\nJane Holloway\nTel: 0161 496 0000\nOFFICIAL-SENSITIVE"
    )
    findings = Detector([phone, marking]).detect([Segment(body, "body")], MESSAGE, ADDRESSING)
    assert [(f.type.value, f.start) for f in findings] == [
        ("UK_PHONE", body.index("0161")),
        ("PROTECTIVE_MARKING", body.index("OFFICIAL-SENSITIVE")),
    ]


def test_staff_named_in_the_config_are_not_reported_but_a_pupil_sharing_a_first_name_is() -> None:
    people = WordRecognizer(
        "people",
        FindingType.PERSON,
        {"Ms Whitfield": 0.8, "Sarah Whitfield": 0.8, "Sarah": 0.8, "Ellie Marsh": 0.8},
    )
    staffed = addressing_of(MESSAGE, ["example.police.uk"], ["Sarah Whitfield"])
    body = "Ms Whitfield met Ellie Marsh. Sarah Whitfield will write. Sarah (Year 7) attended."
    findings = Detector([people]).detect([Segment(body, "body")], MESSAGE, staffed)
    assert [f.text for f in findings] == ["Ellie Marsh", "Sarah"]
