"""The knowledge store: who the organisation writes to, and who has discussed what.

`KnowledgeStore` is the `KnowledgeSource` the scanner asks once per message
(`knowledge_for`), and what `mailwarden learn` and the importers write to:

- `learn` / `learn_many`: a message's correspondents, thread and keys. Outgoing mail
  (the sender's domain is the organisation's) ties its sender and every recipient to
  the message's keys; incoming mail ties its sender, and the organisation's own people
  among its recipients. Learning the same message twice changes nothing.
- `add_directory_entries`, `add_cases`: imported contacts and case lists.
- `forget_person`, `forget_correspondent`, `forget_expired`: the data subject's and the
  retention policy's way out.

Only SQLite and PostgreSQL are supported; the schema is brought to the latest
migration when the store is opened. Cases, people and identifiers arrive and are
kept only as keyed hashes (`features.py`); nothing here writes their text.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from importlib.resources import files
from operator import itemgetter
from typing import Any, TypeVar

from rapidfuzz.distance import Levenshtein
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    and_,
    bindparam,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, SQLAlchemyError

from mailwarden.knowledge.features import Keyer, MessageFeatures, normalise
from mailwarden.knowledge.model import (
    Correspondent,
    FeatureKind,
    KeyHistory,
    Knowledge,
    ThreadHistory,
)
from mailwarden.knowledge.records import CaseRecord, DirectoryEntry
from mailwarden.knowledge.schema import (
    ADDRESS_LENGTH,
    AssociationRow,
    CaseAllowedRow,
    CorrespondentRow,
    DirectoryEntryRow,
    DisplayNameRow,
    FeatureKeyRow,
    KeyCaseRow,
    LearnedMessageRow,
    MessageReferenceRow,
    ThreadKeyRow,
    ThreadParticipantRow,
    ThreadRow,
)
from mailwarden.message.model import Address, Message

HISTORY_CORRESPONDENTS = 50
"""At most this many correspondents per key in a snapshot (most frequent first), and
always the message's own sender and recipients where they have discussed it."""
HISTORY_CASES = 50
"""At most this many cases a key has gone with, in a snapshot."""
THREAD_MESSAGES = 200
"""At most this many earlier Message-IDs of a thread, in a snapshot."""
SIMILAR_CANDIDATES = 2000
"""Known addresses compared with one unknown recipient, at most."""
SIMILAR_PER_RECIPIENT = 10
"""Look-alikes kept per unknown recipient, closest first."""
DISPLAY_NAME_LENGTH = 200
SQLITE_CACHE_KIB = 64 * 1024
"""SQLite's page cache per connection: keys are hashes, so index pages are touched at
random, and the default 2 MB cache makes a large store's writes go to disk."""
SQLITE_CHECKPOINT_PAGES = 16384
"""Pages (64 MB) the write-ahead log may grow to before it is copied into the database:
a batch of learning touches index pages all over, and copying them less often copies
each page once for many batches."""
_IN_CHUNK = 500
"""Values per IN (...) list: well under every database's limit on bound parameters."""
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|vs|tr|wg)\s*(?:\[\d+\])?\s*:\s*)+", re.I)

T = TypeVar("T")
CORRESPONDENTS = CorrespondentRow.__table__


class StoreError(Exception):
    """The store cannot be opened or used; the message says which and why."""


class Direction(StrEnum):
    """Which way a learned message went."""

    OUTGOING = "outgoing"
    """From one of the organisation's domains."""
    INCOMING = "incoming"


@dataclass(frozen=True, slots=True)
class StoreStats:
    correspondents: int
    messages: int
    threads: int
    keys: int
    associations: int
    cases: int
    """Case keys an imported case list named."""
    directory_entries: int


@dataclass(frozen=True, slots=True)
class Forgotten:
    """Rows deleted by a `forget_*` call, per table."""

    rows: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def __str__(self) -> str:
        done = [
            f"{count:,} {table.replace('_', ' ')}" for table, count in self.rows.items() if count
        ]
        return ", ".join(done) if done else "nothing"


@dataclass(frozen=True, slots=True)
class Learnable:
    """A message ready to learn: its addressing and thread headers, its features, its digest.

    The parts' payloads are not needed (a learning worker drops them before handing
    the message back); `digest` is `message_digest(message, raw)`.
    """

    message: Message
    features: MessageFeatures
    digest: str


@dataclass(slots=True)
class _Participant:
    address: str
    display_name: str
    internal: bool
    sent_to: int = 0
    received_from: int = 0


@dataclass(slots=True)
class _Learning:
    """What learning takes from one message, before anything is written."""

    digest: str
    message_id: str
    direction: Direction
    date: datetime
    subject_key: str
    references: tuple[str, ...]
    """Digests of the In-Reply-To and References Message-IDs."""
    participants: list[_Participant]
    keys: list[tuple[str, str]]
    """(key, kind) of every feature."""


class KnowledgeStore:
    """The organisation's knowledge in SQLite or PostgreSQL; open with `KnowledgeStore.open`."""

    def __init__(
        self,
        engine: Engine,
        keyer: Keyer,
        internal_domains: Sequence[str] = (),
        *,
        lookalike_max_distance: int = 2,
        retention_days: int = 730,
    ) -> None:
        self.engine = engine
        self.keyer = keyer
        self.internal_domains = tuple(d.lower().lstrip("@") for d in internal_domains)
        self.lookalike_max_distance = lookalike_max_distance
        self.retention_days = retention_days
        self._internal: dict[str, bool] = {}

    @classmethod
    def open(
        cls,
        url: str,
        keyer: Keyer,
        internal_domains: Sequence[str] = (),
        *,
        lookalike_max_distance: int = 2,
        retention_days: int = 730,
    ) -> KnowledgeStore:
        """Connect, and bring the schema to the latest migration (creating it when new)."""
        engine = _engine(url)
        try:
            upgrade_schema(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise StoreError(
                f"cannot open the knowledge store {_safe(url)}: {_reason(exc)}"
            ) from exc
        return cls(
            engine,
            keyer,
            internal_domains,
            lookalike_max_distance=lookalike_max_distance,
            retention_days=retention_days,
        )

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> KnowledgeStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- learning -------------------------------------------------------------------------

    def is_internal(self, address: str) -> bool:
        domain = address.rpartition("@")[2].lower()
        internal = self._internal.get(domain)
        if internal is None:
            internal = any(domain == d or domain.endswith("." + d) for d in self.internal_domains)
            self._internal[domain] = internal
        return internal

    def direction_of(self, message: Message) -> Direction:
        """Outgoing when the sender's domain is one of the organisation's, else incoming."""
        sender = message.sender
        if sender is not None and sender.is_valid and self.is_internal(sender.address):
            return Direction.OUTGOING
        return Direction.INCOMING

    def learn(
        self,
        message: Message,
        features: MessageFeatures,
        direction: Direction | None = None,
        raw: bytes = b"",
    ) -> bool:
        """Learn one message; False when it was learned before (and nothing changes).

        `raw` is the message as read: its digest identifies a message that has no
        Message-ID. `direction` defaults to `direction_of(message)`.
        """
        learnable = Learnable(message, features, message_digest(message, raw))
        return self.learn_many([learnable], direction)[0]

    def learn_many(
        self, items: Sequence[Learnable], direction: Direction | None = None
    ) -> list[bool]:
        """Learn a batch of messages in one transaction; for each, whether it was new.

        Two processes learning the same message at once (two gateways, or `learn` beside
        a gateway) race on its digest: the loser's transaction is refused whole, and is
        tried once more, when it finds the message learned and writes nothing of it.
        """
        now = datetime.now(UTC)
        learnings = [self._learning(item, direction, now) for item in items]
        try:
            return self._learn_once(learnings, now)
        except IntegrityError:
            return self._learn_once(learnings, now)

    def _learn_once(self, learnings: list[_Learning], now: datetime) -> list[bool]:
        with self._begin() as conn:
            known = _existing_digests(conn, [item.digest for item in learnings])
            fresh: list[_Learning] = []
            for item in learnings:
                if item.digest not in known:
                    known.add(item.digest)
                    fresh.append(item)
            if fresh:
                self._write(conn, fresh, now)
        written = {id(item) for item in fresh}
        return [id(item) in written for item in learnings]

    def teach(
        self,
        message: Message,
        features: MessageFeatures,
        recipients: Sequence[str],
        raw: bytes = b"",
    ) -> bool:
        """Learn an outgoing message as sent to these recipients only (the others were held);
        False when nothing was new.

        For a message learned before (delivered to some, then released to others), the
        recipients not yet in its thread are tied to its keys and thread: what a release
        confirms. Recipients already in the thread change nothing, so a retried delivery
        counts once.
        """
        wanted = {address.lower() for address in recipients}
        sent = replace(
            message,
            recipients=[r for r in message.recipients if r.mailbox.address.lower() in wanted],
        )
        item = Learnable(sent, features, message_digest(message, raw))
        if self.learn_many([item], Direction.OUTGOING)[0]:
            return True
        learning = self._learning(item, Direction.OUTGOING, datetime.now(UTC))
        with self._begin() as conn:
            thread_id = conn.execute(
                select(LearnedMessageRow.thread_id).where(LearnedMessageRow.digest == item.digest)
            ).scalar_one()
            present = set(
                conn.execute(
                    select(CorrespondentRow.address)
                    .join(
                        ThreadParticipantRow,
                        ThreadParticipantRow.correspondent_id == CorrespondentRow.id,
                    )
                    .where(ThreadParticipantRow.thread_id == thread_id)
                ).scalars()
            )
            learning.participants = [
                p for p in learning.participants if p.address in wanted and p.address not in present
            ]
            if not learning.participants:
                return False
            ids = self._write_correspondents(conn, [learning])
            self._write_keys(conn, [learning], ids)
            _execute_many(
                conn,
                _insert(conn, ThreadParticipantRow).on_conflict_do_nothing(),
                [
                    {"thread_id": thread_id, "correspondent_id": ids[p.address]}
                    for p in learning.participants
                ],
            )
        return True

    def _learning(self, item: Learnable, direction: Direction | None, now: datetime) -> _Learning:
        message = item.message
        direction = direction or self.direction_of(message)
        mailboxes: list[tuple[Address, int, int]] = []
        sender = message.sender if message.sender and message.sender.is_valid else None
        if direction is Direction.OUTGOING:
            if sender is not None:
                mailboxes.append((sender, 0, 0))
            mailboxes += [(r.mailbox, 1, 0) for r in message.recipients if r.mailbox.is_valid]
        else:
            if sender is not None:
                mailboxes.append((sender, 0, 1))
            mailboxes += [
                (r.mailbox, 0, 0)
                for r in message.recipients
                if r.mailbox.is_valid and self.is_internal(r.mailbox.address)
            ]
        participants: dict[str, _Participant] = {}
        for mailbox, sent, received in mailboxes:
            address = mailbox.address.lower()[:ADDRESS_LENGTH]
            entry = participants.setdefault(
                address,
                _Participant(address, _display_name(mailbox), self.is_internal(address)),
            )
            entry.sent_to = max(entry.sent_to, sent)
            entry.received_from = max(entry.received_from, received)
            entry.display_name = entry.display_name or _display_name(mailbox)
        message_id = _message_id(message.message_id)
        references = [_message_id(message.in_reply_to), *map(_message_id, message.references)]
        return _Learning(
            digest=item.digest,
            message_id=message_id,
            direction=direction,
            date=_utc(message.date) or now,
            subject_key=self.subject_key(message.subject),
            references=tuple(dict.fromkeys(_id_digest(r) for r in references if r)),
            participants=list(participants.values()),
            keys=[(f.key, f.kind.value) for f in item.features.features],
        )

    def subject_key(self, subject: str) -> str:
        """A subject without its Re:/Fwd: prefixes, keyed: subjects name people and cases.

        Keyed apart from every feature (a CASE key of an upper-cased reference
        cannot start with the lower-case "subject:").
        """
        normal = " ".join(_REPLY_PREFIX.sub("", subject).casefold().split())
        return self.keyer.key(FeatureKind.CASE, f"subject:{normal}")

    def _write(self, conn: Connection, fresh: list[_Learning], now: datetime) -> None:
        ids = self._write_correspondents(conn, fresh)
        self._write_keys(conn, fresh, ids)
        self._write_threads(conn, fresh, ids, now)

    def _write_correspondents(self, conn: Connection, fresh: list[_Learning]) -> dict[str, int]:
        rows: dict[str, dict[str, Any]] = {}
        names: set[tuple[str, str]] = set()
        for item in fresh:
            for person in item.participants:
                row = rows.get(person.address)
                if row is None:
                    local, _, domain = person.address.rpartition("@")
                    rows[person.address] = {
                        "address": person.address,
                        "local_part": local,
                        "local_length": len(local),
                        "domain": domain,
                        "internal": person.internal,
                        "first_seen": item.date,
                        "last_seen": item.date,
                        "sent_to": person.sent_to,
                        "received_from": person.received_from,
                        "in_directory": False,
                        "organisation": "",
                    }
                else:
                    row["first_seen"] = min(row["first_seen"], item.date)
                    row["last_seen"] = max(row["last_seen"], item.date)
                    row["sent_to"] += person.sent_to
                    row["received_from"] += person.received_from
                if person.display_name:
                    names.add((person.address, person.display_name))
        table = CorrespondentRow
        statement = _insert(conn, table)
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=[table.address],
            set_={
                "sent_to": table.sent_to + excluded.sent_to,
                "received_from": table.received_from + excluded.received_from,
                "first_seen": _earliest(table.first_seen, excluded.first_seen),
                "last_seen": _latest(table.last_seen, excluded.last_seen),
                "internal": case((table.in_directory, table.internal), else_=excluded.internal),
            },
        )
        _execute_many(conn, statement, list(rows.values()))
        ids = _ids_of(conn, list(rows))
        self._add_names(conn, [(ids[address], name) for address, name in names])
        return ids

    def _add_names(self, conn: Connection, names: Iterable[tuple[int, str]]) -> None:
        rows = [
            {"correspondent_id": cid, "name": name, "normalised": _name_key(name)}
            for cid, name in sorted(set(names))
        ]
        _execute_many(conn, _insert(conn, DisplayNameRow).on_conflict_do_nothing(), rows)

    def _write_keys(self, conn: Connection, fresh: list[_Learning], ids: dict[str, int]) -> None:
        keys: dict[str, dict[str, Any]] = {}
        links: dict[tuple[int, str], dict[str, Any]] = {}
        pairs: dict[tuple[str, str], dict[str, Any]] = {}
        for item in fresh:
            cases = [key for key, kind in item.keys if kind == FeatureKind.CASE.value]
            for key, kind in item.keys:
                _tally(keys, key, item.date, key=key, kind=kind, messages=1, imported=False)
                for person in item.participants:
                    cid = ids[person.address]
                    _tally(links, (cid, key), item.date, correspondent_id=cid, key=key, kind=kind)
                for case_key in cases:
                    if case_key != key:
                        _tally(pairs, (key, case_key), item.date, key=key, case_key=case_key)
        _upsert_tally(conn, FeatureKeyRow, [FeatureKeyRow.key], keys.values(), "messages")
        _upsert_tally(
            conn,
            AssociationRow,
            [AssociationRow.correspondent_id, AssociationRow.key],
            links.values(),
            "count",
        )
        for pair in pairs.values():
            pair["imported"] = False
        _upsert_tally(
            conn, KeyCaseRow, [KeyCaseRow.key, KeyCaseRow.case_key], pairs.values(), "count"
        )

    def _write_threads(
        self, conn: Connection, fresh: list[_Learning], ids: dict[str, int], now: datetime
    ) -> None:
        """Each message joins the thread of any message it references or that references it.

        Messages of one batch can answer each other, and a reply can be learned before
        what it answers, so the links are resolved together (union-find) and threads
        that a message turns out to join are merged into the oldest.
        """
        by_digest = {item.digest: index for index, item in enumerate(fresh)}
        referenced = {digest for item in fresh for digest in item.references}
        thread_of = _threads_of_digests(conn, referenced - by_digest.keys())
        answered_by = _threads_referencing(conn, list(by_digest))
        parent: dict[tuple[str, int], tuple[str, int]] = {}

        def root(node: tuple[str, int]) -> tuple[str, int]:
            while parent.get(node, node) != node:
                node = parent[node]
            return node

        def join(a: tuple[str, int], b: tuple[str, int]) -> None:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)  # ("m", i) < ("t", id): threads win below

        for index, item in enumerate(fresh):
            node = ("m", index)
            parent.setdefault(node, node)
            for digest in item.references:
                if digest in by_digest:
                    join(node, ("m", by_digest[digest]))
                elif digest in thread_of:
                    join(node, ("t", thread_of[digest]))
            for thread_id in answered_by.get(item.digest, ()):
                join(node, ("t", thread_id))
        components: dict[tuple[str, int], list[int]] = defaultdict(list)
        threads_in: dict[tuple[str, int], set[int]] = defaultdict(set)
        for node in list(parent):
            if node[0] == "m":
                components[root(node)].append(node[1])
            else:
                threads_in[root(node)].add(node[1])
        thread_for: dict[int, int] = {}
        new_threads: list[tuple[tuple[str, int], dict[str, Any]]] = []
        for component, members in components.items():
            existing = threads_in.get(component, set())
            if existing:
                target = min(existing)
                _merge_threads(conn, target, sorted(existing - {target}))
                for index in members:
                    thread_for[index] = target
            else:
                dates = [fresh[i].date for i in members]
                first = fresh[min(members)]
                row: dict[str, Any] = {
                    "origin": first.digest,
                    "subject_key": first.subject_key,
                    "first_date": min(dates),
                    "last_date": max(dates),
                }
                new_threads.append((component, row))
        if new_threads:
            # One executemany, then the ids by origin: RETURNING in parameter order would
            # be one statement per row on SQLite.
            _execute_many(conn, insert(ThreadRow), [row for _, row in new_threads])
            created = _ids_by(
                conn, ThreadRow.origin, ThreadRow.id, [r["origin"] for _, r in new_threads]
            )
            for component, row in new_threads:
                for index in components[component]:
                    thread_for[index] = created[row["origin"]]
        self._extend_threads(conn, fresh, thread_for, ids, now)

    def _extend_threads(
        self,
        conn: Connection,
        fresh: list[_Learning],
        thread_for: dict[int, int],
        ids: dict[str, int],
        now: datetime,
    ) -> None:
        message_rows = [
            {
                "digest": item.digest,
                "message_id": item.message_id,
                "thread_id": thread_for[index],
                "direction": item.direction.value,
                "date": item.date,
                "learned_at": now,
            }
            for index, item in enumerate(fresh)
        ]
        _execute_many(conn, insert(LearnedMessageRow), message_rows)
        message_ids = _ids_by(
            conn, LearnedMessageRow.digest, LearnedMessageRow.id, [item.digest for item in fresh]
        )
        references = [
            {"message_id": message_ids[item.digest], "referenced_digest": digest}
            for item in fresh
            for digest in item.references
        ]
        _execute_many(conn, insert(MessageReferenceRow), references)
        participants = {
            (thread_for[i], ids[p.address])
            for i, item in enumerate(fresh)
            for p in item.participants
        }
        _execute_many(
            conn,
            _insert(conn, ThreadParticipantRow).on_conflict_do_nothing(),
            [{"thread_id": t, "correspondent_id": c} for t, c in sorted(participants)],
        )
        thread_keys = {
            (thread_for[i], k, kind) for i, item in enumerate(fresh) for k, kind in item.keys
        }
        _execute_many(
            conn,
            _insert(conn, ThreadKeyRow).on_conflict_do_nothing(),
            [{"thread_id": t, "key": k, "kind": kind} for t, k, kind in sorted(thread_keys)],
        )
        spans: dict[int, tuple[datetime, datetime]] = {}
        for index, item in enumerate(fresh):
            first, last = spans.get(thread_for[index], (item.date, item.date))
            spans[thread_for[index]] = (min(first, item.date), max(last, item.date))
        conn.execute(
            update(ThreadRow)
            .where(ThreadRow.id == bindparam("tid"))
            .values(
                first_date=_earliest(ThreadRow.first_date, bindparam("first")),
                last_date=_latest(ThreadRow.last_date, bindparam("last")),
            ),
            [{"tid": t, "first": first, "last": last} for t, (first, last) in spans.items()],
        )

    # ---- imports --------------------------------------------------------------------------

    def add_directory_entries(self, entries: Iterable[DirectoryEntry]) -> int:
        """Import staff and partner contacts; an address imported again is updated."""
        now = datetime.now(UTC)
        count = 0
        for batch in _batches(entries, 1000):
            rows: dict[str, dict[str, Any]] = {}
            for entry in batch:
                address = entry.address.strip().lower()[:ADDRESS_LENGTH]
                if "@" not in address:
                    continue
                rows[address] = {
                    "address": address,
                    "display_name": " ".join(entry.display_name.split())[:DISPLAY_NAME_LENGTH],
                    "organisation": entry.organisation.strip()[:DISPLAY_NAME_LENGTH],
                    "internal": entry.internal,
                    "imported_at": now,
                }
            if not rows:
                continue
            with self._begin() as conn:
                self._import_directory(conn, list(rows.values()))
            count += len(rows)
        return count

    def _import_directory(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        statement = _insert(conn, DirectoryEntryRow)
        excluded = statement.excluded
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[DirectoryEntryRow.address],
                set_={
                    "display_name": excluded.display_name,
                    "organisation": excluded.organisation,
                    "internal": excluded.internal,
                    "imported_at": excluded.imported_at,
                },
            ),
            rows,
        )
        people = []
        for row in rows:
            local, _, domain = row["address"].rpartition("@")
            internal = row["internal"]
            people.append(
                {
                    "address": row["address"],
                    "local_part": local,
                    "local_length": len(local),
                    "domain": domain,
                    "internal": self.is_internal(row["address"]) if internal is None else internal,
                    "first_seen": None,
                    "last_seen": None,
                    "sent_to": 0,
                    "received_from": 0,
                    "in_directory": True,
                    "organisation": row["organisation"],
                }
            )
        statement = _insert(conn, CorrespondentRow)
        excluded = statement.excluded
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[CorrespondentRow.address],
                set_={
                    "in_directory": True,
                    "internal": excluded.internal,
                    "organisation": excluded.organisation,
                },
            ),
            people,
        )
        ids = _ids_of(conn, [row["address"] for row in rows])
        self._add_names(
            conn,
            [(ids[row["address"]], row["display_name"]) for row in rows if row["display_name"]],
        )

    def add_cases(self, cases: Iterable[CaseRecord]) -> int:
        """Import a case list: each case's people go with it, and its allowed addresses may
        receive it. Only the keys of references and names are written."""
        count = 0
        for batch in _batches(cases, 500):
            keys: dict[str, str] = {}
            pairs: set[tuple[str, str]] = set()
            allowed: set[tuple[str, str]] = set()
            for record in batch:
                if not record.reference.strip():
                    continue
                case_key = self.keyer.key(
                    FeatureKind.CASE, normalise(FeatureKind.CASE, record.reference)
                )
                keys[case_key] = FeatureKind.CASE.value
                for person in record.people:
                    if person.strip():
                        person_key = self.keyer.key(
                            FeatureKind.PERSON, normalise(FeatureKind.PERSON, person)
                        )
                        keys.setdefault(person_key, FeatureKind.PERSON.value)
                        pairs.add((person_key, case_key))
                for address in record.allowed:
                    if "@" in address:
                        allowed.add((case_key, address.strip().lower()[:ADDRESS_LENGTH]))
                count += 1
            if keys:
                with self._begin() as conn:
                    self._import_cases(conn, keys, pairs, allowed)
        return count

    def _import_cases(
        self,
        conn: Connection,
        keys: dict[str, str],
        pairs: set[tuple[str, str]],
        allowed: set[tuple[str, str]],
    ) -> None:
        conn.execute(
            _insert(conn, FeatureKeyRow).on_conflict_do_update(
                index_elements=[FeatureKeyRow.key], set_={"imported": True}
            ),
            [
                {"key": key, "kind": kind, "messages": 0, "imported": True}
                for key, kind in sorted(keys.items())
            ],
        )
        if pairs:
            conn.execute(
                _insert(conn, KeyCaseRow).on_conflict_do_update(
                    index_elements=[KeyCaseRow.key, KeyCaseRow.case_key], set_={"imported": True}
                ),
                [
                    {"key": key, "case_key": case_key, "count": 0, "imported": True}
                    for key, case_key in sorted(pairs)
                ],
            )
        if allowed:
            conn.execute(
                _insert(conn, CaseAllowedRow).on_conflict_do_nothing(),
                [{"case_key": key, "address": address} for key, address in sorted(allowed)],
            )

    # ---- the scanner's question -----------------------------------------------------------

    def knowledge_for(self, message: Message, features: MessageFeatures) -> Knowledge:
        """What the store knows of this message's sender, recipients, keys and thread."""
        mailboxes = [r.mailbox for r in message.recipients]
        if message.sender is not None:
            mailboxes.append(message.sender)
        addresses = sorted({m.address.lower() for m in mailboxes if m.is_valid})
        keys = sorted(features.keys)
        with self.engine.connect() as conn:
            correspondents, ids = _correspondents(conn, addresses)
            history = _key_history(conn, keys, list(ids.values())) if keys else {}
            thread = _thread_history(conn, message)
            unknown = [
                r.mailbox
                for r in message.recipients
                if r.mailbox.is_valid
                and not (
                    (known := correspondents.get(r.mailbox.address.lower())) is not None
                    and known.known
                )
            ]
            similar = self._similar(conn, unknown)
            named = self._named(conn, message, correspondents, list(ids.values()))
        return Knowledge(correspondents, history, thread, similar, named)

    def _named(
        self,
        conn: Connection,
        message: Message,
        correspondents: Mapping[str, Correspondent],
        own_ids: Sequence[int],
    ) -> dict[str, tuple[KeyHistory, ...]]:
        """Each recipient's names (in this header, or known for the address) that are people
        the store has a history for: the victim written to for the first time is in her case."""
        names_by_key: dict[str, set[str]] = defaultdict(set)
        for recipient in message.recipients:
            if not recipient.mailbox.is_valid:
                continue
            address = recipient.mailbox.address.lower()
            known = correspondents.get(address)
            names = {recipient.mailbox.display_name, *(known.display_names if known else ())}
            for name in names:
                normalised = normalise(FeatureKind.PERSON, name)
                if len(normalised.split()) >= 2:  # as features_of: a first name alone is no one
                    names_by_key[self.keyer.key(FeatureKind.PERSON, normalised)].add(address)
        if not names_by_key:
            return {}
        histories = _key_history(conn, sorted(names_by_key), own_ids)
        named: dict[str, list[KeyHistory]] = defaultdict(list)
        for key, history in histories.items():
            for address in names_by_key[key]:
                named[address].append(history)
        return {address: tuple(found) for address, found in named.items()}

    def _similar(
        self, conn: Connection, unknown: Sequence[Address]
    ) -> dict[str, tuple[Correspondent, ...]]:
        """Known addresses that look like each unknown recipient's.

        Candidates come from three indexed lookups, never a scan of every contact: the
        same local part (any domain), the same display name, and the same domain with a
        local part of a length within the edit distance. Each is kept if it shares the
        local part or the display name, or is within the edit distance of the address.
        """
        found: dict[str, tuple[Correspondent, ...]] = {}
        distance = self.lookalike_max_distance
        for mailbox in unknown:
            address = mailbox.address.lower()
            local, _, domain = address.rpartition("@")
            name = _name_key(_display_name(mailbox))
            conditions: list[ColumnElement[bool]] = [
                CorrespondentRow.local_part == local,
                and_(
                    CorrespondentRow.domain == domain,
                    CorrespondentRow.local_length.between(
                        len(local) - distance, len(local) + distance
                    ),
                ),
            ]
            if name:
                named = select(DisplayNameRow.correspondent_id).where(
                    DisplayNameRow.normalised == name
                )
                conditions.append(CorrespondentRow.id.in_(named))
            rows = conn.execute(
                select(CORRESPONDENTS)
                .where(or_(*conditions), CorrespondentRow.address != address)
                .limit(SIMILAR_CANDIDATES)
            ).all()
            candidates: list[tuple[int, Row[Any]]] = []
            for row in rows:
                edits = Levenshtein.distance(address, row.address, score_cutoff=distance + 1)
                if row.local_part == local or edits <= distance:
                    candidates.append((edits, row))
                elif name:
                    candidates.append((distance + 1, row))  # only the display name: checked below
            if not candidates:
                continue
            names = _names_of(conn, [row.id for _, row in candidates])
            looks_alike = [
                (edits, row)
                for edits, row in candidates
                if edits <= distance
                or row.local_part == local
                or name in {_name_key(n) for n in names.get(row.id, ())}
            ]
            looks_alike.sort(key=lambda pair: (pair[0], pair[1].address))
            kept = [
                _correspondent(row, names.get(row.id, ()))
                for _, row in looks_alike[:SIMILAR_PER_RECIPIENT]
            ]
            kept = [c for c in kept if c.known or c.internal]
            if kept:
                found[address] = tuple(kept)
        return found

    # ---- forgetting -----------------------------------------------------------------------

    def forget_person(self, name: str) -> Forgotten:
        """Delete everything the store holds about a person named in mail or a case list."""
        key = self.keyer.key(FeatureKind.PERSON, normalise(FeatureKind.PERSON, name))
        with self._begin() as conn:
            return Forgotten(_delete_keys(conn, [key]))

    def forget_correspondent(self, address: str) -> Forgotten:
        """Delete an address: its row, names, associations, thread places, imports."""
        address = address.strip().lower()
        with self._begin() as conn:
            ids = list(_ids_of(conn, [address]).values())
            rows = _delete_correspondents(conn, ids)
            rows["directory_entries"] = _count(
                conn.execute(delete(DirectoryEntryRow).where(DirectoryEntryRow.address == address))
            )
            rows["case_allowed"] = _count(
                conn.execute(delete(CaseAllowedRow).where(CaseAllowedRow.address == address))
            )
            return Forgotten(rows)

    def forget_expired(self, now: datetime | None = None) -> Forgotten:
        """Delete what has not been seen for `retention_days`: associations, learned case
        links, messages, threads, keys and correspondents (imports are kept)."""
        cutoff = (_utc(now) or datetime.now(UTC)) - timedelta(days=self.retention_days)
        rows: dict[str, int] = {}
        with self._begin() as conn:
            rows["associations"] = _count(
                conn.execute(delete(AssociationRow).where(AssociationRow.last_seen < cutoff))
            )
            rows["case links"] = _count(
                conn.execute(
                    delete(KeyCaseRow).where(
                        KeyCaseRow.imported.is_(False), KeyCaseRow.last_seen < cutoff
                    )
                )
            )
            old_messages = select(LearnedMessageRow.id).where(LearnedMessageRow.date < cutoff)
            conn.execute(
                delete(MessageReferenceRow).where(MessageReferenceRow.message_id.in_(old_messages))
            )
            rows["messages"] = _count(
                conn.execute(delete(LearnedMessageRow).where(LearnedMessageRow.date < cutoff))
            )
            old_threads = select(ThreadRow.id).where(ThreadRow.last_date < cutoff)
            for table in (ThreadKeyRow, ThreadParticipantRow):
                conn.execute(delete(table).where(table.thread_id.in_(old_threads)))
            rows["threads"] = _count(
                conn.execute(delete(ThreadRow).where(ThreadRow.last_date < cutoff))
            )
            expired_keys = conn.execute(
                select(FeatureKeyRow.key).where(
                    FeatureKeyRow.imported.is_(False), FeatureKeyRow.last_seen < cutoff
                )
            ).scalars()
            _add_counts(rows, _delete_keys(conn, list(expired_keys)))
            expired = conn.execute(
                select(CorrespondentRow.id).where(
                    CorrespondentRow.in_directory.is_(False), CorrespondentRow.last_seen < cutoff
                )
            ).scalars()
            _add_counts(rows, _delete_correspondents(conn, list(expired)))
        return Forgotten(rows)

    def stats(self) -> StoreStats:
        """How much the store holds."""
        with self.engine.connect() as conn:

            def count(*where: ColumnElement[bool], table: Any) -> int:
                return int(
                    conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
                )

            return StoreStats(
                correspondents=count(table=CorrespondentRow),
                messages=count(table=LearnedMessageRow),
                threads=count(table=ThreadRow),
                keys=count(table=FeatureKeyRow),
                associations=count(table=AssociationRow),
                cases=count(
                    FeatureKeyRow.imported.is_(True),
                    FeatureKeyRow.kind == FeatureKind.CASE.value,
                    table=FeatureKeyRow,
                ),
                directory_entries=count(table=DirectoryEntryRow),
            )

    def _begin(self) -> Any:
        return self.engine.begin()


# ---- opening ------------------------------------------------------------------------------


def database_url(text: str) -> str:
    """A SQLAlchemy URL from what the user wrote: a URL, or a path to a SQLite file.

    "postgresql://" and "postgres://" use psycopg (version 3), the driver mailwarden ships.
    """
    text = text.strip()
    if "://" not in text:
        return f"sqlite:///{text}"
    for plain in ("postgresql://", "postgres://"):
        if text.startswith(plain):
            return "postgresql+psycopg://" + text[len(plain) :]
    return text


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(database_url(url))
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {_safe(url)}") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL"
        )
    try:
        engine = create_engine(parsed)
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"no driver for {_safe(url)}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Foreign keys on; write-ahead logging so a scan reads while `learn` writes."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_CHECKPOINT_PAGES}")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def migrations_location() -> str:
    """Where the packaged Alembic scripts are."""
    return str(files("mailwarden.knowledge").joinpath("migrations"))


def upgrade_schema(engine: Engine) -> None:
    """Apply every migration the database has not had (all of them to a new database)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", migrations_location())
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(database_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable URL)"


def _reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


# ---- reading ------------------------------------------------------------------------------


def _correspondents(
    conn: Connection, addresses: Sequence[str]
) -> tuple[dict[str, Correspondent], dict[str, int]]:
    rows = [
        row
        for chunk in _chunked(addresses)
        for row in conn.execute(
            select(CORRESPONDENTS).where(CorrespondentRow.address.in_(chunk))
        ).all()
    ]
    names = _names_of(conn, [row.id for row in rows])
    found = {row.address: _correspondent(row, names.get(row.id, ())) for row in rows}
    return found, {row.address: row.id for row in rows}


def _names_of(conn: Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    for chunk in _chunked(sorted(set(ids))):
        for cid, name in conn.execute(
            select(DisplayNameRow.correspondent_id, DisplayNameRow.name)
            .where(DisplayNameRow.correspondent_id.in_(chunk))
            .order_by(DisplayNameRow.correspondent_id, DisplayNameRow.name)
        ).all():
            names[cid].append(name)
    return names


def _correspondent(row: Row[Any], names: Sequence[str]) -> Correspondent:
    return Correspondent(
        address=row.address,
        internal=row.internal,
        display_names=tuple(names),
        first_seen=_utc(row.first_seen),
        last_seen=_utc(row.last_seen),
        sent_to=row.sent_to,
        received_from=row.received_from,
        in_directory=row.in_directory,
        organisation=row.organisation,
    )


def _key_history(
    conn: Connection, keys: Sequence[str], own_ids: Sequence[int]
) -> dict[str, KeyHistory]:
    """Each key's history in five indexed queries, whatever the number of keys."""
    known = {
        key: (kind, messages)
        for chunk in _chunked(keys)
        for key, kind, messages in conn.execute(
            select(FeatureKeyRow.key, FeatureKeyRow.kind, FeatureKeyRow.messages).where(
                FeatureKeyRow.key.in_(chunk)
            )
        ).all()
    }
    if not known:
        return {}
    wanted = sorted(known)
    people: dict[str, set[str]] = defaultdict(set)
    rank = (
        func.row_number()
        .over(
            partition_by=AssociationRow.key,
            order_by=(AssociationRow.count.desc(), AssociationRow.last_seen.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(AssociationRow.key, CorrespondentRow.address, rank)
        .join(CorrespondentRow, CorrespondentRow.id == AssociationRow.correspondent_id)
        .where(AssociationRow.key.in_(wanted))
        .subquery()
    )
    for key, address in conn.execute(
        select(ranked.c.key, ranked.c.address).where(ranked.c.rank <= HISTORY_CORRESPONDENTS)
    ).all():
        people[key].add(address)
    if own_ids:
        for key, address in conn.execute(
            select(AssociationRow.key, CorrespondentRow.address)
            .join(CorrespondentRow, CorrespondentRow.id == AssociationRow.correspondent_id)
            .where(AssociationRow.key.in_(wanted), AssociationRow.correspondent_id.in_(own_ids))
        ).all():
            people[key].add(address)
    cases: dict[str, set[str]] = defaultdict(set)
    imported_cases: dict[str, set[str]] = defaultdict(set)
    case_rank = (
        func.row_number()
        .over(
            partition_by=KeyCaseRow.key,
            order_by=(KeyCaseRow.imported.desc(), KeyCaseRow.count.desc(), KeyCaseRow.case_key),
        )
        .label("rank")
    )
    ranked_cases = (
        select(KeyCaseRow.key, KeyCaseRow.case_key, KeyCaseRow.imported, case_rank)
        .where(KeyCaseRow.key.in_(wanted))
        .subquery()
    )
    for key, case_key, imported in conn.execute(
        select(ranked_cases.c.key, ranked_cases.c.case_key, ranked_cases.c.imported).where(
            ranked_cases.c.rank <= HISTORY_CASES
        )
    ).all():
        cases[key].add(case_key)
        if imported:
            imported_cases[key].add(case_key)
    allowed_for: dict[str, set[str]] = defaultdict(set)
    case_keys = sorted(set(wanted) | {c for found in imported_cases.values() for c in found})
    for chunk in _chunked(case_keys):
        for case_key, address in conn.execute(
            select(CaseAllowedRow.case_key, CaseAllowedRow.address).where(
                CaseAllowedRow.case_key.in_(chunk)
            )
        ).all():
            allowed_for[case_key].add(address)
    history = {}
    for key, (kind, messages) in known.items():
        allowed = set(allowed_for.get(key, ()))
        for case_key in imported_cases.get(key, ()):
            allowed |= allowed_for.get(case_key, set())
        history[key] = KeyHistory(
            key=key,
            kind=FeatureKind(kind),
            correspondents=frozenset(people.get(key, ())),
            cases=frozenset(cases.get(key, ())),
            allowed=frozenset(allowed),
            messages=messages,
        )
    return history


def _thread_history(conn: Connection, message: Message) -> ThreadHistory | None:
    """The learned thread(s) of the messages this one answers or forwards."""
    referenced = [_message_id(message.in_reply_to), *map(_message_id, message.references)]
    digests = sorted({_id_digest(r) for r in referenced if r})
    if not digests:
        return None
    thread_ids = sorted(set(_threads_of_digests(conn, digests).values()))
    if not thread_ids:
        return None
    message_ids = conn.execute(
        select(LearnedMessageRow.message_id)
        .where(LearnedMessageRow.thread_id.in_(thread_ids), LearnedMessageRow.message_id != "")
        .order_by(LearnedMessageRow.date, LearnedMessageRow.id)
        .limit(THREAD_MESSAGES)
    ).scalars()
    participants = conn.execute(
        select(CorrespondentRow.address)
        .join(ThreadParticipantRow, ThreadParticipantRow.correspondent_id == CorrespondentRow.id)
        .where(ThreadParticipantRow.thread_id.in_(thread_ids))
    ).scalars()
    keys = conn.execute(
        select(ThreadKeyRow.key, ThreadKeyRow.kind).where(ThreadKeyRow.thread_id.in_(thread_ids))
    ).all()
    return ThreadHistory(
        message_ids=tuple(f"<{mid}>" for mid in message_ids),
        participants=frozenset(participants),
        keys=frozenset(key for key, _ in keys),
        cases=frozenset(key for key, kind in keys if kind == FeatureKind.CASE.value),
    )


def _existing_digests(conn: Connection, digests: Sequence[str]) -> set[str]:
    return {
        digest
        for chunk in _chunked(sorted(set(digests)))
        for digest in conn.execute(
            select(LearnedMessageRow.digest).where(LearnedMessageRow.digest.in_(chunk))
        ).scalars()
    }


def _threads_of_digests(conn: Connection, digests: Iterable[str]) -> dict[str, int]:
    return {
        digest: thread_id
        for chunk in _chunked(sorted(set(digests)))
        for digest, thread_id in conn.execute(
            select(LearnedMessageRow.digest, LearnedMessageRow.thread_id).where(
                LearnedMessageRow.digest.in_(chunk)
            )
        ).all()
    }


def _threads_referencing(conn: Connection, digests: Sequence[str]) -> dict[str, set[int]]:
    """For each digest, the threads of learned messages that reference it."""
    found: dict[str, set[int]] = defaultdict(set)
    for chunk in _chunked(digests):
        for digest, thread_id in conn.execute(
            select(MessageReferenceRow.referenced_digest, LearnedMessageRow.thread_id)
            .join(LearnedMessageRow, LearnedMessageRow.id == MessageReferenceRow.message_id)
            .where(MessageReferenceRow.referenced_digest.in_(chunk))
        ).all():
            found[digest].add(thread_id)
    return found


def _ids_by(conn: Connection, column: Any, id_column: Any, values: Sequence[str]) -> dict[str, int]:
    """The ids of rows by a unique column's values."""
    return {
        value: row_id
        for chunk in _chunked(sorted(set(values)))
        for value, row_id in conn.execute(select(column, id_column).where(column.in_(chunk))).all()
    }


def _ids_of(conn: Connection, addresses: Sequence[str]) -> dict[str, int]:
    return {
        address: cid
        for chunk in _chunked(sorted(set(addresses)))
        for address, cid in conn.execute(
            select(CorrespondentRow.address, CorrespondentRow.id).where(
                CorrespondentRow.address.in_(chunk)
            )
        ).all()
    }


# ---- writing ------------------------------------------------------------------------------


def _insert(conn: Connection, table: Any) -> Any:
    """An INSERT that can say ON CONFLICT, in the connection's dialect."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _tally(into: dict[T, dict[str, Any]], identity: T, date: datetime, **row: Any) -> None:
    """Count one more sighting of a row in a batch: counts add, dates widen."""
    counter = "messages" if "messages" in row else "count"
    entry = into.get(identity)
    if entry is None:
        row.setdefault(counter, 1)
        into[identity] = {**row, "first_seen": date, "last_seen": date}
        return
    entry[counter] += 1
    entry["first_seen"] = min(entry["first_seen"], date)
    entry["last_seen"] = max(entry["last_seen"], date)


def _upsert_tally(
    conn: Connection, table: Any, identity: list[Any], rows: Iterable[dict[str, Any]], counter: str
) -> None:
    """Insert a batch's tallies, or add them to the rows already there."""
    values = list(rows)
    if not values:
        return
    statement = _insert(conn, table)
    excluded = statement.excluded
    current = table.__table__.c
    _execute_many(
        conn,
        statement.on_conflict_do_update(
            index_elements=identity,
            set_={
                counter: current[counter] + excluded[counter],
                "first_seen": _earliest(current.first_seen, excluded.first_seen),
                "last_seen": _latest(current.last_seen, excluded.last_seen),
            },
        ),
        values,
    )


def _execute_many(conn: Connection, statement: Any, rows: Sequence[dict[str, Any]]) -> None:
    """An INSERT for many rows, compiled once and handed to the driver's executemany.

    The same as `conn.execute(statement, rows)`, less SQLAlchemy's per-row parameter
    handling, which costs more than the database itself when learning. Values go
    through each column type's bind processor (SQLite stores dates as text).
    """
    if not rows:
        return
    dialect = conn.dialect
    keys = list(rows[0])
    compiled = statement.compile(dialect=dialect, column_keys=keys)
    columns = statement.table.c
    processors = {
        key: _remembering(processor)
        for key in keys
        if (processor := columns[key].type.dialect_impl(dialect).bind_processor(dialect))
    }
    if compiled.positional:
        order = list(compiled.positiontup)
        pick = itemgetter(*order) if len(order) > 1 else (lambda row: (row[order[0]],))
        convert = [(i, processors[name]) for i, name in enumerate(order) if name in processors]
        parameters: list[Any] = []
        for row in rows:
            values = list(pick(row))
            for i, processor in convert:
                values[i] = processor(values[i])
            parameters.append(tuple(values))
    else:
        parameters = [
            {k: processors[k](v) if k in processors else v for k, v in row.items()} for row in rows
        ]
    conn.exec_driver_sql(compiled.string, parameters)


def _earliest(current: Any, new: Any) -> Any:
    return case((current.is_(None), new), (new < current, new), else_=current)


def _latest(current: Any, new: Any) -> Any:
    return case((current.is_(None), new), (new > current, new), else_=current)


def _merge_threads(conn: Connection, target: int, others: Sequence[int]) -> None:
    """Fold threads a message turned out to join into the oldest one."""
    if not others:
        return
    for table in (ThreadParticipantRow, ThreadKeyRow):
        rows = conn.execute(select(table).where(table.thread_id.in_(others))).all()
        moved = {
            tuple(
                (c.name, getattr(row, c.name)) for c in table.__table__.c if c.name != "thread_id"
            )
            for row in rows
        }
        if moved:
            conn.execute(
                _insert(conn, table).on_conflict_do_nothing(),
                [{"thread_id": target, **dict(values)} for values in sorted(moved)],
            )
        conn.execute(delete(table).where(table.thread_id.in_(others)))
    conn.execute(
        update(LearnedMessageRow)
        .where(LearnedMessageRow.thread_id.in_(others))
        .values(thread_id=target)
    )
    spans = conn.execute(
        select(func.min(ThreadRow.first_date), func.max(ThreadRow.last_date)).where(
            ThreadRow.id.in_([target, *others])
        )
    ).one()
    conn.execute(
        update(ThreadRow)
        .where(ThreadRow.id == target)
        .values(first_date=spans[0], last_date=spans[1])
    )
    conn.execute(delete(ThreadRow).where(ThreadRow.id.in_(others)))


def _delete_keys(conn: Connection, keys: Sequence[str]) -> dict[str, int]:
    rows = {"associations": 0, "case links": 0, "thread keys": 0, "allowed": 0, "keys": 0}
    for chunk in _chunked(keys):
        rows["associations"] += _count(
            conn.execute(delete(AssociationRow).where(AssociationRow.key.in_(chunk)))
        )
        rows["case links"] += _count(
            conn.execute(
                delete(KeyCaseRow).where(
                    or_(KeyCaseRow.key.in_(chunk), KeyCaseRow.case_key.in_(chunk))
                )
            )
        )
        rows["thread keys"] += _count(
            conn.execute(delete(ThreadKeyRow).where(ThreadKeyRow.key.in_(chunk)))
        )
        rows["allowed"] += _count(
            conn.execute(delete(CaseAllowedRow).where(CaseAllowedRow.case_key.in_(chunk)))
        )
        rows["keys"] += _count(
            conn.execute(delete(FeatureKeyRow).where(FeatureKeyRow.key.in_(chunk)))
        )
    return rows


def _delete_correspondents(conn: Connection, ids: Sequence[int]) -> dict[str, int]:
    rows = {"correspondents": 0, "associations": 0, "thread places": 0, "display names": 0}
    for chunk in _chunked(ids):
        rows["associations"] += _count(
            conn.execute(delete(AssociationRow).where(AssociationRow.correspondent_id.in_(chunk)))
        )
        rows["thread places"] += _count(
            conn.execute(
                delete(ThreadParticipantRow).where(ThreadParticipantRow.correspondent_id.in_(chunk))
            )
        )
        rows["display names"] += _count(
            conn.execute(delete(DisplayNameRow).where(DisplayNameRow.correspondent_id.in_(chunk)))
        )
        rows["correspondents"] += _count(
            conn.execute(delete(CorrespondentRow).where(CorrespondentRow.id.in_(chunk)))
        )
    return rows


def _remembering(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A bind processor that converts each distinct value once (a batch's dates repeat)."""
    done: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return done[value]
        except KeyError:
            done[value] = converted = processor(value)
            return converted
        except TypeError:  # unhashable: convert every time
            return processor(value)

    return convert


def _add_counts(into: dict[str, int], more: Mapping[str, int]) -> None:
    for table, count in more.items():
        into[table] = into.get(table, 0) + count


def _count(result: Any) -> int:
    return int(result.rowcount or 0)


# ---- small helpers ------------------------------------------------------------------------


def _message_id(text: str) -> str:
    """A Message-ID as learned and looked up: without angle brackets and spaces."""
    return text.strip().strip("<>").strip()


def _id_digest(message_id: str) -> str:
    return hashlib.sha256(b"message-id:" + message_id.encode("utf-8", "replace")).hexdigest()


def message_digest(message: Message, raw: bytes = b"") -> str:
    """What makes learning idempotent: the Message-ID's digest; without one, the raw
    message's (or its headers' and parts', when the raw bytes are not at hand)."""
    message_id = _message_id(message.message_id)
    if message_id:
        return _id_digest(message_id)
    digest = hashlib.sha256(b"raw:")
    if raw:
        digest.update(raw)
        return digest.hexdigest()
    sender = message.sender.address if message.sender else ""
    header = [
        sender,
        message.subject,
        str(message.date),
        *(r.mailbox.address for r in message.recipients),
    ]
    digest.update("\n".join(header).encode("utf-8", "replace"))
    for part in message.parts:
        digest.update(hashlib.sha256(part.payload).digest())
    return digest.hexdigest()


def _display_name(mailbox: Address) -> str:
    return " ".join(mailbox.display_name.strip("'\" ").split())[:DISPLAY_NAME_LENGTH]


def _name_key(name: str) -> str:
    """A display name as look-alikes are matched: no title, case or extra spaces."""
    return normalise(FeatureKind.PERSON, name.strip("'\" "))[:DISPLAY_NAME_LENGTH]


def _utc(moment: datetime | None) -> datetime | None:
    """Aware UTC; SQLite gives back what it stored without the zone, which was UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _chunked(values: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _batches(values: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
