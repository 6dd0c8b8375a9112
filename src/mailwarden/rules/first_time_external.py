"""Personal data to an outside address the organisation has never written to or heard from.

A first message is where a wrong address does the most harm and is least
likely to be noticed: nobody has yet replied from it. Known means in the
directory, written to, or written from; an address a case list allows for one
of the message's cases is known for it, and a partner organisation's domain
(`recipients.partner_domains`) vouches for its new staff. The recipient's
own name is not someone else's personal data.
"""

from __future__ import annotations

from mailwarden.detect.finding import PERSONAL_DATA_TYPES, FindingType
from mailwarden.message.model import Recipient
from mailwarden.rules._shared import (
    associated,
    is_external,
    is_own_name,
    is_partner,
    names_of,
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
        if any(associated(h, address) for h in knowledge.keys.values()):
            return None
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
