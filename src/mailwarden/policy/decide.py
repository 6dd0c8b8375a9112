"""Decide stage: a recipient's reasons and the policy → one verdict and the line that decided. Pure.

Each reason's action is what the policy gives its rule for the recipient's
class (or the rule's own severity when the policy does not name it); an
allow-list entry still in force turns it into deliver. The verdict is the most
severe action left; no reason means deliver.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mailwarden.message.model import Recipient
from mailwarden.policy.schema import Policy, RecipientClass
from mailwarden.rules.base import Reason, RuleInput, Verdict

RULE_DEFAULT = "rule default severity"
NOTHING_FIRED = "no rule fired"


@dataclass(frozen=True, slots=True)
class RecipientDecision:
    """The verdict for one recipient's copy, every reason behind it, and what decided it."""

    recipient: Recipient
    verdict: Verdict
    reasons: tuple[Reason, ...]
    decided_by: str = RULE_DEFAULT
    """The policy line that set the verdict, e.g. 'policy.toml:42 [actions.wrong_thread]
    new = "hold"', or 'rule default severity'."""


def decide(
    recipient: Recipient,
    reasons: Sequence[Reason],
    policy: Policy | None = None,
    recipient_class: RecipientClass = RecipientClass.NEW,
    today: date | None = None,
) -> RecipientDecision:
    """The most severe action the policy gives any reason for this recipient's class."""
    if not reasons:
        return RecipientDecision(recipient, Verdict.DELIVER, (), NOTHING_FIRED)
    today = today or date.today()
    judged: list[tuple[Reason, str]] = []
    for reason in reasons:
        action, line = reason.action, RULE_DEFAULT
        if policy is not None:
            found = policy.action(policy_key(reason), recipient_class) or policy.action(
                reason.rule, recipient_class
            )
            if found is not None:
                action, line = found
            allowed = policy.allowed(recipient.mailbox.address, reason.rule, today)
            if allowed is not None:
                action, line = Verdict.DELIVER, allowed
        judged.append((dataclasses.replace(reason, action=action), line))
    judged.sort(key=lambda pair: -pair[0].action.rank)  # stable: rule order at equal rank
    return RecipientDecision(
        recipient, judged[0][0].action, tuple(r for r, _ in judged), judged[0][1]
    )


def policy_key(reason: Reason) -> str:
    """The policy line a reason is looked up under: its kind when it has one (for unreadable
    content: too_large, too_slow, unscannable), else its rule's name."""
    return reason.rule if reason.kind is None else reason.kind.value


def recipient_class(subject: RuleInput, recipient: Recipient) -> RecipientClass:
    """Internal, partner (under the policy's [partners]), known (the store has seen the
    address) or new. An address that will not parse is new."""
    mailbox = recipient.mailbox
    if not mailbox.is_valid:
        return RecipientClass.NEW
    domain = mailbox.domain.lower()
    if subject.is_internal(domain):
        return RecipientClass.INTERNAL
    if subject.settings.is_partner(mailbox.address):
        return RecipientClass.PARTNER
    if subject.knowledge is not None:
        correspondent = subject.knowledge.correspondent(mailbox.address)
        if correspondent is not None and correspondent.known:
            return RecipientClass.KNOWN
    return RecipientClass.NEW
