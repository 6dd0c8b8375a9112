"""Decide stage: reasons per recipient and the policy file → a verdict per recipient."""

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
    "recipient_class",
]
