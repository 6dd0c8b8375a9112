"""What a breach knows from a message's findings: each person once, the children among them
with the cue that told, the categories of data with identifiers masked, the recipients."""

from __future__ import annotations

import pytest
from tests.breach.conftest import DELIVERED, PUBLIC, SCHOOL

from mailwarden.breach.facts import Facts, Source, facts_of, mask, people_named
from mailwarden.detect.finding import FindingType
from mailwarden.record.sent import SentFinding, SentRecipient, kept_findings
from mailwarden.scan import Scanner

PERSON, CHILD = FindingType.PERSON, FindingType.CHILD


def person(text: str, start: int, location: str = "body") -> SentFinding:
    return SentFinding(PERSON, text, location, "", start, start + len(text))


def cue(text: str, start: int, category: str = "age", location: str = "body") -> SentFinding:
    return SentFinding(CHILD, text, location, category, start, start + len(text))


def test_the_race_hate_message_names_three_children_and_says_why_each(
    findings: list[SentFinding],
) -> None:
    facts = facts_of(
        findings,
        source=Source.SENT,
        sent_at=DELIVERED,
        recipients=[SentRecipient(PUBLIC, "to"), SentRecipient(SCHOOL, "cc")],
        internal=["example.police.uk", "greenfield.sch.uk"],
    )
    assert [(p.name, p.child, p.why) for p in facts.people] == [
        ("Ellie Marsh", True, "child: 'aged 12' next to the name"),
        ("Jayden Cole", True, "child: 'Year 8 pupil' 4 characters after the name"),
        ("Priya Shah", True, "child: one of the names listed after 'pupils'"),
    ]
    assert facts.people[0].mentions == ("Ellie Marsh", "Ellie")
    assert [(r.address, r.field, r.wrong) for r in facts.recipients] == [
        (PUBLIC, "to", True),
        (SCHOOL, "cc", False),
    ]
    kinds = {(c.kind, c.name): (c.count, c.values) for c in facts.categories}
    assert kinds[("special category", "racial or ethnic origin")][0] == 3
    assert kinds[("special category", "health")] == (1, ("anxiety",))
    assert kinds[("criminal offence", "criminal offence")][0] == 2
    assert kinds[("identifier", "NHS number")] == (1, ("••• ••• ••57",))
    assert kinds[("identifier", "date of birth")] == (1, ("••/••/••14",))
    assert kinds[("identifier", "postcode")] == (1, ("••• •QT",))
    # the school report's "Pupil: ..., Year 7" stood by a repeated name the scan kept once
    assert "Year 7" in facts.other_child_cues


def test_facts_survive_their_json(findings: list[SentFinding]) -> None:
    facts = facts_of(findings, source=Source.UPLOAD, sent_at=DELIVERED, sender="a@b.example")
    assert Facts.from_json(facts.to_json()) == facts


@pytest.mark.parametrize(
    ("names", "merged"),
    [
        (["Ellie Marsh", "Ellie"], [("Ellie Marsh", ("Ellie Marsh", "Ellie"))]),
        (["Mark Fenton", "Mr Fenton"], [("Mark Fenton", ("Mark Fenton", "Mr Fenton"))]),
        (
            ["Ellie Jane Marsh", "Ellie Marsh"],
            [("Ellie Jane Marsh", ("Ellie Jane Marsh", "Ellie Marsh"))],
        ),
        # "Ellie" could be either: she is kept apart rather than guessed
        (
            ["Ellie Marsh", "Ellie Cole", "Ellie"],
            [
                ("Ellie Marsh", ("Ellie Marsh",)),
                ("Ellie Cole", ("Ellie Cole",)),
                ("Ellie", ("Ellie",)),
            ],
        ),
        (["Ellie", "Ellie"], [("Ellie", ("Ellie",))]),
        (["ELLIE MARSH", "Ellie Marsh"], [("ELLIE MARSH", ("ELLIE MARSH", "Ellie Marsh"))]),
    ],
)
def test_names_of_one_person_are_merged(
    names: list[str], merged: list[tuple[str, tuple[str, ...]]]
) -> None:
    found = [person(n, i * 100) for i, n in enumerate(names)]
    people, _ = people_named(found)
    assert [(p.name, p.mentions) for p in people] == merged


def test_a_cue_belongs_to_the_nearest_name_and_a_tie_to_the_name_before() -> None:
    # "Jayden Cole, a Year 8 pupil. Ellie ..." : the year is Jayden's, not Ellie's
    found = [person("Jayden Cole", 0), cue("Year 8 pupil", 15, "school year"), person("Ellie", 40)]
    people, _ = people_named(found)
    assert [(p.name, p.child) for p in people] == [("Jayden Cole", True), ("Ellie", False)]
    tie = [person("Ann", 0), cue("aged 9", 5), person("Bob", 13)]
    assert [(p.name, p.child) for p in people_named(tie)[0]] == [("Ann", True), ("Bob", False)]


def test_a_cue_too_far_away_or_in_another_part_makes_no_one_a_child() -> None:
    found = [
        person("Carl Dane", 0),
        cue("aged 12", 60),
        person("Rita Dane", 200, location="attachment:report.pdf"),
        cue("aged 9", 190),
    ]
    people, unplaced = people_named(found)
    assert [p.child for p in people] == [False, False]
    assert people[0].why == "no sign of a child's age, school year or role near the name"
    assert unplaced == ("aged 12", "aged 9")


def test_a_plural_role_governs_the_list_of_names_after_it() -> None:
    # "The pupils involved are Ann Lee, Bob Marr and Cy Dunn. Their teacher Dee Fox ..."
    found = [
        cue("pupils", 4, "role"),
        person("Ann Lee", 24),
        person("Bob Marr", 33),
        person("Cy Dunn", 46),
        person("Dee Fox", 100),
    ]
    people, _ = people_named(found)
    assert [(p.name, p.child) for p in people] == [
        ("Ann Lee", True),
        ("Bob Marr", True),
        ("Cy Dunn", True),
        ("Dee Fox", False),
    ]
    assert people[1].why == "child: one of the names listed after 'pupils'"


def test_a_cue_in_another_sentence_is_about_someone_else(scanner: Scanner) -> None:
    raw = (
        b"From: dan.hughes@example.police.uk\nTo: mark.fenton@gmail.com\nSubject: update\n\n"
        b"The message was sent about two pupils. Her mother, Jane Marsh, called us on Monday.\n"
    )
    report = scanner.scan_bytes(raw)
    kept = kept_findings(report.findings, report.segments)
    assert [f.sentence for f in kept if f.text in ("pupils", "Jane Marsh")] == [0, 1]
    people, _ = people_named(kept)
    assert [(p.name, p.child) for p in people] == [("Jane Marsh", False)]


def test_a_cue_in_another_paragraph_of_a_document_is_not_near_the_name() -> None:
    # Each paragraph of a DOCX is its own segment: offsets 10 and 20 are in different texts.
    found = [
        SentFinding(CHILD, "aged 9", "attachment:r.docx", "age", 10, 16, "paragraph 1"),
        SentFinding(PERSON, "Dee Fox", "attachment:r.docx", "", 20, 27, "paragraph 2"),
    ]
    people, _ = people_named(found)
    assert [(p.name, p.child) for p in people] == [("Dee Fox", False)]


def test_recipients_outside_the_organisation_are_taken_as_the_wrong_ones() -> None:
    facts = facts_of(
        [],
        source=Source.SENT,
        recipients=[SentRecipient("dsl@school.sch.uk"), SentRecipient("pc@ops.example.police.uk")],
        internal=["example.police.uk"],
    )
    assert [r.wrong for r in facts.recipients] == [True, False]
    assert facts.people == () and facts.categories == ()


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("485 777 3457", "••• ••• ••57"),
        ("LS6 2QT", "••• •QT"),
        ("03/02/2014", "••/••/••14"),
        ("AB12", "•••2"),
        ("QQ 12 34 56 C", "•• •• •• •6 C"),
    ],
)
def test_identifiers_are_masked_to_their_last_characters(value: str, masked: str) -> None:
    assert mask(value) == masked
