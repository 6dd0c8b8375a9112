"""Decide stage: reasons per recipient → a verdict per recipient."""

from mailwarden.policy.decide import RecipientDecision, decide

__all__ = ["RecipientDecision", "decide"]
