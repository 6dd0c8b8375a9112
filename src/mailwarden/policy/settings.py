"""The rules' thresholds, partners and clearances: from the policy file, else the config.

Until the config's `[recipients]` and `[markings]` keys are removed, each
setting the policy file leaves out falls back to them, and then to the
built-in default:

    policy file                              config (deprecated)                   default
    [thresholds] bulk_people                 [recipients] bulk_people              10
    [thresholds] exposed_min_external        [recipients] exposed_min_external     3
    [thresholds] lookalike_max_distance      [recipients] lookalike_max_distance   2
    [partners] and [markings.cleared]        [recipients] partner_domains and      none
      (either present: both replace both)      [markings] clearances
    [markings] internal_clearance            [markings] internal_clearance         SECRET
    [markings] default_clearance             [markings] default_clearance          OFFICIAL
"""

from __future__ import annotations

from mailwarden.config import Config, Marking
from mailwarden.policy.schema import Policy, PolicyModel
from mailwarden.rules.settings import PolicySettings


def policy_settings(policy: Policy | None, config: Config) -> PolicySettings:
    """What the rules judge by, with this policy (None: the config alone) and config."""
    model = policy.model if policy is not None else PolicyModel()
    thresholds, markings = model.thresholds, model.markings
    recipients, legacy = config.recipients, config.markings
    partners = frozenset(recipients.partner_domains)
    clearances: dict[str, Marking] = dict(legacy.clearances)
    if model.partners is not None or markings.cleared is not None:
        listed = model.partners or {}
        partners = frozenset(listed)
        clearances = {k: p.cleared for k, p in listed.items() if p.cleared is not None}
        clearances |= markings.cleared or {}
    return PolicySettings(
        bulk_people=thresholds.bulk_people or recipients.bulk_people,
        exposed_min_external=thresholds.exposed_min_external or recipients.exposed_min_external,
        lookalike_max_distance=thresholds.lookalike_max_distance
        or recipients.lookalike_max_distance,
        partners=partners,
        clearances=clearances,
        internal_clearance=markings.internal_clearance or legacy.internal_clearance,
        default_clearance=markings.default_clearance or legacy.default_clearance,
    )
