"""What the policy file tells the rules beyond actions: thresholds, partners and clearances.

The scanner builds one `PolicySettings` per policy (`mailwarden.policy.policy_settings`,
which falls back to the config's deprecated `[recipients]` and `[markings]` keys) and
hands it to every rule in `RuleInput.settings`. The defaults here are what a rule sees
when nobody says otherwise. Addresses and domains are kept lower-case, without "@".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from mailwarden.config import Marking


@dataclass(frozen=True, slots=True)
class PolicySettings:
    """The numbers and lists the rules judge by."""

    bulk_people: int = 10
    """This many different people's details to one outside recipient is bulk personal data."""
    exposed_min_external: int = 3
    """This many outside parties in To/Cc who have not written to each other are exposed."""
    lookalike_max_distance: int = 2
    """An unknown address within this many edits of a known contact's is a look-alike."""
    partners: frozenset[str] = frozenset()
    """Partner organisations' domains (sub-domains included) and single partner addresses."""
    clearances: Mapping[str, Marking] = field(default_factory=dict)
    """The highest marking an address or a domain (sub-domains included) may receive."""
    internal_clearance: Marking = "SECRET"
    """What the organisation's own addresses are cleared for unless `clearances` says."""
    default_clearance: Marking = "OFFICIAL"
    """What everyone else is cleared for unless `clearances` says."""

    def is_partner(self, address: str) -> bool:
        """The address, or its domain or a parent domain, is a partner."""
        return any(entry in self.partners for entry in covering(address))

    def clearance(self, address: str, internal: bool) -> Marking:
        """The highest marking the address may receive: its own entry, else its nearest
        domain's, else the internal or the default clearance."""
        for entry in covering(address):
            if entry in self.clearances:
                return self.clearances[entry]
        return self.internal_clearance if internal else self.default_clearance


def covering(address: str) -> Iterator[str]:
    """The address, then its domain and each parent domain, nearest first ("a@x.b.org",
    "x.b.org", "b.org"; never the top-level domain alone)."""
    address = address.lower()
    yield address
    labels = address.rpartition("@")[2].split(".")
    for start in range(len(labels) - 1):
        yield ".".join(labels[start:])
