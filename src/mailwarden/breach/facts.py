"""What a breach knows from a message's findings: the people named (each once, "Ellie" merged
into "Ellie Marsh"), which of them are children and why, the categories of data with their
counts (identifiers masked), and who received it and when.

The findings carry no text around them, only where each stood (`SentFinding.place`: the
part, the segment in it, the sentence; `start`, `end` within the segment), so a child is
told by distance: a child cue (`CHILD`: "aged 12", "Year 8 pupil") belongs to the nearest
name within `NEAR` characters in the same sentence; a plural role cue ("pupils",
"children") governs the names listed after it in that sentence. Each decision says which
cue made it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mailwarden.detect.finding import IDENTIFIER_TYPES, LABELS, FindingType
from mailwarden.record.sent import SentFinding, SentMessage, SentRecipient

NEAR = 40
"""Characters between a child cue and a name for the cue to be that name's."""
LIST_REACH = 80
"""A plural role cue governs a list of names whose first starts within this many characters
after it..."""
LIST_GAP = 40
"""...and whose each next name starts within this many characters of the one before."""
NEXT_TO = 3
TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "pc", "dc", "ds", "di", "sgt"}
)
"""Honorifics and ranks dropped before names are compared."""
_PLURAL_ROLE = re.compile(
    r"(?:pupils|students|children|kids|boys|girls|minors|juveniles|teenagers|toddlers)$",
    re.IGNORECASE,
)
_IDENTIFIERS = IDENTIFIER_TYPES - {FindingType.EMAIL_ADDRESS}


class Source:
    """Where a breach's facts came from."""

    SENT = "sent"
    """A delivered message mailwarden recorded."""
    UPLOAD = "upload"
    """A message file the DPO uploaded (read, not kept)."""
    HAND = "hand"
    """Typed in by the DPO."""


@dataclass(frozen=True, slots=True)
class Person:
    """Someone the message named: the fullest form of the name, every form found, whether a
    child, and why (or why not)."""

    name: str
    mentions: tuple[str, ...]
    child: bool
    why: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "mentions": list(self.mentions),
            "child": self.child,
            "why": self.why,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Person:
        return cls(
            str(data["name"]),
            tuple(str(m) for m in data.get("mentions", [data["name"]])),
            bool(data.get("child", False)),
            str(data.get("why", "")),
        )


@dataclass(frozen=True, slots=True)
class DataCategory:
    """One kind of data in the message: "special category" ("health"), "criminal offence",
    "identifier" ("NHS number") and the like, how often, and the values (identifiers
    masked)."""

    kind: str
    name: str
    count: int
    values: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "count": self.count, "values": [*self.values]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DataCategory:
        return cls(
            str(data["kind"]),
            str(data["name"]),
            int(data["count"]),
            tuple(str(v) for v in data.get("values", [])),
        )


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone it was delivered to, in which field, and whether they should not have had it."""

    address: str
    field: str = "to"
    wrong: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"address": self.address, "field": self.field, "wrong": self.wrong}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Recipient:
        return cls(str(data["address"]), str(data.get("field", "to")), bool(data.get("wrong")))


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known of a breach's message; empty for a breach opened by hand."""

    source: str = Source.HAND
    sender: str = ""
    subject: str = ""
    message_id: str = ""
    sent_at: datetime | None = None
    recipients: tuple[Recipient, ...] = ()
    people: tuple[Person, ...] = ()
    categories: tuple[DataCategory, ...] = ()
    other_child_cues: tuple[str, ...] = ()
    """Child cues next to no name: children referred to without being named."""

    @property
    def children(self) -> tuple[Person, ...]:
        return tuple(p for p in self.people if p.child)

    @property
    def wrong_recipients(self) -> tuple[Recipient, ...]:
        return tuple(r for r in self.recipients if r.wrong)

    def of_kind(self, kind: str) -> tuple[DataCategory, ...]:
        return tuple(c for c in self.categories if c.kind == kind)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sender": self.sender,
            "subject": self.subject,
            "message_id": self.message_id,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "recipients": [r.to_json() for r in self.recipients],
            "people": [p.to_json() for p in self.people],
            "categories": [c.to_json() for c in self.categories],
            "other_child_cues": list(self.other_child_cues),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Facts:
        sent_at = data.get("sent_at")
        return cls(
            source=str(data.get("source", Source.HAND)),
            sender=str(data.get("sender", "")),
            subject=str(data.get("subject", "")),
            message_id=str(data.get("message_id", "")),
            sent_at=datetime.fromisoformat(sent_at) if sent_at else None,
            recipients=tuple(Recipient.from_json(r) for r in data.get("recipients", [])),
            people=tuple(Person.from_json(p) for p in data.get("people", [])),
            categories=tuple(DataCategory.from_json(c) for c in data.get("categories", [])),
            other_child_cues=tuple(str(c) for c in data.get("other_child_cues", [])),
        )


def facts_from_sent(sent: SentMessage, internal: Iterable[str] = ()) -> Facts:
    """The facts of a delivered message's record; recipients outside the `internal` domains
    are taken to be the wrong ones (the DPO corrects that when opening)."""
    return facts_of(
        sent.findings,
        source=Source.SENT,
        sender=sent.sender,
        subject=sent.subject,
        message_id=sent.message_id,
        sent_at=sent.delivered_at,
        recipients=sent.recipients,
        internal=internal,
    )


def facts_of(
    findings: Sequence[SentFinding],
    *,
    source: str,
    sender: str = "",
    subject: str = "",
    message_id: str = "",
    sent_at: datetime | None = None,
    recipients: Iterable[SentRecipient] = (),
    internal: Iterable[str] = (),
) -> Facts:
    """The facts of a message from its findings and addressing."""
    people, unplaced = people_named(findings)
    domains = tuple(d.lower() for d in internal)
    return Facts(
        source=source,
        sender=sender,
        subject=subject,
        message_id=message_id,
        sent_at=sent_at,
        recipients=tuple(
            Recipient(r.address, r.field, not _is_internal(r.address, domains)) for r in recipients
        ),
        people=people,
        categories=data_categories(findings),
        other_child_cues=unplaced,
    )


# ── people ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class _Mention:
    text: str
    location: str
    start: int
    end: int
    place: tuple[str, str, int]
    """The part, segment and sentence it stood in (`SentFinding.place`)."""


def name_tokens(name: str) -> tuple[str, ...]:
    """The name's words, lower case, honorifics dropped: "Mr J. Fenton" → ("j", "fenton")."""
    words = [w.strip(".,'’").lower() for w in name.split()]
    return tuple(w for w in words if w and w not in TITLES)


def people_named(findings: Sequence[SentFinding]) -> tuple[tuple[Person, ...], tuple[str, ...]]:
    """Each person named once, in order of first mention, with their child decision; and the
    child cues that stood next to no name."""
    groups = _group_names([f for f in findings if f.type is FindingType.PERSON])
    cues = [f for f in findings if f.type is FindingType.CHILD]
    owner_of: dict[int, int] = {}
    reasons: dict[int, str] = {}
    mentions = [(index, m) for index, group in enumerate(groups) for m in group]
    for cue in cues:
        governed = _governed_list(cue, mentions) if _PLURAL_ROLE.search(cue.text) else []
        for index in governed:
            owner_of.setdefault(id(cue), index)
            reasons.setdefault(index, f"child: one of the names listed after '{cue.text}'")
        if governed:
            continue
        nearest = _nearest(cue, mentions)
        if nearest is None:
            continue
        index, mention = nearest
        owner_of[id(cue)] = index
        reasons.setdefault(index, f"child: {_where(cue, mention)}")
    people = tuple(
        Person(
            name=_fullest(group),
            mentions=tuple(dict.fromkeys(m.text for m in group)),
            child=index in reasons,
            why=reasons.get(index, "no sign of a child's age, school year or role near the name"),
        )
        for index, group in enumerate(groups)
    )
    unplaced = tuple(dict.fromkeys(c.text for c in cues if id(c) not in owner_of))
    return people, unplaced


def _group_names(found: Sequence[SentFinding]) -> list[list[_Mention]]:
    """Mentions grouped by person: full names by first and last word; a lone word ("Ellie",
    "Mr Fenton") joins the one full name it is the first or last word of, if only one."""
    groups: list[list[_Mention]] = []
    by_key: dict[tuple[str, ...], int] = {}
    singles: list[tuple[str, _Mention]] = []
    for f in found:
        tokens = name_tokens(f.text)
        mention = _Mention(f.text, f.location, f.start, f.end, f.place)
        if not tokens:
            continue
        if len(tokens) == 1:
            singles.append((tokens[0], mention))
            continue
        key: tuple[str, ...] = (tokens[0], tokens[-1])
        if key not in by_key:
            by_key[key] = len(groups)
            groups.append([])
        groups[by_key[key]].append(mention)
    for token, mention in singles:
        matches = {i for key, i in by_key.items() if token in key}
        if len(matches) == 1:
            groups[matches.pop()].append(mention)
            continue
        key = (token,)
        if key not in by_key:
            by_key[key] = len(groups)
            groups.append([])
        groups[by_key[key]].append(mention)
    order = sorted(range(len(groups)), key=lambda i: min((m.location, m.start) for m in groups[i]))
    return [groups[i] for i in order]


def _fullest(group: Sequence[_Mention]) -> str:
    return max(group, key=lambda m: (len(name_tokens(m.text)), len(m.text))).text


def _gap(cue: SentFinding, mention: _Mention) -> int:
    return max(0, cue.start - mention.end, mention.start - cue.end)


def _nearest(
    cue: SentFinding, mentions: Sequence[tuple[int, _Mention]]
) -> tuple[int, _Mention] | None:
    """The mention nearest the cue in its part, within `NEAR`; on a tie the one before it."""
    near = [
        (_gap(cue, m), m.start > cue.start, i, m)
        for i, m in mentions
        if m.place == cue.place and _gap(cue, m) <= NEAR
    ]
    if not near:
        return None
    _, _, index, mention = min(near, key=lambda n: (n[0], n[1]))
    return index, mention


def _governed_list(cue: SentFinding, mentions: Sequence[tuple[int, _Mention]]) -> list[int]:
    """The people of the names listed right after a plural role cue ("pupils ... Ellie, Jayden
    and Priya")."""
    after = sorted(
        ((m.start, m.end, i) for i, m in mentions if m.place == cue.place and m.start >= cue.end),
    )
    governed: list[int] = []
    reach_from, reach = cue.end, LIST_REACH
    for start, end, index in after:
        if start - reach_from > reach:
            break
        governed.append(index)
        reach_from, reach = end, LIST_GAP
    return list(dict.fromkeys(governed))


def _where(cue: SentFinding, mention: _Mention) -> str:
    gap = _gap(cue, mention)
    if gap <= NEXT_TO:
        return f"'{cue.text}' next to the name"
    side = "after" if cue.start >= mention.end else "before"
    return f"'{cue.text}' {gap} characters {side} the name"


# ── categories of data ────────────────────────────────────────────────────────────────────


def data_categories(findings: Iterable[SentFinding]) -> tuple[DataCategory, ...]:
    """Special categories by category, criminal offence, identifiers by kind (masked),
    protective markings and known records, each with its count, in that order."""
    found = list(findings)
    categories: list[DataCategory] = []
    special = [f for f in found if f.type is FindingType.SPECIAL_CATEGORY]
    for name in dict.fromkeys(f.category or "unspecified" for f in special):
        of_name = [f for f in special if (f.category or "unspecified") == name]
        categories.append(DataCategory("special category", name, len(of_name), _texts(of_name)))
    offences = [f for f in found if f.type is FindingType.CRIMINAL_OFFENCE]
    if offences:
        categories.append(
            DataCategory("criminal offence", "criminal offence", len(offences), _texts(offences))
        )
    for kind in dict.fromkeys(f.type for f in found if f.type in _IDENTIFIERS):
        of_kind = [f for f in found if f.type is kind]
        masked = tuple(dict.fromkeys(mask(f.text) for f in of_kind))
        categories.append(DataCategory("identifier", LABELS[kind], len(of_kind), masked))
    markings = [f for f in found if f.type is FindingType.PROTECTIVE_MARKING]
    if markings:
        categories.append(
            DataCategory(
                "protective marking", "protective marking", len(markings), _texts(markings)
            )
        )
    known = [f for f in found if f.type is FindingType.KNOWN_RECORD]
    if known:
        fields = tuple(dict.fromkeys(f.category or "record" for f in known))
        categories.append(DataCategory("known record", "known record", len(known), fields))
    return tuple(categories)


def mask(value: str) -> str:
    """All but the last two letters or digits hidden: "485 777 3457" → "••• ••• ••57"."""
    total = sum(c.isalnum() for c in value)
    keep = 2 if total > 4 else 1
    seen = 0
    out = []
    for c in value:
        if c.isalnum():
            seen += 1
            out.append(c if seen > total - keep else "•")
        else:
            out.append(c)
    return "".join(out)


def _texts(found: Iterable[SentFinding]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.text for f in found))


def _is_internal(address: str, domains: Sequence[str]) -> bool:
    domain = address.rpartition("@")[2].lower()
    return any(domain == d or domain.endswith("." + d) for d in domains)
