"""The regulator's questions: what the ICO's personal data breach report asks, as data, and
the answers the facts already give. Answers are plain text keyed by question."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from mailwarden.breach.clock import shown
from mailwarden.breach.facts import Facts

MAX_ANSWER = 10_000
"""Characters kept of one answer."""


@dataclass(frozen=True, slots=True)
class Question:
    """One question: its key in `breaches.answers`, its words, and the answers it offers
    (none: free text)."""

    key: str
    text: str
    options: tuple[str, ...] = ()
    hint: str = ""


YES_NO = ("yes", "no", "not yet known")
QUESTIONS: tuple[Question, ...] = (
    Question("what_happened", "What has happened?"),
    Question("occurred_at", "When did the breach happen?"),
    Question("discovered_at", "When did you discover the breach?"),
    Question("how_discovered", "How did you discover the breach?"),
    Question("delay", "If you are reporting more than 72 hours after becoming aware, why?"),
    Question("cyber", "Was the breach caused by a cyber incident?", YES_NO),
    Question("data_categories", "What categories of personal data are involved?"),
    Question(
        "special_data",
        "Does it involve special category or criminal offence data?",
        YES_NO,
    ),
    Question("people_count", "Approximately how many people are affected?"),
    Question("records_count", "Approximately how many personal data records are affected?"),
    Question("children", "Are children or vulnerable adults among the people affected?", YES_NO),
    Question(
        "consequences",
        "What are the likely consequences for the people affected?",
        hint="Distress, discrimination, harm to reputation, risk to safety: say which and why.",
    ),
    Question(
        "high_risk",
        "Is the breach likely to result in a high risk to people's rights and freedoms?",
        YES_NO,
        "If yes, the people affected must be told without undue delay.",
    ),
    Question("people_told", "Have you told the people affected?", ("yes", "no", "planned")),
    Question("contained", "What have you done to contain the breach and limit its impact?"),
    Question(
        "recipient_deleted",
        "Has the recipient confirmed they have deleted the data?",
        ("yes", "no", "asked, no reply yet", "not applicable"),
    ),
    Question("others_told", "Have you told, or will you tell, anyone else (police, partners)?"),
    Question("prevent", "What will you do to stop it happening again?"),
)
BY_KEY = {q.key: q for q in QUESTIONS}


def prefilled(facts: Facts, aware_at: datetime) -> dict[str, str]:
    """The answers the facts give; the rest are left for the DPO."""
    answers = {"discovered_at": shown(aware_at)}
    wrong = facts.wrong_recipients
    if facts.sent_at is not None:
        answers["occurred_at"] = shown(facts.sent_at)
        to = ", ".join(r.address for r in wrong) or "a recipient"
        answers["what_happened"] = (
            f"An email was sent on {shown(facts.sent_at)} to {to}, who should not have "
            f"received it. {summary(facts)}"
        )
        answers["cyber"] = "no"
        answers["records_count"] = "1 email"
        answers["recipient_deleted"] = "no" if wrong else "not applicable"
        answers["people_told"] = "no"
    if facts.people:
        answers["people_count"] = str(len(facts.people))
        answers["children"] = "yes" if facts.children else "not yet known"
    kinds = data_kinds(facts)
    if kinds:
        answers["data_categories"] = "; ".join(kinds)
    if facts.of_kind("special category") or facts.of_kind("criminal offence"):
        answers["special_data"] = "yes"
    elif facts.sent_at is not None:
        answers["special_data"] = "no"
    return answers


def summary(facts: Facts) -> str:
    """ "It named 3 people (2 of them children) and carried: racial or ethnic origin; ..."."""
    named = len(facts.people)
    words = f"It named {named} {'person' if named == 1 else 'people'}"
    if facts.children:
        words += f" ({len(facts.children)} of them children)"
    kinds = data_kinds(facts)
    return words + (f" and carried: {'; '.join(kinds)}." if kinds else ".")


def data_kinds(facts: Facts) -> list[str]:
    """The kinds of data in plain words, without their values: "health (special category)",
    "NHS number"."""
    words = []
    for c in facts.categories:
        if c.kind == "special category":
            words.append(f"{c.name} (special category)")
        elif c.kind in ("criminal offence", "identifier"):
            words.append(c.name)
    return words


def risk_hint(facts: Facts) -> str:
    """What the facts suggest about the risk, for the DPO to weigh; "" when they say nothing."""
    reasons = []
    if facts.children:
        reasons.append("children are named")
    if facts.of_kind("special category"):
        reasons.append("special category data")
    if facts.of_kind("criminal offence"):
        reasons.append("criminal offence data")
    if not reasons:
        return ""
    return "The facts suggest a high risk: " + ", ".join(reasons) + "."


def answers_from(form: Mapping[str, str]) -> dict[str, str]:
    """The answers in a submitted form: known questions only, trimmed, an offered answer
    only where the question offers some, blank ones dropped."""
    answers: dict[str, str] = {}
    for question in QUESTIONS:
        value = form.get(question.key, "").strip()[:MAX_ANSWER]
        if not value or (question.options and value not in question.options):
            continue
        answers[question.key] = value
    return answers


def answered(answers: Mapping[str, str]) -> int:
    return sum(1 for q in QUESTIONS if answers.get(q.key))
