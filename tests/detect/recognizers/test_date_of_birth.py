"""Dates of birth: a labelled real date, the age it gives, and a CHILD when under 18."""

from datetime import UTC, date, datetime

import pytest

from mailwarden.config import Config
from mailwarden.detect.engine import Addressing, Detector
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.date_of_birth import DateOfBirthRecognizer, create
from mailwarden.extract.base import Segment
from mailwarden.message.model import Message

RECOGNIZER = DateOfBirthRecognizer()
REPORTED = Config().detect.min_score
WRITTEN = datetime(2024, 11, 20, 9, 30, tzinfo=UTC)
CONTEXT = TextContext("body", WRITTEN)


def dates_of_birth(text: str) -> list[str]:
    """The text of each date of birth the default threshold reports."""
    return [
        text[m.start : m.end]
        for m in RECOGNIZER.analyze(text, CONTEXT)
        if m.type is FindingType.DATE_OF_BIRTH and m.score >= REPORTED
    ]


def test_seed_case_a_pupil_record_pasted_into_an_email() -> None:
    text = "Pupil: Amy Jones (Year 6)\nDOB: 03/04/2013\nSchool: Hillside Primary"
    dob, child = RECOGNIZER.analyze(text, CONTEXT)
    assert (dob.type, text[dob.start : dob.end]) == (FindingType.DATE_OF_BIRTH, "03/04/2013")
    assert dob.explanation == "date of birth ('DOB'): aged 11 at the time of the message"
    assert (child.type, child.start, child.end) == (FindingType.CHILD, dob.start, dob.end)
    assert child.explanation == "born 03/04/2013: aged 11 at the time of the message"
    assert child.category == "age"
    assert dob.score >= 0.6 and child.score >= 0.6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DOB 03/04/2013", ["03/04/2013"]),
        ("D.O.B. 3.4.2013", ["3.4.2013"]),
        ("DoB: 3-4-2013", ["3-4-2013"]),
        ("date of birth 3 April 2013", ["3 April 2013"]),
        ("born on 3rd Apr 2013", ["3rd Apr 2013"]),
        ("Date of Birth: 2013-04-03", ["2013-04-03"]),
        ("She was born in Leeds on 3rd of April 2013.", ["3rd of April 2013"]),
        ("The date of birth of the child is 03/04/2013.", ["03/04/2013"]),
        ("Amy Jones, 03/04/2013 (DOB), Year 6", ["03/04/2013"]),
        ("DOB 03/04/13", ["03/04/13"]),
        ("born April 3, 2013", ["April 3, 2013"]),
        ("DOB:\n03/04/2013", ["03/04/2013"]),
        ("DOB 12/03/1988 and 04/05/2019", ["12/03/1988"]),
        # dates that do not exist, or lie after the message, are no one's birthday
        ("DOB 31/02/2013", []),
        ("DOB 29/02/2013", []),
        ("DOB 29/02/2012", ["29/02/2012"]),
        ("DOB 01/01/2030", []),
        ("DOB 13/13/2013", []),
        # inside longer numbers
        ("DOB ref 103/04/2013", []),
        ("DOB 03/04/2013/7", []),
    ],
)
def test_finds_labelled_dates_of_birth(text: str, expected: list[str]) -> None:
    assert dates_of_birth(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The meeting is on 03/04/2024.",
        "Incident date: 3 April 2024",
        "He was born in 1990. The hearing is on 03/04/2024.",
        "Born in Leeds, she moved to York; on 03/04/2013 she started work.",
    ],
)
def test_a_date_without_birth_context_is_not_a_date_of_birth(text: str) -> None:
    [match] = RECOGNIZER.analyze(text, CONTEXT)
    assert match.type is FindingType.DATE_OF_BIRTH
    assert match.score < REPORTED


def test_adults_are_not_children() -> None:
    [dob] = RECOGNIZER.analyze("born 12 May 1980", CONTEXT)
    assert dob.explanation == "date of birth ('born'): aged 44 at the time of the message"


@pytest.mark.parametrize(
    ("born", "child"),
    [
        ("20/11/2006", False),  # 18th birthday on the day of the message
        ("21/11/2006", True),  # one day short of 18
        ("01/09/2024", True),
    ],
)
def test_a_child_is_under_18_on_the_day_of_the_message(born: str, child: bool) -> None:
    types = [m.type for m in RECOGNIZER.analyze(f"DOB {born}", CONTEXT)]
    assert (FindingType.CHILD in types) is child


def test_a_baby_is_under_a_year_old() -> None:
    _, child = RECOGNIZER.analyze("DOB 01/09/2024", CONTEXT)
    assert child.explanation == "born 01/09/2024: under a year old at the time of the message"


def test_without_a_message_date_the_age_is_today() -> None:
    [dob] = RECOGNIZER.analyze("DOB 01/01/1970", TextContext())
    today = date.today()
    age = today.year - 1970
    assert dob.explanation == f"date of birth ('DOB'): aged {age} today"


def test_the_engine_keeps_both_the_date_of_birth_and_the_child() -> None:
    detector = Detector([RECOGNIZER])
    segment = Segment("Child's DOB is 03/04/2013, please update.", "body")
    findings = detector.detect([segment], Message(date=WRITTEN), Addressing(frozenset(), False))
    assert [(f.type, f.text) for f in findings] == [
        (FindingType.DATE_OF_BIRTH, "03/04/2013"),
        (FindingType.CHILD, "03/04/2013"),
    ]


def test_create_builds_the_recognizer() -> None:
    recognizer = create(Config())
    assert recognizer.name == "date_of_birth"
    assert recognizer.description
