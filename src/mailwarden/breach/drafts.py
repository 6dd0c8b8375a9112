"""The letters a breach needs, drafted from its facts and answers: the request to the wrong
recipient to delete the message (which repeats none of its personal data), a notice to each
person named (for a child, to their parent or guardian), and the report to the regulator.

The DPO edits them on the breach page; a draft edited by hand is kept as written when the
others are drafted again from new answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from mailwarden.breach.clock import REPORT_WITHIN, shown
from mailwarden.breach.facts import Facts, Person
from mailwarden.breach.questions import QUESTIONS, data_kinds

NO_NAME = "[organisation]"
"""Where the organisation is named when `[organisation] name` is not set."""
MAX_DRAFT = 50_000
DELETION = "deletion_request"
REPORT = "report"


@dataclass(frozen=True, slots=True)
class Notice:
    """The notice to one person named: whom it is for, whom it is addressed to, its text."""

    person: str
    to: str
    text: str


@dataclass(frozen=True, slots=True)
class Drafts:
    """A breach's drafts; `edited` names those the DPO wrote over (`DELETION`, `REPORT`,
    "notice-0", "notice-1"...)."""

    deletion_request: str
    notices: tuple[Notice, ...]
    report: str
    edited: frozenset[str] = frozenset()

    def texts(self) -> dict[str, str]:
        """Each draft's text by key."""
        texts = {DELETION: self.deletion_request, REPORT: self.report}
        texts.update({f"notice-{i}": n.text for i, n in enumerate(self.notices)})
        return texts

    def to_json(self) -> dict[str, Any]:
        return {
            DELETION: self.deletion_request,
            "notices": [{"person": n.person, "to": n.to, "text": n.text} for n in self.notices],
            REPORT: self.report,
            "edited": sorted(self.edited),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Drafts:
        return cls(
            str(data.get(DELETION, "")),
            tuple(
                Notice(str(n["person"]), str(n["to"]), str(n["text"]))
                for n in data.get("notices", [])
            ),
            str(data.get(REPORT, "")),
            frozenset(str(k) for k in data.get("edited", [])),
        )


def drafted(
    facts: Facts, answers: Mapping[str, str], aware_at: datetime, organisation: str
) -> Drafts:
    """Every draft, new from the facts and answers."""
    org = organisation.strip() or NO_NAME
    return Drafts(
        deletion_request(facts, org),
        tuple(notice(p, facts, answers, org) for p in facts.people),
        regulator_report(facts, answers, aware_at, org),
    )


def redrafted(old: Drafts, new: Drafts) -> Drafts:
    """`new`, but with each draft the DPO edited by hand kept as they wrote it."""
    report = old.report if REPORT in old.edited else new.report
    deletion = old.deletion_request if DELETION in old.edited else new.deletion_request
    notices = tuple(
        old.notices[i] if f"notice-{i}" in old.edited and i < len(old.notices) else n
        for i, n in enumerate(new.notices)
    )
    return Drafts(deletion, notices, report, old.edited)


def edited(drafts: Drafts, texts: Mapping[str, str]) -> Drafts:
    """The drafts with these texts (by key) written over them; a text that differs from the
    draft marks it edited by hand."""
    changed = {
        key: text.replace("\r\n", "\n")[:MAX_DRAFT]
        for key, text in texts.items()
        if key in drafts.texts() and text.replace("\r\n", "\n") != drafts.texts()[key]
    }
    notices = tuple(
        replace(n, text=changed[f"notice-{i}"]) if f"notice-{i}" in changed else n
        for i, n in enumerate(drafts.notices)
    )
    return Drafts(
        changed.get(DELETION, drafts.deletion_request),
        notices,
        changed.get(REPORT, drafts.report),
        drafts.edited | changed.keys(),
    )


def deletion_request(facts: Facts, organisation: str) -> str:
    """To the wrong recipient: delete it everywhere, share it with no one, confirm. It says
    when and from whom, never what the message said."""
    when = f" on {shown(facts.sent_at)}" if facts.sent_at else ""
    sender = f" from {facts.sender}" if facts.sender else ""
    return (
        "Subject: An email sent to you in error - please delete it\n\n"
        "Dear recipient,\n\n"
        f"An email{sender} of {organisation} was sent to you in error{when}. It contains "
        "personal information about other people that you should not have received.\n\n"
        "Please:\n"
        "- do not open it again, and do not forward, copy, print or share it;\n"
        "- delete it, its attachments and any copies, then empty your deleted items;\n"
        "- reply to this email to confirm that you have deleted it and whether you "
        "shared it with anyone.\n\n"
        "Thank you for your help, and we are sorry for the trouble.\n\n"
        f"Data Protection Officer\n{organisation}\n"
    )


def notice(person: Person, facts: Facts, answers: Mapping[str, str], organisation: str) -> Notice:
    """To the person named, or to a child's parent or guardian: what happened, what it held,
    what has been done, whom to ask."""
    if person.child:
        to = f"The parent or guardian of {person.name}"
        about, their = f"your child, {person.name}", "your child's"
    else:
        to, about, their = person.name, "you", "your"
    when = f"On {shown(facts.sent_at)}" if facts.sent_at else "Recently"
    kinds = data_kinds(facts)
    held = f" It included {their} personal information: {'; '.join(kinds)}." if kinds else ""
    contained = answers.get("contained", "").strip()
    done = (
        f"\n\nWhat we have done: {contained}"
        if contained
        else "\n\nWe have asked the recipient to delete it and to confirm they have."
    )
    text = (
        f"Dear {to.removeprefix('The ')},\n\n"
        f"{when}, {organisation} sent an email about {about} to someone who should not "
        f"have received it.{held}{done}\n\n"
        "We are sorry. If you have questions or concerns, please contact our Data "
        "Protection Officer. You also have the right to complain to the Information "
        "Commissioner's Office (ico.org.uk).\n\n"
        f"Data Protection Officer\n{organisation}\n"
    )
    return Notice(person.name, to, text)


def regulator_report(
    facts: Facts, answers: Mapping[str, str], aware_at: datetime, organisation: str
) -> str:
    """The report to the ICO: who reports, the deadline, and each question with its answer
    ("not yet answered" where there is none). It counts people; it does not name them."""
    lines = [
        "Personal data breach report to the Information Commissioner's Office",
        "",
        f"Organisation: {organisation}",
        f"Became aware: {shown(aware_at)}",
        f"Deadline for this report: {shown(aware_at + REPORT_WITHIN)}",
        "",
    ]
    for question in QUESTIONS:
        lines += [question.text, answers.get(question.key, "").strip() or "(not yet answered)", ""]
    if facts.children:
        lines.append(f"Children named: {len(facts.children)} of {len(facts.people)} people.")
    return "\n".join(lines).rstrip() + "\n"
