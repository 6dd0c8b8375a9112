"""A recipient whose address cannot be read strictly: hold rather than guess who it is."""

from __future__ import annotations

from mailwarden.message.model import Recipient
from mailwarden.rules.base import Reason, RuleInput, Verdict


class UnparseableRecipient:
    name = "unparseable_recipient"
    description = "A recipient address that does not parse strictly cannot be checked."
    severity = Verdict.HOLD

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        if recipient.mailbox.is_valid:
            return None
        return Reason(
            rule=self.name,
            action=self.severity,
            explanation=(
                f"The address {recipient.mailbox.raw!r} cannot be read strictly, so who would "
                "receive the message cannot be checked."
            ),
            evidence=(recipient.mailbox.raw,),
        )


RULE = UnparseableRecipient()
