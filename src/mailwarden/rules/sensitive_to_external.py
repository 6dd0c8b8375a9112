"""Personal or sensitive data addressed outside the organisation: ask the sender to confirm.

The content-only default, for scans without a knowledge store. With a store the
recipient rules know who belongs with what, and asking about every outside
message would cry wolf on the organisation's ordinary work (87% false alarms in
bench/misdirection.py), so this rule stands down and `first_time_external`
asks about the outside addresses nobody knows.
"""

from __future__ import annotations

from collections import Counter

from mailwarden.detect.finding import PERSONAL_DATA_TYPES, FindingType, count_phrase
from mailwarden.message.model import Recipient
from mailwarden.rules.base import Reason, RuleInput, Verdict

_SUMMARY_ORDER = (
    FindingType.CHILD,
    FindingType.SPECIAL_CATEGORY,
    FindingType.CRIMINAL_OFFENCE,
    FindingType.PERSON,
)


class SensitiveToExternal:
    name = "sensitive_to_external"
    description = "Without a knowledge store: personal data going outside the organisation."
    severity = Verdict.CONFIRM

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        if subject.knowledge is not None:
            return None
        if not recipient.mailbox.is_valid or subject.is_internal(recipient.mailbox.domain):
            return None
        sensitive = [f for f in subject.findings if f.type in PERSONAL_DATA_TYPES]
        marked = [f for f in subject.findings if f.type is FindingType.PROTECTIVE_MARKING]
        if not sensitive and not marked:
            return None
        counts = Counter(f.type for f in sensitive + marked)
        summary = ", ".join(count_phrase(t, n) for t, n in _ordered(counts))
        return Reason(
            rule=self.name,
            action=self.severity,
            explanation=(
                f"{recipient.mailbox.address} is outside the organisation and the message "
                f"contains {summary}."
            ),
            evidence=tuple(dict.fromkeys(f.text for f in sensitive + marked))[:10],
        )


def _ordered(counts: Counter[FindingType]) -> list[tuple[FindingType, int]]:
    first = [(t, counts[t]) for t in _SUMMARY_ORDER if t in counts]
    rest = sorted((t, n) for t, n in counts.items() if t not in _SUMMARY_ORDER)
    return first + rest


RULE = SensitiveToExternal()
