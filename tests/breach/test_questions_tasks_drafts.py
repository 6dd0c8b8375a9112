"""The regulator's questions pre-filled from the facts, the tasks a breach starts with, and
the drafts: the deletion request repeats no personal data, a child's notice goes to the
parent or guardian, the report counts people without naming them, and hand edits stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.breach.conftest import CHILDREN, DELIVERED, PUBLIC, SCHOOL, SENDER

from mailwarden.breach.drafts import NO_NAME, drafted, edited, redrafted
from mailwarden.breach.facts import Facts, Source, facts_of
from mailwarden.breach.opening import with_person
from mailwarden.breach.questions import answers_from, prefilled, risk_hint
from mailwarden.breach.tasks import default_tasks
from mailwarden.record.sent import SentFinding, SentRecipient

AWARE = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
ORGANISATION = "Westshire Police"


@pytest.fixture
def facts(findings: list[SentFinding]) -> Facts:
    return facts_of(
        findings,
        source=Source.SENT,
        sender=SENDER,
        subject="Re: your enquiry about the parking dispute",
        sent_at=DELIVERED,
        recipients=[SentRecipient(PUBLIC, "to"), SentRecipient(SCHOOL, "cc")],
        internal=["example.police.uk", "greenfield.sch.uk"],
    )


def test_the_facts_answer_the_questions_they_can(facts: Facts) -> None:
    answers = prefilled(facts, AWARE)
    assert answers["occurred_at"] == "2026-11-24 09:12 UTC"
    assert answers["discovered_at"] == "2026-11-24 15:30 UTC"
    assert answers["people_count"] == "3"
    assert answers["children"] == "yes"
    assert answers["special_data"] == "yes"
    assert answers["cyber"] == "no"
    assert answers["recipient_deleted"] == "no"
    assert PUBLIC in answers["what_happened"] and SCHOOL not in answers["what_happened"]
    assert "3 of them children" in answers["what_happened"]
    assert "health (special category)" in answers["data_categories"]
    assert "NHS number" in answers["data_categories"]
    assert "••" not in answers["data_categories"]  # kinds, never values
    assert "high_risk" not in answers  # the DPO's judgement...
    assert risk_hint(facts) == (  # ...with what the facts suggest
        "The facts suggest a high risk: children are named, special category data, "
        "criminal offence data."
    )


def test_a_breach_opened_by_hand_knows_only_when() -> None:
    assert prefilled(Facts(), AWARE) == {"discovered_at": "2026-11-24 15:30 UTC"}
    assert risk_hint(Facts()) == ""


def test_a_form_gives_only_known_questions_and_offered_answers() -> None:
    form = {
        "what_happened": "  Sent to the wrong Mark.  ",
        "high_risk": "yes",
        "cyber": "perhaps",
        "consequences": "",
        "evil": "x",
    }
    assert answers_from(form) == {"what_happened": "Sent to the wrong Mark.", "high_risk": "yes"}


def test_every_task_has_an_owner_and_is_due_by_the_deadline_or_sooner(facts: Facts) -> None:
    opened = AWARE + timedelta(minutes=10)
    tasks = default_tasks(facts, "dpo", opened, AWARE)
    assert tasks[0].title.startswith("Ask the wrong recipient to delete")
    assert tasks[0].due_at == opened + timedelta(hours=1)
    assert {t.owner for t in tasks} == {"dpo"}
    deadline = AWARE + timedelta(hours=72)
    report = next(t for t in tasks if "report to the regulator" in t.title)
    assert report.due_at == deadline
    assert any("children" in t.title for t in tasks)
    by_hand = default_tasks(Facts(), "dpo", opened, AWARE)
    assert by_hand[0].title == "Contain the breach"
    assert not any("children" in t.title for t in by_hand)


def test_the_deletion_request_repeats_nothing_of_the_message(
    facts: Facts, findings: list[SentFinding]
) -> None:
    drafts = drafted(facts, prefilled(facts, AWARE), AWARE, ORGANISATION)
    request = drafts.deletion_request
    assert "delete" in request and "confirm" in request
    assert ORGANISATION in request and "2026-11-24 09:12 UTC" in request
    for said in {f.text for f in findings} | {facts.subject, "Ellie"}:
        assert said not in request


def test_each_person_gets_a_notice_and_a_child_s_goes_to_the_parent(facts: Facts) -> None:
    drafts = drafted(facts, prefilled(facts, AWARE), AWARE, "")
    assert [n.to for n in drafts.notices] == [
        f"The parent or guardian of {name}" for name in CHILDREN
    ]
    first = drafts.notices[0].text
    assert first.startswith("Dear parent or guardian of Ellie Marsh,")
    assert "your child, Ellie Marsh" in first
    assert NO_NAME in first  # no organisation name configured
    assert "Jayden" not in first and "Priya" not in first
    adult = with_person(facts, "Mark Fenton", child=False)
    notice = drafted(adult, {}, AWARE, ORGANISATION).notices[-1]
    assert (notice.to, notice.text.splitlines()[0]) == ("Mark Fenton", "Dear Mark Fenton,")


def test_the_report_answers_each_question_and_names_no_one(facts: Facts) -> None:
    answers = {**prefilled(facts, AWARE), "high_risk": "yes"}
    report = drafted(facts, answers, AWARE, ORGANISATION).report
    assert "Deadline for this report: 2026-11-27 15:30 UTC" in report
    assert (
        "Is the breach likely to result in a high risk to people's rights and freedoms?\nyes"
        in (report)
    )
    assert "What will you do to stop it happening again?\n(not yet answered)" in report
    assert "Children named: 3 of 3 people." in report
    for name in CHILDREN:
        assert name not in report


def test_a_draft_edited_by_hand_stays_when_the_rest_are_redrafted(facts: Facts) -> None:
    first = drafted(facts, prefilled(facts, AWARE), AWARE, ORGANISATION)
    mine = edited(
        first,
        {"notice-1": "Dear Mr and Mrs Cole,\r\nWe are sorry.", "report": first.report},
    )
    assert mine.edited == {"notice-1"}  # the report came back unchanged: not an edit
    assert mine.notices[1].text == "Dear Mr and Mrs Cole,\nWe are sorry."
    answers = {**prefilled(facts, AWARE), "contained": "Recipient asked to delete it."}
    again = redrafted(mine, drafted(facts, answers, AWARE, ORGANISATION))
    assert again.notices[1].text == "Dear Mr and Mrs Cole,\nWe are sorry."
    assert "Recipient asked to delete it." in again.notices[0].text
    assert "Recipient asked to delete it." in again.report
    assert type(again).from_json(again.to_json()) == again


def test_adding_a_known_name_marks_it_rather_than_adding_it_twice(facts: Facts) -> None:
    marked = with_person(facts, "Priya  Shah", child=False)
    assert [(p.name, p.child) for p in marked.people][2] == ("Priya Shah", False)
    assert marked.people[2].why == "added by the DPO"
    assert len(with_person(facts, "Mark Fenton", child=False).people) == 4
