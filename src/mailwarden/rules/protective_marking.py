"""A protectively marked message to a recipient not cleared for its marking.

The marking is the highest PROTECTIVE_MARKING finding (its `category` is the
level). A recipient's clearance is what the policy says for its address, else
for its domain or the nearest parent domain (`[partners]`, `[markings.cleared]`),
else `internal_clearance` for the organisation's own domains and
`default_clearance` for everyone else (`PolicySettings.clearance`).
OFFICIAL-SENSITIVE above clearance is held; SECRET or TOP SECRET above
clearance is rejected when it stands as a marking (a banner, a label: score
0.9), and held when it is only a word in capitals in running text, which is as
often shouting as marking. The legacy markings (PROTECT, RESTRICTED,
CONFIDENTIAL) are held as OFFICIAL-SENSITIVE: what they became in 2014
depended on the content.
"""

from __future__ import annotations

from mailwarden.config import MARKING_ORDER
from mailwarden.detect.finding import Finding, FindingType
from mailwarden.message.model import Recipient
from mailwarden.rules._shared import place
from mailwarden.rules.base import Reason, RuleInput, Verdict

LEGACY = {
    "PROTECT": "OFFICIAL-SENSITIVE",
    "RESTRICTED": "OFFICIAL-SENSITIVE",
    "CONFIDENTIAL": "OFFICIAL-SENSITIVE",
}
"""Markings from before 2014, judged as the level most of what carried them became."""
_SENSITIVE = MARKING_ORDER.index("OFFICIAL-SENSITIVE")
_SECRET = MARKING_ORDER.index("SECRET")
_AS_A_MARKING = 0.85
"""The recognizer scores a marking that stands as one 0.9; one in running text 0.6."""


class ProtectiveMarking:
    name = "protective_marking"
    description = "A protective marking above what the recipient or its domain is cleared for."
    severity = Verdict.HOLD
    """REJECT for SECRET and above standing as a marking."""

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        if not recipient.mailbox.is_valid:
            return None
        marked = [
            (rank, f)
            for f in subject.findings
            if f.type is FindingType.PROTECTIVE_MARKING
            and (rank := level_rank(f.category)) is not None
            and rank >= _SENSITIVE
        ]
        if not marked:
            return None
        rank, finding = max(marked, key=lambda m: (m[0], m[1].score))
        cleared = clearance(subject, recipient.mailbox.address)
        if rank <= MARKING_ORDER.index(cleared):
            return None
        severe = rank >= _SECRET and finding.score >= _AS_A_MARKING
        level = MARKING_ORDER[rank]
        return Reason(
            rule=self.name,
            action=Verdict.REJECT if severe else self.severity,
            explanation=(
                f"The message is marked {_as_written(finding, level)} in "
                f"{place(finding.location)} and {recipient.mailbox.address} is cleared only for "
                f"{cleared}."
            ),
            evidence=(finding.text,),
        )


def level_rank(level: str) -> int | None:
    """Where a marking stands in MARKING_ORDER (legacy ones as what they mostly became)."""
    level = LEGACY.get(level.upper(), level.upper())
    return MARKING_ORDER.index(level) if level in MARKING_ORDER else None


def clearance(subject: RuleInput, address: str) -> str:
    """The highest marking the address may receive, by the policy."""
    return subject.settings.clearance(address, subject.is_internal(address.rpartition("@")[2]))


def _as_written(finding: Finding, level: str) -> str:
    if finding.category.upper() == level:
        return level
    return f"{finding.category.upper()} (an old marking, held as {level})"


RULE = ProtectiveMarking()
