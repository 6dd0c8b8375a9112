"""Personal data to an outside address the organisation has never written to or heard from.

A first message is where a wrong address does the most harm and is least
likely to be noticed: nobody has yet replied from it. Known means in the
directory, written to, or written from; an address a case list allows for one
of the message's cases is known for it, and so is someone the store knows as
a person in one of them (`Knowledge.named`: the victim who reported by phone,
written to for the first time about her own case). A partner organisation's
domain (`recipients.partner_domains`) vouches for its new staff. The
recipient's own name is not someone else's personal data.
"""

from __future__ import annotations

from mailwarden.detect.finding import PERSONAL_DATA_TYPES, FindingType
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
        if not personal:
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


RULE = FirstTimeExternal()
