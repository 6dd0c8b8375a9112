"""What the rules may know about a message's people, cases and recipients: a snapshot.

The store (`store.py`) answers one question per message, "what do we know about
these addresses and these keys?", with a `Knowledge` snapshot; the rules read
only the snapshot, so they stay pure and testable without a database. People,
case references and identifiers appear here only as keyed hashes (`features.py`);
the plain text is in the message being judged, never in the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class FeatureKind(StrEnum):
    """What a keyed value stands for."""

    CASE = "case"
    """A crime, incident or case reference."""
    PERSON = "person"
    """A person named in the content."""
    IDENTIFIER = "identifier"
    """An identifier that points at one person (NHS number, NINO, PNC ID, DOB...)."""
    ATTACHMENT = "attachment"
    """An attachment's content fingerprint."""


@dataclass(frozen=True, slots=True)
class Correspondent:
    """One address as the organisation knows it."""

    address: str
    internal: bool
    display_names: tuple[str, ...] = ()
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    sent_to: int = 0
    """Messages the organisation has sent to this address."""
    received_from: int = 0
    """Messages this address has sent to the organisation."""
    in_directory: bool = False
    """Imported from a directory of staff and partner contacts."""
    organisation: str = ""
    """The organisation the directory says the address belongs to, if any."""

    @property
    def known(self) -> bool:
        return self.in_directory or self.sent_to > 0 or self.received_from > 0


@dataclass(frozen=True, slots=True)
class KeyHistory:
    """Who a case, person or identifier has been discussed with, and what it goes with."""

    key: str
    kind: FeatureKind
    correspondents: frozenset[str] = frozenset()
    """Addresses (internal and external) that sent or received mail carrying it."""
    cases: frozenset[str] = frozenset()
    """Keys of the cases it has appeared with (learned, or from an imported case list)."""
    allowed: frozenset[str] = frozenset()
    """Addresses an imported case list allows to receive it."""
    messages: int = 0


@dataclass(frozen=True, slots=True)
class ThreadHistory:
    """The earlier messages of the thread this message replies to or forwards."""

    message_ids: tuple[str, ...]
    participants: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()
    """Keys (cases, people, identifiers) the thread's messages carried."""
    cases: frozenset[str] = frozenset()
    """The keys among `keys` that are cases (CASE kind): what the thread is about. The rules
    cannot tell a case key from a person's once the message no longer quotes it."""


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything the store knows that bears on one message: the rules' only view of it."""

    correspondents: Mapping[str, Correspondent] = field(default_factory=dict)
    """The sender's and every recipient's entry, for addresses the store has seen."""
    keys: Mapping[str, KeyHistory] = field(default_factory=dict)
    """The history of every key the message carries, where there is one."""
    thread: ThreadHistory | None = None
    similar: Mapping[str, tuple[Correspondent, ...]] = field(default_factory=dict)
    """For each recipient the store does not know: known addresses that look like it."""
    named: Mapping[str, tuple[KeyHistory, ...]] = field(default_factory=dict)
    """For each recipient whose display name (in this message's header, or one the store
    knows for the address) is a person the store has a history for: that person's history.
    It tells that the recipient is someone in a case (the victim written to for the first
    time, at an address the store has never seen), so its own case is not someone else's."""

    def correspondent(self, address: str) -> Correspondent | None:
        return self.correspondents.get(address.lower())

    def history(self, key: str) -> KeyHistory | None:
        return self.keys.get(key)
