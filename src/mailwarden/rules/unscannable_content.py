"""Part of the message could not be read (encrypted, corrupt, over a limit) and it goes out."""

from __future__ import annotations

from mailwarden.message.model import Recipient
from mailwarden.rules.base import Reason, RuleInput, Verdict


class UnscannableContent:
    name = "unscannable_content"
    description = "Content that could not be scanned is going outside the organisation."
    severity = Verdict.CONFIRM

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        if not recipient.mailbox.is_valid or subject.is_internal(recipient.mailbox.domain):
            return None
        unreadable = [p for p in subject.problems if p.unscannable]
        if not unreadable:
            return None
        where = ", ".join(dict.fromkeys(p.location for p in unreadable))
        return Reason(
            rule=self.name,
            action=self.severity,
            explanation=(
                f"{where} could not be scanned ({unreadable[0].detail}), so what it contains "
                f"is unknown, and {recipient.mailbox.address} is outside the organisation."
            ),
            evidence=tuple(p.location for p in unreadable),
        )


RULE = UnscannableContent()
