"""Personal data to an outside address the organisation has never written to or heard from.

A first message is where a wrong address does the most harm and is least
likely to be noticed: nobody has yet replied from it. Known means in the
directory, written to, or written from; an address a case list allows for one
of the message's cases is known for it, and so is someone the store knows as
a person in one of them (`Knowledge.named`: the victim who reported by phone,
written to for the first time about her own case). A partner organisation's
domain (the policy's `[partners]`) vouches for its new staff. The
recipient's own name is not someone else's personal data.

A brand-new matter is not asked about either: when the store has never seen any
of the message's cases, people or identifiers, and what it carries is only
references and identifiers (no one else's name, no child, no special-category or
offence detail), it is the recipient's own new case: the officer's first e-mail
to a victim who reported by phone. Asking there made every such first contact a
false alarm (bench/misdirection.py).
"""

from __future__ import annotations

from mailwarden.detect.finding import PERSONAL_DATA_TYPES, Finding, FindingType
from mailwarden.message.model import Recipient
from mailwarden.rules._shared import (
    is_external,
    is_own_name,
    is_partner,
    names_of,
    standing,
    summary,
)
from mailwarden.rules.base import Reason, RuleInput, Verdict


class FirstTimeExternal:
    name = "first_time_external"
    description = "Personal data is going to an outside address never written to or from."
    severity = Verdict.CONFIRM

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        knowledge = subject.knowledge
        if knowledge is None or not is_external(subject, recipient):
            return None
        address = recipient.mailbox.address
        entry = knowledge.correspondent(address)
        if (entry is not None and entry.known) or is_partner(subject, address):
            return None
        mine = standing(subject, recipient, knowledge)
        if any(mine.belongs(k, h) for k, h in knowledge.keys.items()):
            return None  # allowed by the case list, or named in the case: known for it
        names = names_of(subject, recipient)
        personal = [
            f
            for f in subject.findings
            if f.type in PERSONAL_DATA_TYPES
            and not (f.type is FindingType.PERSON and is_own_name(f.text, names))
        ]
        if not personal or _own_new_matter(subject, personal):
            return None
        return Reason(
            rule=self.name,
            action=self.severity,
            explanation=(
                f"{address} has never written to or been written to by the organisation and "
                f"is not in the directory, and the message contains {summary(personal)}."
            ),
            evidence=(address, *list(dict.fromkeys(f.text for f in personal))[:10]),
        )


_NOT_OWN_DETAILS = frozenset(
    {
        FindingType.PERSON,
        FindingType.CHILD,
        FindingType.SPECIAL_CATEGORY,
        FindingType.CRIMINAL_OFFENCE,
        FindingType.KNOWN_RECORD,
    }
)
"""Findings that speak of other people or of sensitive matters, not just a case's numbers."""


def _own_new_matter(subject: RuleInput, personal: list[Finding]) -> bool:
    """Nothing of the message is known to the store, and it carries only references and
    identifiers: a new matter of the recipient's own."""
    knowledge = subject.knowledge
    if knowledge is None or any(f.type in _NOT_OWN_DETAILS for f in personal):
        return False
    return not any(
        (history := knowledge.history(key)) is not None
        and (history.correspondents or history.cases or history.allowed)
        for key in subject.features.keys
    )


RULE = FirstTimeExternal()
