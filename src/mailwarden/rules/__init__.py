"""Judge stage: one rule per module, each asking of one recipient "should this copy go?".

`DEFAULT_RULES` is the built-in set until the policy file names its own.
"""

from mailwarden.rules import sensitive_to_external, unparseable_recipient, unscannable_content
from mailwarden.rules.base import Reason, Rule, RuleInput, Verdict

DEFAULT_RULES: tuple[Rule, ...] = (
    unparseable_recipient.RULE,
    unscannable_content.RULE,
    sensitive_to_external.RULE,
)

__all__ = ["DEFAULT_RULES", "Reason", "Rule", "RuleInput", "Verdict"]
