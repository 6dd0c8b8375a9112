"""Decide stage: reasons per recipient and the policy file → a verdict per recipient; and
the thresholds, partners and clearances the policy file gives the rules."""

from mailwarden.policy.decide import RecipientDecision, decide, recipient_class
from mailwarden.policy.schema import (
    Policy,
    PolicyError,
    RecipientClass,
    default_policy,
    line_of,
    load_policy,
    parse_policy,
)
from mailwarden.policy.settings import policy_settings

__all__ = [
    "Policy",
    "PolicyError",
    "RecipientClass",
    "RecipientDecision",
    "decide",
    "default_policy",
    "line_of",
    "load_policy",
    "parse_policy",
    "policy_settings",
    "recipient_class",
]
