"""Criminal-offence data (GDPR art. 10): allegations, offences, convictions and proceedings."""

import re

import pytest

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.criminal_offence import (
    ALLEGATION,
    CATEGORIES,
    CONVICTION,
    LEXICON,
    OFFENCE,
    PROCEEDINGS,
    CriminalOffenceRecognizer,
    create,
)

RECOGNIZER = CriminalOffenceRecognizer()
REPORTED = Config().detect.min_score


def reported(text: str) -> list[tuple[str, str]]:
    return [
        (text[m.start : m.end], m.category)
        for m in RECOGNIZER.analyze(text, TextContext())
        if m.score >= REPORTED
    ]


def test_seed_case_a_police_update_on_a_school_hate_incident() -> None:
    text = (
        "The 14-year-old was arrested on suspicion of racially aggravated harassment and "
        "has been released under investigation. The incident has been recorded as a hate "
        "crime. If he is charged with an offence, bail conditions will keep him away from "
        "the school."
    )
    assert reported(text) == [
        ("was arrested on suspicion of", ALLEGATION),
        ("racially aggravated harassment", OFFENCE),
        ("released under investigation", ALLEGATION),
        ("hate crime", OFFENCE),
        ("charged with", PROCEEDINGS),
        ("bail conditions", PROCEEDINGS),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "He was cautioned for possession of cannabis.",
            [("cautioned for", CONVICTION), ("possession of cannabis", OFFENCE)],
        ),
        ("She pleaded guilty at the first hearing.", [("pleaded guilty", CONVICTION)]),
        ("He was remanded in custody.", [("remanded in custody", PROCEEDINGS)]),
        ("She was sentenced to 18 months.", [("sentenced to", CONVICTION)]),
        (
            "He has previous convictions for theft.",
            [("previous convictions", CONVICTION), ("theft", OFFENCE)],
        ),
        (
            "He was convicted of assault in 2019.",
            [("convicted of", CONVICTION), ("assault", OFFENCE)],
        ),
        ("a sexual offence against a child", [("sexual offence", OFFENCE)]),
        ("a history of domestic abuse", [("domestic abuse", OFFENCE)]),
        ("He has a criminal record.", [("criminal record", CONVICTION)]),
        ("The case was closed with no further action.", [("no further action", ALLEGATION)]),
        ("Suspect was NFA'd yesterday.", [("NFA'd", ALLEGATION)]),
        ("He has been charged with murdering his wife.", [("He has been charged", PROCEEDINGS)]),
        ("She will appear at Leeds Crown Court.", [("Crown Court", PROCEEDINGS)]),
        ("he stood trial in May", [("stood trial", PROCEEDINGS)]),
        ("a GBH with intent", [("GBH", OFFENCE)]),
        (
            "I saw a man I know as Jordan Holt punch another man twice in the face.",
            [("punch another", OFFENCE)],
        ),
        ("He kicked her in the stomach.", [("kicked her", OFFENCE)]),
        ("possession of a bladed article", [("possession of a bladed article", OFFENCE)]),
        ("she was interviewed under caution", [("interviewed under caution", ALLEGATION)]),
        ("He is a registered sex offender.", [("registered sex offender", CONVICTION)]),
    ],
)
def test_finds_each_category(text: str, expected: list[tuple[str, str]]) -> None:
    assert reported(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "She was charged with the task of leading the review.",
        "He was charged with overseeing the project.",
        "The battery was charged overnight.",
        "He was charged £50 for delivery.",
        "Fields of oilseed rape.",
        "The dog grooming salon opens at nine.",
        "Please report a suspect package to security.",
        "The assault course is closed.",
        "Start your free trial today.",
        "We will kick off the meeting at ten and punch above our weight.",
        "Unauthorised use may lead to civil or criminal proceedings.",
        "",
    ],
)
def test_everyday_uses_of_legal_words_are_not_reported(text: str) -> None:
    assert reported(text) == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("It is a criminal offence to misuse this system.", "criminal offence"),
        ("The matter is under investigation.", "under investigation"),
        ("Please complete your enhanced DBS check.", "enhanced DBS check"),
    ],
)
def test_boilerplate_cues_are_kept_below_the_report_threshold(text: str, phrase: str) -> None:
    [match] = RECOGNIZER.analyze(text, TextContext())
    assert text[match.start : match.end] == phrase
    assert match.score < REPORTED


def test_explanation_names_the_category_and_quotes_the_phrase() -> None:
    [match] = RECOGNIZER.analyze("She was convicted\nof it last year.", TextContext())
    assert match.type is FindingType.CRIMINAL_OFFENCE
    assert match.explanation == "conviction: 'convicted of'"


def test_every_lexicon_row_compiles_and_has_a_known_category() -> None:
    for group in LEXICON:
        assert group.category in CATEGORIES
        for pattern in group.patterns:
            assert re.compile(pattern).groups == 0, pattern


def test_create_builds_the_recognizer() -> None:
    recognizer = create(Config())
    assert recognizer.name == "criminal_offence"
    assert recognizer.description
