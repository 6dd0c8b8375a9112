"""A new address that looks like a known contact's: the autocomplete slip, the typo.

The store offers, for each recipient it does not know, the known addresses that
look like it (`Knowledge.similar`); this rule says whether, and how, they do:
the same name before the @ on a misspelt or another domain, a letter or two
different on the same domain, a personal webmail address with the same name
as a work one, or the same person's display name on a different address.
Generic mailboxes (office@, info@, safeguarding@) at two different
organisations are two organisations, not a slip; nor is an address made of
the other name the message gives it ("Gemma Lewis <gemma.lewis@...>" beside a
known emma.lewis@): a new colleague of the known contact. A colleague's new
address is trusted.
"""

from __future__ import annotations

import re

from mailwarden.knowledge.model import Correspondent
from mailwarden.message.model import Address, Recipient
from mailwarden.rules._shared import is_external, is_personal
from mailwarden.rules.base import Reason, RuleInput, Verdict

GENERIC_MAILBOXES = frozenset(
    {
        "accounts", "admin", "advice", "contact", "duty", "enquiries", "enquiry", "finance",
        "general", "head", "headteacher", "hello", "help", "hr", "info", "mail", "mash",
        "office", "post", "reception", "referrals", "safeguarding", "sales", "school",
        "secure", "support", "team",
    }
)  # fmt: skip
"""Mailbox names every organisation has: the same one elsewhere is another organisation's."""

_ROLE_WORDS = re.compile(
    r"\b(?:team|office|department|dept|unit|service|services|desk|support|reception|admin|"
    r"enquiries|school|academy|council|police|ltd|limited|llp|solicitors|trust|hub)\b",
    re.IGNORECASE,
)


class LookalikeAddress:
    name = "lookalike_address"
    description = "A new address looks like a known contact's (typo, swapped domain, webmail twin)."
    severity = Verdict.HOLD

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        knowledge = subject.knowledge
        if knowledge is None or not is_external(subject, recipient):
            return None
        mailbox = recipient.mailbox
        entry = knowledge.correspondent(mailbox.address)
        if entry is not None and entry.known:
            return None
        limit = subject.settings.lookalike_max_distance
        for known in knowledge.similar.get(mailbox.address, ()):
            why = resemblance(mailbox, known, limit)
            if why is None:
                continue
            who = f" ({known.display_names[0]})" if known.display_names else ""
            return Reason(
                rule=self.name,
                action=self.severity,
                explanation=(
                    f"{mailbox.address} has never been written to, and looks like "
                    f"{known.address}{who}, a known contact: {why}."
                ),
                evidence=(mailbox.address, known.address),
            )
        return None


def resemblance(mailbox: Address, known: Correspondent, limit: int) -> str | None:
    """How a new address resembles a known one, in words; None when it does not."""
    address, other = mailbox.address, known.address.lower()
    if address == other:
        return None
    local, _, domain = address.rpartition("@")
    known_local, _, known_domain = other.rpartition("@")
    if domain == known_domain:
        near = distance(local, known_local, limit)
        allowed = min(limit, max(1, min(len(local), len(known_local)) // 3))
        if near <= allowed and not _someone_else(mailbox, known):
            return f"the name before the @ differs by {_letters(near)}"
    elif local == known_local:
        if distance(domain, known_domain, limit) <= limit:
            return f"the domain {domain} looks like a misspelling of {known_domain}"
        if is_personal(address) and not is_personal(other):
            return "the same name on a personal webmail address"
        if local not in GENERIC_MAILBOXES:
            return f"the same name at {domain} instead of {known_domain}"
    elif (near := distance(address, other, limit)) <= limit and not _someone_else(mailbox, known):
        return f"the address differs by {_letters(near)}"
    name = _personal_name(mailbox.display_name)
    if name and any(name == _personal_name(n) for n in known.display_names):
        twin = " on a personal webmail address" if is_personal(address) else ""
        return f"the same name, {mailbox.display_name}, on a different address{twin}"
    if is_personal(address) and not is_personal(other):
        words = frozenset(w for w in re.split(r"[._\-+\d]+", local) if w)
        if len(words) >= 2 and any(words == _personal_name(n) for n in known.display_names):
            return "a personal webmail address made of the same person's name"
    return None


def _someone_else(mailbox: Address, known: Correspondent) -> bool:
    """The message names another person than the known contact, and the address is made of
    that name: Gemma Lewis <gemma.lewis@...> is a new colleague of Emma Lewis, not a typo."""
    name = _personal_name(mailbox.display_name)
    if not name or any(name == _personal_name(n) for n in known.display_names):
        return False
    local = mailbox.address.rpartition("@")[0]
    words = {w for w in re.split(r"[._\-+\d]+", local) if w}
    return bool(words) and words <= name | {w[0] for w in name}


def _personal_name(display_name: str) -> frozenset[str]:
    """The words of a person's name ("Smith, John" = "John Smith"); empty for a team's."""
    if _ROLE_WORDS.search(display_name):
        return frozenset()
    words = frozenset(w.casefold() for w in re.findall(r"[^\W\d_]+", display_name))
    return words if len(words) >= 2 else frozenset()


def _letters(count: int) -> str:
    return "one character" if count == 1 else f"{count} characters"


def distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, change, swap two neighbours) from a to b; limit + 1 if more."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


RULE = LookalikeAddress()
