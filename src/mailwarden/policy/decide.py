"""Decide stage: a recipient's reasons → one verdict. Pure.

Until the policy file exists, each reason carries the action its rule asks for
and the verdict is the most severe of them; no reason means deliver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mailwarden.message.model import Recipient
from mailwarden.rules.base import Reason, Verdict


@dataclass(frozen=True, slots=True)
class RecipientDecision:
    """The verdict for one recipient's copy and every reason behind it."""

    recipient: Recipient
    verdict: Verdict
    reasons: tuple[Reason, ...]


def decide(recipient: Recipient, reasons: Sequence[Reason]) -> RecipientDecision:
    """The most severe action any reason asks for."""
    verdict = max((r.action for r in reasons), key=lambda v: v.rank, default=Verdict.DELIVER)
    ordered = tuple(sorted(reasons, key=lambda r: -r.action.rank))
    return RecipientDecision(recipient, verdict, ordered)
