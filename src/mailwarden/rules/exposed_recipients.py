"""Outside recipients who do not know each other, put in To/Cc where Bcc was meant.

Everyone in To and Cc sees everyone else's address; when they are victims
of one crime, patients of one clinic or members of one support group, the
list itself says something about each of them. The rule counts the parties
in To/Cc who would see each other: the outside recipients, grouped so that
people who already know each other count once (the same organisation's
domain; on personal webmail every address is its own person; with a store,
also the same directory organisation, and the people of the thread being
replied to, who have been on one message before). Partner organisations'
staff and colleagues are professionals whose addresses are not exposed.
With the policy's `exposed_min_external` parties or more it asks the sender
to confirm, and holds the message when the subject or body says what they
share ("victims", "patients", "support group", "parents of"...) or carries
a special-category detail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mailwarden.detect.finding import FindingType
from mailwarden.message.model import AddressField, Recipient
from mailwarden.rules._shared import body_text, is_external, is_partner, once, party_of, who
from mailwarden.rules.base import Reason, RuleInput, Verdict

SHARED_CIRCUMSTANCE = re.compile(
    r"\b(?:victims?|patients?|survivors?|service[ -]users?|support[ -]group|"
    r"(?:parents|families|relatives|carers|friends)[ -]of|bereaved|witnesses|"
    r"those affected|(?:people|residents|families) affected|affected by|"
    r"domestic (?:abuse|violence)|sexual (?:abuse|assault|violence)|abuse survivors?|"
    r"recovery group|addiction|rehab|hiv|mental health|counselling|clinic|"
    r"claimants|asylum|refugees?|tenants of)\b",
    re.IGNORECASE,
)
"""Words that say what a list of people have in common."""

_MAX_TEXT = 20_000


class ExposedRecipients:
    name = "exposed_recipients"
    description = "Outside recipients who do not know each other can see each other in To/Cc."
    severity = Verdict.CONFIRM
    """HOLD when the message says what they share."""

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        if not _exposed(subject, recipient):
            return None
        exposed, parties = once(subject, self.name, lambda: _in_view(subject))
        if parties < subject.settings.exposed_min_external:
            return None
        address = recipient.mailbox.address
        others = [a for a in exposed if a != address]
        shared = once(subject, self.name + ":shared", lambda: what_they_share(subject))
        explanation = (
            f"{address} is one of {len(exposed)} outside recipients in To/Cc, from {parties} "
            f"households or organisations that have not been on a message together "
            f"(with {who(others)}): each can see the others' addresses (Bcc would keep them "
            "private)"
        )
        if shared:
            explanation += f", and the message says what they have in common ('{shared}')"
        return Reason(
            rule=self.name,
            action=Verdict.HOLD if shared else self.severity,
            explanation=explanation + ".",
            evidence=(*others[:10], *([shared] if shared else [])),
        )


def _exposed(subject: RuleInput, recipient: Recipient) -> bool:
    return (
        recipient.field is not AddressField.BCC
        and is_external(subject, recipient)
        and not is_partner(subject, recipient.mailbox.address)
    )


def _in_view(subject: RuleInput) -> tuple[list[str], int]:
    """The outside addresses in To/Cc, and how many parties that do not know each other."""
    exposed = [r.mailbox.address for r in subject.message.recipients if _exposed(subject, r)]
    exposed = list(dict.fromkeys(exposed))
    return exposed, len(_acquainted(subject, exposed))


def _acquainted(subject: RuleInput, addresses: Sequence[str]) -> list[set[str]]:
    """The addresses grouped into people who already know each other."""
    group_of = {a: {a} for a in addresses}

    def join(a: str, b: str) -> None:
        if group_of[a] is group_of[b]:
            return
        merged = group_of[a] | group_of[b]
        for member in merged:
            group_of[member] = merged

    ties: dict[str, str] = {}
    knowledge = subject.knowledge
    for address in addresses:
        marks = [f"party:{party_of(address)}"]
        if knowledge is not None:
            entry = knowledge.correspondent(address)
            if entry is not None and entry.organisation:
                marks.append(f"organisation:{entry.organisation.casefold()}")
            if knowledge.thread is not None and address in knowledge.thread.participants:
                marks.append("thread")
        for mark in marks:
            join(address, ties.setdefault(mark, address))
    return list({id(g): g for g in group_of.values()}.values())


def what_they_share(subject: RuleInput) -> str:
    """The words or detail that say what the recipients have in common, or ""."""
    for finding in subject.findings:
        if finding.type is FindingType.SPECIAL_CATEGORY and not finding.location.startswith(
            "attachment:"
        ):
            return finding.text
    text = f"{subject.message.subject}\n{body_text(subject.message)[:_MAX_TEXT]}"
    found = SHARED_CIRCUMSTANCE.search(text)
    return found.group(0) if found else ""


RULE = ExposedRecipients()
