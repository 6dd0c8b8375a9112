"""Judge stage: one rule per module, each asking of one recipient "should this copy go?".

`DEFAULT_RULES` is the built-in set until the policy file names its own, most
specific first (every rule runs; the order is the order reasons are listed in
at equal severity). The recipient rules that need to know who has discussed
what (`unrelated_recipient`, `wrong_thread`, `wrong_attachment`,
`lookalike_address`, `first_time_external`, `greeting_mismatch`) say nothing
when the scan has no knowledge store; the rest read only the message.
"""

from mailwarden.rules import (
    bulk_personal_data,
    exposed_recipients,
    first_time_external,
    greeting_mismatch,
    lookalike_address,
    protective_marking,
    sensitive_to_external,
    unparseable_recipient,
    unrelated_recipient,
    unscannable_content,
    wrong_attachment,
    wrong_thread,
)
from mailwarden.rules.base import Reason, ReasonKind, Rule, RuleInput, Verdict
from mailwarden.rules.settings import PolicySettings

DEFAULT_RULES: tuple[Rule, ...] = (
    unparseable_recipient.RULE,  # who it is cannot be read at all
    protective_marking.RULE,  # the marking says who may have it
    wrong_attachment.RULE,  # one file belongs elsewhere
    wrong_thread.RULE,  # the content belongs to another case than the thread's
    unrelated_recipient.RULE,  # the content belongs to other correspondents
    lookalike_address.RULE,  # the address is a near miss of a known one
    greeting_mismatch.RULE,  # the greeting names someone else
    bulk_personal_data.RULE,  # many people's records at once
    exposed_recipients.RULE,  # strangers who can see each other
    first_time_external.RULE,  # personal data to an address never used
    unscannable_content.RULE,  # what it carries is unknown
    sensitive_to_external.RULE,  # personal data leaves the organisation at all
)

__all__ = [
    "DEFAULT_RULES",
    "PolicySettings",
    "Reason",
    "ReasonKind",
    "Rule",
    "RuleInput",
    "Verdict",
]
