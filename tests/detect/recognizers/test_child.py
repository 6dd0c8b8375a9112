"""Children: a person identified as under 18 by age, school year, relationship or role."""

import pytest

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.child import ChildRecognizer, create

RECOGNIZER = ChildRecognizer()
REPORTED = Config().detect.min_score


def reported(text: str) -> list[tuple[str, str]]:
    """(phrase, cue kind) of each match the default threshold reports."""
    return [
        (text[m.start : m.end], m.category)
        for m in RECOGNIZER.analyze(text, TextContext())
        if m.score >= REPORTED
    ]


def test_seed_case_three_children_named_in_a_school_report() -> None:
    text = (
        "The school's report says a Year 7 pupil at Greenfield Academy received a message from "
        "a 12-year-old boy, a student at Hillside Primary. My daughter is friends with both "
        "pupils."
    )
    assert reported(text) == [
        ("Year 7 pupil", "school year"),
        ("12-year-old boy", "age"),
        ("student at Hillside Primary", "role"),
        ("My daughter", "relationship"),
        ("pupils", "role"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # age
        ("a boy aged 12 was seen", [("aged 12", "age")]),
        ("Age: 9", [("Age: 9", "age")]),
        ("the 15 year old", [("15 year old", "age")]),
        ("a twelve-year-old girl", [("twelve-year-old girl", "age")]),
        ("children aged 12 to 15", [("aged 12 to 15", "age")]),
        ("her 6-month-old baby", [("6-month-old baby", "age")]),
        ("a 14yo on a bike", [("14yo", "age")]),
        ("no sales to under 18s", [("under 18s", "age")]),
        ("under the age of 16", [("under the age of 16", "age")]),
        # school year
        ("He is in Year 10.", [("Year 10", "school year")]),
        ("year 11 students", [("year 11 students", "school year")]),
        ("a Y9 student", [("Y9 student", "school year")]),
        ("a P5 pupil in Glasgow", [("P5 pupil", "school year")]),
        ("she starts Reception in September", [("starts Reception", "school year")]),
        # relationship
        ("my son was upset", [("my son", "relationship")]),
        ("her son told her", [("her son", "relationship")]),
        ("their children were present", [("their children", "relationship")]),
        # role
        ("the child disclosed it", [("the child", "role")]),
        ("and mocked a third child", [("a third child", "role")]),
        ("a boy at Hillside Primary School", [("boy at Hillside Primary School", "role")]),
        ("a primary school pupil", [("primary school pupil", "role")]),
        ("a toddler was in the car", [("toddler", "role")]),
        ("the baby was asleep", [("baby", "role")]),
        ("he is a minor.", [("a minor", "role")]),
        ("a looked-after child", [("looked-after child", "role")]),
        ("A juvenile was detained.", [("A juvenile", "role")]),
        ("two schoolgirls", [("schoolgirls", "role")]),
    ],
)
def test_finds_each_kind_of_cue(text: str, expected: list[tuple[str, str]]) -> None:
    assert reported(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a man aged 34",
        "Age: 18",
        "people aged 16 to 24",
        "a 40-year-old woman",
        "our child protection policy",
        "the child protection conference",
        "childcare costs are rising",
        "Children's Services will call you.",
        "her son, 34, lives in Leeds",
        "his daughter (27) drove",
        "his pupils were dilated",
        "a 12-year-old car",
        "in year 2 of the contract",
        "the Year 3 budget",
        "Year 2024 results",
        "a minor issue with the rota",
        "under 18 months ago",
        "Y7 of the build",
        "the child process exited",
        "baby steps",
        "",
    ],
)
def test_adults_and_uses_of_child_words_that_are_not_children_are_not_reported(
    text: str,
) -> None:
    assert reported(text) == []


@pytest.mark.parametrize(
    ("text", "explanation"),
    [
        ("a Year 7 pupil", "school year 7 (age 11–12)"),
        ("Year 13", "school year 13 (age 17–18)"),
        ("in Reception", "school year Reception (age 4–5)"),
        ("aged 12", "age 12 is under 18"),
        ("aged 12-15", "age 12–15 is under 18"),
        ("a 6 month old", "age 6 months is under 18"),
        ("under 16", "'under 16' is an age below 18"),
        ("the toddler", "a baby or toddler: 'toddler'"),
    ],
)
def test_explanation_says_why_it_is_a_child(text: str, explanation: str) -> None:
    [match] = RECOGNIZER.analyze(text, TextContext())
    assert match.type is FindingType.CHILD
    assert match.explanation == explanation


def test_a_son_with_a_child_age_scores_higher_than_a_son_alone() -> None:
    [alone] = RECOGNIZER.analyze("her son", TextContext())
    [aged] = RECOGNIZER.analyze("her son, 9, was there", TextContext())
    assert REPORTED <= alone.score < aged.score
    assert aged.explanation == "someone's child aged 9"


def test_a_young_person_is_a_weak_cue() -> None:
    [match] = RECOGNIZER.analyze("a young person", TextContext())
    assert match.score < REPORTED


def test_create_builds_the_recognizer() -> None:
    recognizer = create(Config())
    assert recognizer.name == "child"
    assert recognizer.description
