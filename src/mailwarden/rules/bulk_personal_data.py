"""Many people's records going outside at once: a class list, a spreadsheet of names and dates
of birth, a report on every child in a year group.

People are counted by what tells them apart: their distinct names, or their
distinct dates of birth, NHS or National Insurance numbers, whichever shows
more (a row of name and date of birth is one person, not two). The
recipient's own name is not someone else's data, and with a store, people
the recipient already has, or whose cases it is on (the school's own pupils
sent back to the school), are not counted either,
and a list of cases a good part of which are the recipient's organisation's
is the list that agency receives (the council's MASH daily list). Works
without a store.
"""

from __future__ import annotations

from collections import Counter

from mailwarden.detect.finding import Finding, FindingType, count_phrase
from mailwarden.knowledge.features import KIND_OF_FINDING, normalise
from mailwarden.knowledge.model import FeatureKind
from mailwarden.message.model import Recipient
from mailwarden.rules._shared import (
    Standing,
    associated,
    is_external,
    is_own_name,
    list_for,
    names_of,
    once,
    phrase,
    place,
    standing,
)
from mailwarden.rules.base import Reason, RuleInput, Verdict

PERSONAL_IDENTIFIERS = (FindingType.DATE_OF_BIRTH, FindingType.UK_NHS, FindingType.UK_NINO)
"""Identifiers that each stand for one person."""


class BulkPersonalData:
    name = "bulk_personal_data"
    description = "Many different people's personal details are going outside the organisation."
    severity = Verdict.HOLD

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        if not is_external(subject, recipient):
            return None
        counted = [
            f for f in subject.findings if f.type in (FindingType.PERSON, *PERSONAL_IDENTIFIERS)
        ]
        names = names_of(subject, recipient)
        knowledge = subject.knowledge
        mine = standing(subject, recipient, knowledge) if knowledge else None
        if knowledge is not None and mine is not None and list_for(subject, knowledge, mine):
            return None
        counted = [
            f
            for f in counted
            if not (f.type is FindingType.PERSON and is_own_name(f.text, names))
            and not (mine is not None and _theirs(subject, f, mine))
        ]
        distinct: dict[FindingType, dict[str, Finding]] = {}
        for finding in counted:
            kind = KIND_OF_FINDING[finding.type]
            distinct.setdefault(finding.type, {}).setdefault(normalise(kind, finding.text), finding)
        people = max((len(v) for v in distinct.values()), default=0)
        if people < subject.settings.bulk_people:
            return None
        order = (FindingType.PERSON, *PERSONAL_IDENTIFIERS)
        kinds = [count_phrase(t, len(distinct[t])) for t in order if t in distinct]
        places = Counter(place(f.location) for v in distinct.values() for f in v.values())
        where = places.most_common(1)[0][0]
        examples = [f.text for t in order for f in distinct.get(t, {}).values()][:5]
        return Reason(
            rule=self.name,
            action=self.severity,
            explanation=(
                f"The message carries the details of {people} different people "
                f"({phrase(kinds, limit=len(kinds))}), most of them in {where}, and "
                f"{recipient.mailbox.address} is outside the organisation."
            ),
            evidence=tuple(examples),
        )


def _theirs(subject: RuleInput, finding: Finding, mine: Standing) -> bool:
    """With a store: the recipient already has this person, or is on their case."""
    knowledge = subject.knowledge
    if knowledge is None:
        return False
    kind = KIND_OF_FINDING[finding.type]
    key = once(subject, "bulk_personal_data:keys", lambda: _keys(subject)).get(
        (kind, normalise(kind, finding.text))
    )
    history = knowledge.history(key) if key else None
    if history is None or key is None:
        return False
    return associated(history, mine.address, knowledge) or mine.belongs(key, history)


def _keys(subject: RuleInput) -> dict[tuple[FeatureKind, str], str]:
    """The message's keys by how their text normalises."""
    return {(f.kind, normalise(f.kind, f.label)): f.key for f in subject.features.features}


RULE = BulkPersonalData()
