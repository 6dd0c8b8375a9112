"""The audit trail: an append-only record of what was done, each entry hash-chained.

Each entry says who (`actor`: a person's login or address, "gateway@<relay>", "api") did
what (`Action`) to which hold, check or message (`subject`), when (`at`, UTC), with plain
facts in `details` (recipients, verdicts, rule names; never a subject line, a body or a
finding's text: such keys are refused). Its `hash` is the SHA-256 of a canonical JSON
encoding of (seq, at, actor, action, subject, details, prev_hash), and `prev_hash` is the
entry before's hash (`GENESIS` for entry 1): change, remove or reorder one and `verify`
names the first entry that no longer fits.

Appending: the first statement of an append's transaction updates the one-row
`audit_head` (next number, last hash). That write takes the row's lock on PostgreSQL and
the database's write lock on SQLite (as BEGIN IMMEDIATE would), held to the commit, so
relays, the API and the CLI append one at a time and the chain cannot fork. The same
statement on both databases, no advisory-lock number to share, and the head doubles as
the trail's end: `verify` sees entries cut off the end, which a chain alone cannot show.

Retention (`purge`): deletes the oldest entries, up to the last one older than the
cutoff, and appends a `PURGE` entry whose details name the last entry deleted and its
hash (the anchor). `verify` starts from the first entry left: its `prev_hash` must be
`GENESIS` (nothing purged) or the anchor of a purge entry naming the entry before it,
and that purge entry is itself checked as part of the chain.

Triggers (migration 0003, on SQLite and PostgreSQL) refuse UPDATE (and TRUNCATE) of an
entry, and DELETE of any entry after `audit_head.purged_through`, which `purge` sets
first in its transaction: a guard against mistakes, not against someone who owns the
database. The proof is the chain; a copy kept elsewhere (`mailwarden audit syslog` to a
SIEM) is what proves it was not rewritten whole.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, func, insert, select, update

from mailwarden.record.schema import AuditEntryRow, AuditHeadRow

GENESIS = "0" * 64
"""The `prev_hash` of entry 1."""
HEAD_ID = 1
CHUNK = 1000
"""Entries read from the database at a time."""
FORBIDDEN_KEYS = frozenset(
    {"subject", "body", "text", "content", "html", "snippet", "excerpt", "quote", "raw"}
)
"""Keys that would carry a message's content, refused anywhere in `details`."""


class Action(StrEnum):
    """What an entry records."""

    VERDICT = "verdict"
    HOLD = "hold"
    RELEASE = "release"
    REJECT = "reject"
    RETURN = "return"
    CONFIRM = "confirm"
    VIEW = "view"
    EXPORT = "export"
    BREACH_STEP = "breach_step"
    PURGE = "purge"
    TOKEN_CREATE = "token_create"
    TOKEN_REVOKE = "token_revoke"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    ACCOUNT = "account"
    """An account added, disabled, enabled or given another role."""
    CORRECT = "correct"
    """A sender replaced a held recipient with the address they meant."""
    BREACH_OPEN = "breach_open"


class ContentRefused(ValueError):
    """`details` would carry a message's content, or is not plain JSON facts."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One entry as stored; `computed_hash()` is what its `hash` must be."""

    seq: int
    at: datetime
    actor: str
    action: str
    """An `Action` value; kept as stored, so a tampered one is still reported."""
    subject: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def computed_hash(self) -> str:
        return entry_hash(
            self.seq, self.at, self.actor, self.action, self.subject, self.details, self.prev_hash
        )

    @property
    def label(self) -> str:
        """'entry 1,203 (2026-11-25 10:15:02, release of 20261125T101502-7f3a)'."""
        when = self.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        what = f"{self.action} of {self.subject}" if self.subject else self.action
        return f"entry {self.seq:,} ({when}, {what})"

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": timestamp(self.at),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "details": self.details,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AuditEntry:
        """An entry as `to_json` wrote it (an export read back)."""
        return cls(
            seq=int(data["seq"]),
            at=_utc(datetime.fromisoformat(str(data["at"]))),
            actor=str(data["actor"]),
            action=str(data["action"]),
            subject=str(data["subject"]),
            details=dict(data["details"]),
            prev_hash=str(data["prev_hash"]),
            hash=str(data["hash"]),
        )


class Problem(StrEnum):
    """What is wrong with the first entry that does not fit."""

    HASH = "its hash does not match its contents"
    LINK = "its link to the entry before does not match that entry's hash"
    GAP = "entries before it are missing"
    END = "entries after it are missing"


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """`ok` with the number of entries checked, or the first broken entry and what is wrong."""

    checked: int
    broken: AuditEntry | None = None
    problem: Problem | None = None
    missing: tuple[int, int] | None = field(default=None)
    """For a gap or a cut end: the first and last entry numbers that are missing."""

    @property
    def ok(self) -> bool:
        return self.problem is None

    def describe(self) -> str:
        """'1,203 entries, chain intact', or the broken entry and what is wrong with it."""
        if self.problem is None:
            return f"{self.checked:,} {'entry' if self.checked == 1 else 'entries'}, chain intact"
        where = self.broken.label if self.broken is not None else "the trail"
        words: str = self.problem.value
        if self.missing is not None:
            first, last = self.missing
            span = f"entry {first:,} is" if first == last else f"entries {first:,}–{last:,} are"
            if self.problem is Problem.GAP:
                words = f"{span} missing before it, and no purge recorded removing them"
            else:
                words = f"{span} missing after it (the head says the trail ends at {last:,})"
        return f"{where}: {words}"


Clock = Callable[[], datetime]


class AuditTrail:
    """The audit trail in the record database (`record.database.open_record_database`)."""

    def __init__(self, engine: Engine, clock: Clock | None = None) -> None:
        self.engine = engine
        self._clock = clock or (lambda: datetime.now(UTC))

    def append(
        self, actor: str, action: Action, subject: str, details: Mapping[str, Any] | None = None
    ) -> AuditEntry:
        """Record one thing done; the entry as stored. `ContentRefused` for details that
        name content (`FORBIDDEN_KEYS`) or are not plain JSON, `ValueError` for a blank actor."""
        with self.engine.begin() as conn:
            return append_entry(conn, actor, action, subject, details or {}, self._clock)

    def entries(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        action: Action | None = None,
    ) -> Iterator[AuditEntry]:
        """Entries in order, `since` <= at < `until`, of one action if given; read in chunks."""
        after = 0
        while True:
            query = select(AuditEntryRow).where(AuditEntryRow.seq > after)
            if since is not None:
                query = query.where(AuditEntryRow.at >= since)
            if until is not None:
                query = query.where(AuditEntryRow.at < until)
            if action is not None:
                query = query.where(AuditEntryRow.action == action.value)
            with self.engine.connect() as conn:
                rows = conn.execute(query.order_by(AuditEntryRow.seq).limit(CHUNK)).all()
            yield from (_entry(row) for row in rows)
            if len(rows) < CHUNK:
                return
            after = rows[-1].seq

    def verify(self) -> VerifyResult:
        """Check every entry's hash, each link, the numbering, and the end against the head."""
        with self.engine.connect() as conn:
            head = conn.execute(select(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID)).one()
            anchors = {
                int(row.details["through_seq"]): str(row.details["anchor"])
                for row in conn.execute(
                    select(AuditEntryRow.details).where(AuditEntryRow.action == Action.PURGE.value)
                )
                if _is_anchor(row.details)
            }
        return verify_chain(self.entries(), anchors, head.seq)

    def purge(self, before: datetime, actor: str) -> int:
        """Delete the entries older than `before` (up to the last such one), record the purge
        with the last deleted entry's hash as the anchor, and return how many went."""
        with self.engine.begin() as conn:
            # the head's lock first, as appenders take it: nobody appends while this purges
            conn.execute(
                update(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID).values(seq=AuditHeadRow.seq)
            )
            last = conn.execute(
                select(func.max(AuditEntryRow.seq)).where(AuditEntryRow.at < before)
            ).scalar_one()
            if last is None:
                return 0
            anchor = conn.execute(
                select(AuditEntryRow.hash).where(AuditEntryRow.seq == last)
            ).scalar_one()
            # the triggers delete nothing after what the head says was purged
            conn.execute(
                update(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID).values(purged_through=last)
            )
            deleted = conn.execute(delete(AuditEntryRow).where(AuditEntryRow.seq <= last)).rowcount
            details = {
                "before": timestamp(_utc(before)),
                "deleted": deleted,
                "through_seq": last,
                "anchor": anchor,
            }
            append_entry(conn, actor, Action.PURGE, "audit trail", details, self._clock)
            return int(deleted)


def verify_chain(
    entries: Iterable[AuditEntry], anchors: Mapping[int, str], head_seq: int | None = None
) -> VerifyResult:
    """Verify entries in order (from the database or read back from an export). `anchors`
    maps a purge's last deleted entry number to its hash; `head_seq`, when known, is where
    the trail must end."""
    checked = 0
    previous: AuditEntry | None = None
    for entry in entries:
        if previous is None:
            if entry.seq == 1:
                expected = GENESIS
            elif entry.seq - 1 in anchors:
                expected = anchors[entry.seq - 1]
            else:
                return VerifyResult(checked, entry, Problem.GAP, (1, entry.seq - 1))
        elif entry.seq != previous.seq + 1:
            return VerifyResult(checked, entry, Problem.GAP, (previous.seq + 1, entry.seq - 1))
        else:
            expected = previous.hash
        if entry.computed_hash() != entry.hash:
            return VerifyResult(checked, entry, Problem.HASH)
        if entry.prev_hash != expected:
            return VerifyResult(checked, entry, Problem.LINK)
        checked += 1
        previous = entry
    last = previous.seq if previous is not None else 0
    if head_seq is not None and head_seq > last:
        return VerifyResult(checked, previous, Problem.END, (last + 1, head_seq))
    return VerifyResult(checked)


def entry_hash(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    details: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256, in hex, of the canonical encoding: a JSON array of the fields, keys sorted,
    no spaces, UTF-8, `at` as UTC ISO 8601 to the microsecond."""
    canonical = json.dumps(
        [seq, timestamp(at), actor, action, subject, details, prev_hash],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def timestamp(moment: datetime) -> str:
    """'2026-11-25T10:15:02.123456+00:00': the one spelling hashed and exported."""
    return _utc(moment).isoformat(timespec="microseconds")


def check_details(details: Mapping[str, Any], where: str = "details") -> None:
    """Refuse (`ContentRefused`) content keys anywhere, and anything but plain JSON facts."""
    for key, value in details.items():
        if not isinstance(key, str):
            raise ContentRefused(f"{where}: keys are strings, not {key!r}")
        if key.strip().lower() in FORBIDDEN_KEYS:
            raise ContentRefused(
                f"{where}.{key}: the audit trail records facts, never a message's content"
            )
        _check_value(value, f"{where}.{key}")


def _check_value(value: object, where: str) -> None:
    if isinstance(value, Mapping):
        check_details(value, where)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_value(item, f"{where}[{index}]")
    elif isinstance(value, str):
        if "\x00" in value:
            raise ContentRefused(f"{where}: a NUL character")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ContentRefused(f"{where}: {value} is not a JSON number")
    elif not (value is None or isinstance(value, bool | int)):
        raise ContentRefused(f"{where}: {type(value).__name__} is not plain JSON")


def append_entry(
    conn: Connection,
    actor: str,
    action: Action,
    subject: str,
    details: Mapping[str, Any],
    clock: Clock | None = None,
) -> AuditEntry:
    """`AuditTrail.append` inside the caller's transaction, so what it records (a hold's
    rows, a release's states) and its entry commit together or not at all. It locks the
    head until that commit: keep the rest of the transaction short."""
    actor, subject, action = actor.strip(), subject.strip(), Action(action)
    if not actor:
        raise ValueError("an audit entry needs an actor")
    if "\x00" in actor + subject:
        raise ValueError("an actor or subject with a NUL character")
    check_details(details)
    plain: dict[str, Any] = json.loads(json.dumps(details))  # tuples become lists, as stored
    seq, prev_hash = conn.execute(
        update(AuditHeadRow)
        .where(AuditHeadRow.id == HEAD_ID)
        .values(seq=AuditHeadRow.seq + 1)
        .returning(AuditHeadRow.seq, AuditHeadRow.hash)
    ).one()
    at = _utc(clock() if clock is not None else datetime.now(UTC))
    entry = AuditEntry(seq, at, actor, action.value, subject, plain, prev_hash, "")
    entry = dataclasses.replace(entry, hash=entry.computed_hash())
    conn.execute(insert(AuditEntryRow).values(**dataclasses.asdict(entry)))
    conn.execute(update(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID).values(hash=entry.hash))
    return entry


def _is_anchor(details: object) -> bool:
    return (
        isinstance(details, dict)
        and isinstance(details.get("through_seq"), int)
        and isinstance(details.get("anchor"), str)
    )


def _entry(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=_utc(row.at),
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        details=row.details,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _utc(moment: datetime) -> datetime:
    """Aware UTC; SQLite gives back what it stored without the zone, which was UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
