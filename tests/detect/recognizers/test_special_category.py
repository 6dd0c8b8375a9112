"""Special-category data (GDPR art. 9) in ordinary prose: the phrase, its category, and why."""

import re

import pytest

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.lexicon import PhraseIndex, Phrases
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.special_category import (
    BIOMETRIC,
    CATEGORIES,
    GENETIC,
    HEALTH,
    LEXICON,
    POLITICS,
    RACE,
    RELIGION,
    SEX,
    UNION,
    SpecialCategoryRecognizer,
    create,
)

RECOGNIZER = SpecialCategoryRecognizer()
REPORTED = Config().detect.min_score


def reported(text: str) -> list[tuple[str, str]]:
    """(phrase, category) of each match the default threshold reports."""
    return [
        (text[m.start : m.end], m.category)
        for m in RECOGNIZER.analyze(text, TextContext())
        if m.score >= REPORTED
    ]


def test_seed_case_race_hate_message_between_pupils() -> None:
    text = (
        "Greenfield Academy has reported a racially aggravated message sent by one Year 8 pupil "
        "to another because he is Black. The message also mocked a third pupil who attends the "
        "mosque with his family. One of the boys has ADHD and is known to the school's mental "
        "health team."
    )
    assert reported(text) == [
        ("racially aggravated", RACE),
        ("because he is Black", RACE),
        ("attends the mosque", RELIGION),
        ("ADHD", HEALTH),
        ("mental health team", HEALTH),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # racial or ethnic origin
        ("She suffered racist abuse at the bus stop.", [("racist", RACE)]),
        ("a race-hate incident", [("race-hate", RACE)]),
        ("Suspect described as IC3 male, 20s.", [("IC3 male", RACE)]),
        (
            "Her ethnicity is recorded as White British.",
            [("ethnicity", RACE), ("White British", RACE)],
        ),
        ("a family of Pakistani origin", [("of Pakistani origin", RACE)]),
        (
            "members of the Gypsy and Traveller community",
            [("Gypsy", RACE), ("Traveller community", RACE)],
        ),
        # political opinions
        ("He voted for Reform UK at the last election.", [("He voted for Reform UK", POLITICS)]),
        ("she voted for them", [("she voted for", POLITICS)]),
        ("a Labour Party member since 2010", [("Labour Party member", POLITICS)]),
        ("his political views", [("political views", POLITICS)]),
        # religious or philosophical beliefs
        ("abuse about her faith", [("her faith", RELIGION)]),
        ("He went to church every Sunday.", [("went to church", RELIGION)]),
        ("The family are practising Sikhs.", [("practising Sikhs", RELIGION)]),
        ("She is Muslim.", [("is Muslim", RELIGION)]),
        ("pulled off her hijab", [("hijab", RELIGION)]),
        ("antisemitic graffiti", [("antisemitic", RELIGION)]),
        # trade union membership
        ("He is a member of Unison.", [("member of Unison", UNION)]),
        ("Her union rep will attend.", [("Her union", UNION)]),
        ("a Unite steward", [("Unite steward", UNION)]),
        ("the trade union representative", [("trade union representative", UNION)]),
        # genetic and biometric data
        ("A DNA sample was taken.", [("DNA sample", GENETIC)]),
        ("awaiting the paternity test", [("paternity test", GENETIC)]),
        ("his fingerprints were taken in custody", [("fingerprints", BIOMETRIC)]),
        ("matched by facial recognition", [("facial recognition", BIOMETRIC)]),
        # health
        ("She was diagnosed with epilepsy last year.", [("diagnosed with epilepsy", HEALTH)]),
        ("He is on antidepressants.", [("antidepressants", HEALTH)]),
        ("history of self-harm", [("self-harm", HEALTH)]),
        ("Her son has autism.", [("autism", HEALTH)]),
        ("She is pregnant.", [("is pregnant", HEALTH)]),
        ("He is HIV positive.", [("HIV positive", HEALTH)]),
        ("He has AIDS.", [("AIDS", HEALTH)]),
        ("She has been suffering from anxiety.", [("suffering from anxiety", HEALTH)]),
        ("Sofia Lindqvist\t9\t83%\tAnxiety; school refusal", [("Anxiety", HEALTH)]),
        ("she was sectioned", [("sectioned", HEALTH)]),
        ("He is a wheelchair user.", [("wheelchair user", HEALTH)]),
        ("He is autistic and has an EHCP.", [("autistic", HEALTH), ("EHCP", HEALTH)]),
        # sex life or sexual orientation
        ("She told us he is gay.", [("is gay", SEX)]),
        ("homophobic comments", [("homophobic", SEX)]),
        ("a transgender pupil", [("transgender", SEX)]),
        ("He lives with his boyfriend.", [("his boyfriend", SEX)]),
        ("his sexual orientation", [("sexual orientation", SEX)]),
        # the phrase survives line wrapping and upper case
        ("she was DIAGNOSED\nWITH asthma", [("DIAGNOSED\nWITH asthma", HEALTH)]),
    ],
)
def test_finds_each_category_in_prose(text: str, expected: list[tuple[str, str]]) -> None:
    assert reported(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We had a healthy debate about the budget.",
        "Please book the political party conference room for Tuesday.",
        "Meet in the church hall car park at nine.",
        "I have every faith in the process; her faith in the team is clear.",
        "Cookies are disabled in this browser.",
        "The report came out yesterday.",
        "The choir sang in unison.",
        "European Union member states agreed.",
        "Non-alcoholic drinks will be served.",
        "The project suffered from delays.",
        "He turned a blind eye.",
        "This aids the inquiry.",
        "Christian Smith will chair the meeting.",
        "drug seizures rose by ten per cent",
        "It's in our DNA to serve the public.",
        "The committee voted for the motion.",
        "The IT team diagnosed the fault.",
        "Our guidance on health and safety is attached.",
        "the trip is bi-weekly",
        "St Mary's Catholic Primary School",
        "a white van was seen",
        "He was black and blue after the fall.",
        "",
    ],
)
def test_ordinary_prose_is_not_reported(text: str) -> None:
    assert reported(text) == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        # a venue, a friendship or a vote on a motion may be nothing special
        ("the mosque on the corner", "mosque"),
        ("She went shopping with her girlfriend.", "her girlfriend"),
        ("The board voted for the merger.", "voted for"),
        ("the trade unions", "trade unions"),
        ("the patient's GP", "GP"),
    ],
)
def test_ambiguous_cues_are_kept_below_the_report_threshold(text: str, phrase: str) -> None:
    [match] = RECOGNIZER.analyze(text, TextContext())
    assert text[match.start : match.end] == phrase
    assert match.score < REPORTED


def test_explanation_names_the_category_and_quotes_the_phrase() -> None:
    [match] = RECOGNIZER.analyze("He attends  the\nmosque daily.", TextContext())
    assert match.type is FindingType.SPECIAL_CATEGORY
    assert match.explanation == "religious or philosophical beliefs: 'attends the mosque'"
    assert match.score >= 0.6


def test_every_lexicon_row_is_a_well_formed_phrase_of_a_known_category() -> None:
    for group in LEXICON:
        assert group.category in CATEGORIES
        assert 0 < group.score <= 1
        for pattern in group.patterns:
            compiled = re.compile(pattern)
            assert compiled.groups == 0, f"{pattern!r} has a capturing group"
            # lower case outside escapes and case-sensitive groups: the scan folds the text
            plain = re.sub(r"\\.|\(\?-i:[^)]*\)", "", pattern)
            assert plain == plain.lower(), f"{pattern!r} is not in lower case"


def test_each_hit_is_matched_by_the_row_it_is_reported_from() -> None:
    """The trie is only an optimisation: every hit must be its own row's match at that place."""
    text = " ".join(
        [
            "He is HIV positive and his boyfriend attends the synagogue; racially abused;",
            "the Unite reps met; a DNA profile; Black British; voted against the Tories;",
            "IC1 female; LGBTQ+ group; self harm; anti-depressants; diagnosed as diabetic.",
        ]
    )
    index = RECOGNIZER._index
    hits = list(index.finditer(text))
    assert len(hits) >= 12
    for row, start, end in hits:
        own = [re.compile(p.replace(" ", r"\s+"), re.IGNORECASE) for p in row.patterns]
        assert any((m := r.match(text, start)) and m.end() == end for r in own), text[start:end]


def test_case_sensitive_rows_are_confirmed_on_the_original_text() -> None:
    assert reported("an ic3 male") == []
    assert reported("AIDS awareness") == [("AIDS", HEALTH)]
    assert reported("the grant aids research") == []


def test_a_top_level_alternation_in_a_row_is_refused() -> None:
    with pytest.raises(ValueError, match="top-level"):
        PhraseIndex((Phrases(HEALTH, 0.7, (r"asthma|eczema",)),))


def test_create_builds_the_recognizer() -> None:
    recognizer = create(Config())
    assert recognizer.name == "special_category"
    assert recognizer.description
