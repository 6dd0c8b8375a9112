"""What several recipient rules ask alike: who is outside, what ties a recipient to a key,
how to name things in a sentence, and the body's text.

Private to `rules/`: a rule module imports from here; nothing else should.

A recipient *belongs with* a key (a case, a person, an identifier, a file) when
the snapshot shows it: the address sent or received mail carrying it, an
imported case list allows it, it took part in the thread that carried it, it
is named as a person in the key's case (`Knowledge.named`), or the key belongs
to a case the recipient belongs with. An address the organisation has never
exchanged mail with also belongs where someone at its organisation's domain
does (the newly allocated social worker); one with mail of its own does not
(the wrong colleague picked by autocomplete). Personal and shared domains
(gmail.com, nhs.net) are never one organisation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

from mailwarden.detect.finding import Finding, FindingType, count_phrase
from mailwarden.extract.formats.html import html_to_text
from mailwarden.extract.formats.textcodec import decode_text
from mailwarden.knowledge.features import Feature, normalise
from mailwarden.knowledge.model import FeatureKind, KeyHistory, Knowledge
from mailwarden.message.model import Message, Recipient
from mailwarden.rules.base import RuleInput

PERSONAL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk",
        "live.com", "live.co.uk", "msn.com", "yahoo.com", "yahoo.co.uk", "ymail.com",
        "icloud.com", "me.com", "mac.com", "aol.com", "aol.co.uk", "protonmail.com",
        "proton.me", "pm.me", "gmx.com", "gmx.co.uk", "mail.com", "zoho.com",
        "btinternet.com", "btopenworld.com", "sky.com", "virginmedia.com", "ntlworld.com",
        "blueyonder.co.uk", "talktalk.net", "tiscali.co.uk", "plus.net", "outlook.co.uk",
    }
)  # fmt: skip
"""Webmail and home-broadband domains: each address on them is one private person."""

SHARED_DOMAINS = PERSONAL_DOMAINS | {"nhs.net"}
"""Domains that many unrelated people or organisations share: never one organisation."""

KEY_KINDS = (FeatureKind.CASE, FeatureKind.PERSON, FeatureKind.IDENTIFIER)
"""The kinds that say which case or whom a message is about (attachments' fingerprints aside)."""


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def is_personal(address: str) -> bool:
    return domain_of(address) in PERSONAL_DOMAINS


def party_of(address: str) -> str:
    """Who stands behind an address: its organisation's domain, or the address itself on a
    personal or shared domain."""
    domain = domain_of(address)
    return address.lower() if domain in SHARED_DOMAINS else domain


def is_external(subject: RuleInput, recipient: Recipient) -> bool:
    mailbox = recipient.mailbox
    return mailbox.is_valid and not subject.is_internal(mailbox.domain)


def is_partner(subject: RuleInput, address: str) -> bool:
    return subject.settings.is_partner(address)


# --- what ties a recipient to a key ----------------------------------------------------


def _allows(allowed: Iterable[str], address: str) -> bool:
    """An imported case list may name addresses, or whole domains ("@school.sch.uk")."""
    domain = domain_of(address)
    return any(entry in (address, domain, "@" + domain) for entry in allowed)


def associated(history: KeyHistory, address: str, knowledge: Knowledge | None = None) -> bool:
    """The address has had mail carrying the key, or the case list allows it; or it is new
    (no mail yet) at an organisation that has: the newly allocated social worker, the
    school's new safeguarding lead. Someone at that organisation with mail of their own who
    has never had the key is not associated: the autocomplete slip to the wrong colleague."""
    if address in history.correspondents or _allows(history.allowed, address):
        return True
    return same_organisation(history, address) and not established(knowledge, address)


def same_organisation(history: KeyHistory, address: str) -> bool:
    """Someone else at the address's organisation (never a webmail neighbour) has had it."""
    party = party_of(address)
    if party == address:
        return False
    return any(party_of(other) == party for other in history.correspondents | history.allowed)


def established(knowledge: Knowledge | None, address: str) -> bool:
    """The organisation has exchanged mail with the address (a directory entry alone is not)."""
    entry = knowledge.correspondent(address) if knowledge is not None else None
    return entry is not None and (entry.sent_to > 0 or entry.received_from > 0)


def owners(subject: RuleInput, history: KeyHistory) -> tuple[str, ...]:
    """The outside addresses a key has been discussed with or is allowed to, sorted."""
    outside = {
        a for a in history.correspondents | history.allowed if not subject.is_internal(domain_of(a))
    }
    return tuple(sorted(outside))


WIDELY_SHARED = 8
"""A key discussed with this many outside parties (organisations, or private addresses)
belongs to no one in particular: a headteacher's name, a public figure."""

CIRCULATED_FILE = 3
"""A file sent to or received from this many outside parties is a circulated document (a
leaflet, a form, a newsletter), not one correspondent's."""


def belongs_to_someone(subject: RuleInput, kind: FeatureKind, history: KeyHistory) -> bool:
    """The key has owners outside, and few enough of them to be theirs."""
    parties = {party_of(a) for a in owners(subject, history)}
    limit = CIRCULATED_FILE if kind is FeatureKind.ATTACHMENT else WIDELY_SHARED
    return 0 < len(parties) < limit


def discussed_outside(subject: RuleInput, history: KeyHistory) -> set[str]:
    """The outside addresses that sent or received mail carrying the key."""
    return {a for a in history.correspondents if not subject.is_internal(domain_of(a))}


def whom(discussed: Iterable[str], allowed: Iterable[str], colleagues: bool) -> str:
    """ "discussed with a@x and colleagues", "allowed by the case list to b@y"."""
    discussed, allowed = set(discussed), set(allowed) - set(discussed)
    if not discussed:
        return f"allowed by the case list to {who(allowed)}"
    text = f"discussed with {who(discussed, colleagues)}"
    return text + (f" (and the case list allows {who(allowed)})" if allowed else "")


def has_colleagues(subject: RuleInput, history: KeyHistory) -> bool:
    return any(subject.is_internal(domain_of(a)) for a in history.correspondents)


@dataclass(frozen=True, slots=True)
class Standing:
    """What the snapshot ties one recipient to, among this message's keys and its thread."""

    address: str
    keys: frozenset[str]
    """Message keys the recipient belongs with (its own mail, the case list, the thread, its
    own name)."""
    cases: frozenset[str]
    """Cases the recipient belongs with: its keys' cases, the thread's if it took part, the
    cases it is named in."""
    organisation_cases: frozenset[str] = frozenset()
    """Cases of this message that others at the recipient's organisation have had."""

    def belongs(self, key: str, history: KeyHistory | None) -> bool:
        if key in self.keys or key in self.cases:
            return True
        return history is not None and bool(history.cases & self.cases)


def standing(subject: RuleInput, recipient: Recipient, knowledge: Knowledge) -> Standing:
    address = recipient.mailbox.address
    keys: set[str] = set()
    cases: set[str] = set()
    organisation: set[str] = set()
    thread = knowledge.thread
    if thread is not None and address in thread.participants:
        keys |= thread.keys
        cases |= thread.cases
    for person in knowledge.named.get(address, ()):
        keys.add(person.key)
        cases |= person.cases
    for feature in subject.features.features:
        history = knowledge.history(feature.key)
        if history is None:
            continue
        own = {feature.key} if feature.kind is FeatureKind.CASE else set()
        if same_organisation(history, address):
            organisation |= history.cases | own
        if associated(history, address, knowledge):
            keys.add(feature.key)
            cases |= history.cases | own
    return Standing(address, frozenset(keys), frozenset(cases), frozenset(organisation))


LIST_CASES = 3
"""A message carrying this many known cases is a list (a MASH daily list, a court list)."""


def list_for(subject: RuleInput, knowledge: Knowledge, mine: Standing) -> bool:
    """The message is a list of cases, and at least a third of them are the recipient's or
    its organisation's: the list an agency receives, not a slip. A message about one or two
    cases (in its subject and body, or its thread) with many more attached is not a list but
    an over-share: the whole export sent to answer a question about one family."""
    known = [f for f in subject.features.of_kind(FeatureKind.CASE) if knowledge.history(f.key)]
    cases = {f.key for f in known}
    if len(cases) < LIST_CASES:
        return False
    about = {f.key for f in known if outside_attachments(f)}
    thread = knowledge.thread
    if thread is not None:
        about |= thread.cases
    if 0 < len(about) < LIST_CASES:
        return False
    ours = cases & (mine.cases | mine.organisation_cases)
    return 3 * len(ours) >= len(cases)


# --- the recipient's own name ----------------------------------------------------------


def names_of(subject: RuleInput, recipient: Recipient) -> tuple[str, ...]:
    """The display names the message and the store give the recipient."""
    names = [recipient.mailbox.display_name]
    if subject.knowledge is not None:
        known = subject.knowledge.correspondent(recipient.mailbox.address)
        if known is not None:
            names.extend(known.display_names)
    return tuple(dict.fromkeys(n for n in names if n.strip()))


def _name_words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[^\W\d_]+", normalise(FeatureKind.PERSON, text)))


def is_own_name(text: str, names: Sequence[str]) -> bool:
    """True when a named person is the recipient: every word of the name is in one of its
    display names ("John Smith" in "Smith, John (Mr)")."""
    words = _name_words(text)
    return len(words) >= 2 and any(words <= _name_words(n) for n in names)


_DATE = re.compile(
    r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{2,4}"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{2,4}"
)


def is_shared_value(feature: Feature) -> bool:
    """An identifier many people have (a date of birth: a class of thirty shares a few), so it
    ties a message to no one by itself."""
    return feature.kind is FeatureKind.IDENTIFIER and bool(_DATE.fullmatch(feature.label.strip()))


def about_others(subject: RuleInput, recipient: Recipient) -> tuple[Feature, ...]:
    """The message's cases, people and identifiers that say whom it is about, less the
    recipient's own name and values many people share (dates of birth)."""
    names = names_of(subject, recipient)
    return tuple(
        f
        for f in subject.features.of_kind(*KEY_KINDS)
        if not (f.kind is FeatureKind.PERSON and is_own_name(f.label, names))
        and not is_shared_value(f)
    )


def outside_attachments(feature: Feature) -> bool:
    return any(not loc.startswith("attachment:") for loc in feature.locations)


# --- words -----------------------------------------------------------------------------


def label(feature: Feature) -> str:
    """How a feature is named in a sentence: "case AB/25/0093", "'Ellie Marsh'"."""
    if feature.kind is FeatureKind.CASE:
        return f"case {feature.label}"
    return f"'{feature.label}'"


def by_weight(features: Iterable[Feature]) -> list[Feature]:
    """People first, then identifiers, then cases: the order a reader takes them in."""
    order = {FeatureKind.PERSON: 0, FeatureKind.IDENTIFIER: 1, FeatureKind.CASE: 2}
    return sorted(features, key=lambda f: order.get(f.kind, 3))


def phrase(items: Sequence[str], limit: int = 4) -> str:
    """ "a", "a and b", "a, b and c", "a, b, c and 2 others"."""
    items = list(dict.fromkeys(items))
    if len(items) > limit:
        shown, rest = items[: limit - 1], len(items) - (limit - 1)
        return ", ".join(shown) + f" and {rest} others"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def labels(features: Iterable[Feature], limit: int = 4) -> str:
    return phrase([label(f) for f in by_weight(features)], limit)


def who(addresses: Iterable[str], colleagues: bool = False, limit: int = 3) -> str:
    """ "safeguarding@greenfield.sch.uk and colleagues", "a@x, b@y, c@z, 2 others"."""
    names = sorted(set(addresses))
    shown = names[:limit] + ([f"{len(names) - limit} others"] if len(names) > limit else [])
    return phrase(shown + (["colleagues"] if colleagues else []), limit=limit + 2)


def place(location: str) -> str:
    """ "the body", "the subject", "the attachment 'Pupils.xlsx'"."""
    if location.startswith("attachment:"):
        return f"the attachment '{location.removeprefix('attachment:').split('/')[0]}'"
    return {"body": "the body", "header:subject": "the subject"}.get(location, location)


def have(count: int) -> str:
    return "has" if count == 1 else "have"


_SUMMARY_ORDER = (
    FindingType.CHILD,
    FindingType.SPECIAL_CATEGORY,
    FindingType.CRIMINAL_OFFENCE,
    FindingType.PERSON,
)


def summary(findings: Iterable[Finding]) -> str:
    """ "2 references to children, 3 named people and 1 date of birth"."""
    counts = Counter(f.type for f in findings)
    first = [t for t in _SUMMARY_ORDER if t in counts]
    rest = sorted(t for t in counts if t not in _SUMMARY_ORDER)
    return phrase([count_phrase(t, counts[t]) for t in first + rest], limit=len(counts))


# --- the body's text -------------------------------------------------------------------

_MAX_BODY_BYTES = 256 * 1024
"""The rules read the start of a body (greetings, what the recipients share), not all of it."""

_last_body: tuple[Message, str] | None = None


def body_text(message: Message) -> str:
    """The first body part's text as a reader sees it (HTML read as text)."""
    global _last_body
    last = _last_body
    if last is not None and last[0] is message:  # several recipients, one message
        return last[1]
    text = ""
    for part in message.body_parts:
        raw = decode_text(part.payload[:_MAX_BODY_BYTES], part.charset)
        text = html_to_text(raw) if "html" in part.content_type else raw
        if text.strip():
            break
    _last_body = (message, text)
    return text


# --- once per message ------------------------------------------------------------------

T = TypeVar("T")
_last_memo: tuple[RuleInput, dict[str, object]] | None = None


def once(subject: RuleInput, name: str, compute: Callable[[], T]) -> T:
    """What a rule works out about the whole message, computed for its first recipient and
    kept for the others (a list of 500 recipients must not cost 500 times over)."""
    global _last_memo
    last = _last_memo
    if last is None or last[0] is not subject:
        last = _last_memo = (subject, {})
    if name not in last[1]:
        last[1][name] = compute()
    return cast(T, last[1][name])
