"""Held messages as typed records, and `HoldStore`, which keeps them in the record database.

A `Hold` is written once (`add`) with every recipient `HELD`; from then on only its
recipients change, each on its own, and only out of `HELD` (`mark`): a recipient
released, rejected or returned stays so, with who decided, when, and a note. A queue
reads the holds that still have a recipient in some state, oldest first (`list`).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, Row, and_, delete, func, insert, select, update

from mailwarden.detect.finding import Finding
from mailwarden.record.schema import HoldFindingsRow, HoldRecipientRow, HoldRow
from mailwarden.report import finding_from_json, finding_json
from mailwarden.rules.base import Verdict

HOLDS = HoldRow.__table__
RECIPIENTS = HoldRecipientRow.__table__
HELD_VERDICTS = (Verdict.CONFIRM, Verdict.HOLD)
FINDINGS_KEPT = 5_000
"""Findings kept with a hold: a spreadsheet of pupils may name tens of thousands."""
_IN_CHUNK = 500
"""IDs per IN (...) list: well under every database's limit on bound parameters."""


class RecipientState(StrEnum):
    """What has become of one recipient's copy of a held message."""

    HELD = "held"
    RELEASED = "released"
    """Delivered after all, by a reviewer or the sender."""
    REJECTED = "rejected"
    """Never to be delivered."""
    RETURNED = "returned"
    """Sent back to the sender to correct."""


class HoldNotFound(LookupError):
    """No held message has this ID."""

    def __init__(self, hold_id: str) -> None:
        super().__init__(f"no held message has the ID {hold_id!r}")
        self.hold_id = hold_id


@dataclass(frozen=True, slots=True)
class HeldRecipient:
    """One recipient of a held message, why it was held, and what became of it."""

    address: str
    verdict: Verdict
    """`Verdict.CONFIRM` (the sender may release it) or `Verdict.HOLD` (a reviewer must)."""
    reasons: tuple[str, ...]
    """Plain words, never the message's content."""
    state: RecipientState = RecipientState.HELD
    decided_by: str = ""
    decided_at: datetime | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "verdict": self.verdict.value,
            "reasons": list(self.reasons),
            "state": self.state.value,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Hold:
    """One held message's record; its bytes are the file at `path` in the quarantine."""

    id: str
    sender: str
    recipients: tuple[HeldRecipient, ...]
    subject: str
    message_id: str
    digest: str
    """SHA-256 of the message's bytes, in hex."""
    size: int
    held_at: datetime
    path: str = ""
    """The .eml file, relative to the quarantine folder."""
    relay: str = ""
    """The host whose gateway held it."""

    def still_held(self) -> list[HeldRecipient]:
        """The recipients nobody has decided on yet."""
        return [r for r in self.recipients if r.state is RecipientState.HELD]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sender": self.sender,
            "subject": self.subject,
            "message_id": self.message_id,
            "digest": self.digest,
            "size": self.size,
            "held_at": self.held_at.isoformat(),
            "relay": self.relay,
            "recipients": [r.to_json() for r in self.recipients],
        }


class HoldStore:
    """Holds in the record database (`record.database.open_record_database` gives the engine).

    Database failures surface as SQLAlchemy's errors; callers at the edge map them.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, hold: Hold, findings: Sequence[Finding] | None = None) -> None:
        """Record a new hold, its recipients and (when given) what the scan found in it, in
        one transaction; at most `FINDINGS_KEPT` findings are kept."""
        if not hold.recipients:
            raise ValueError(f"hold {hold.id} has no recipients")
        addresses = [r.address.lower() for r in hold.recipients]
        if len(set(addresses)) != len(addresses):
            raise ValueError(f"hold {hold.id} names a recipient twice")
        if any(r.verdict not in HELD_VERDICTS for r in hold.recipients):
            raise ValueError(f"hold {hold.id}: a held recipient's verdict is confirm or hold")
        held_at = _utc(hold.held_at)
        with self.engine.begin() as conn:
            conn.execute(
                insert(HoldRow).values(
                    id=hold.id,
                    sender=hold.sender,
                    subject=hold.subject,
                    message_id=hold.message_id,
                    digest=hold.digest,
                    size=hold.size,
                    path=hold.path or f"{hold.id}.eml",
                    held_at=held_at,
                    relay=hold.relay,
                )
            )
            conn.execute(
                insert(HoldRecipientRow),
                [
                    {
                        "hold_id": hold.id,
                        "position": position,
                        "address": r.address,
                        "verdict": r.verdict.value,
                        "reasons": list(r.reasons),
                        "state": r.state.value,
                        "held_at": held_at,
                        "decided_at": _utc(r.decided_at) if r.decided_at else None,
                        "decided_by": r.decided_by,
                        "note": r.note,
                    }
                    for position, r in enumerate(hold.recipients)
                ],
            )
            if findings is not None:
                kept = [finding_json(f) for f in findings[:FINDINGS_KEPT]]
                conn.execute(insert(HoldFindingsRow).values(hold_id=hold.id, findings=kept))

    def findings(self, hold_id: str) -> builtins.list[Finding] | None:
        """What the gateway found in this held message; None when nothing was kept (a hold
        from before findings were kept, or one added without them)."""
        with self.engine.connect() as conn:
            kept = conn.execute(
                select(HoldFindingsRow.findings).where(HoldFindingsRow.hold_id == hold_id)
            ).scalar_one_or_none()
        if kept is None:
            return None
        try:
            return [finding_from_json(f) for f in kept]
        except (KeyError, TypeError, ValueError):
            return None  # not ours to trust: the caller scans the message again

    def get(self, hold_id: str) -> Hold:
        """The hold with this ID; `HoldNotFound` if there is none."""
        with self.engine.connect() as conn:
            found = _load(conn, [hold_id])
        if not found:
            raise HoldNotFound(hold_id)
        return found[0]

    def get_many(self, hold_ids: Sequence[str]) -> builtins.list[Hold]:
        """These holds, in this order, in two queries; unknown IDs (purged) left out."""
        with self.engine.connect() as conn:
            return _load(conn, hold_ids)

    def mark(
        self,
        hold_id: str,
        addresses: Iterable[str],
        state: RecipientState,
        by: str,
        note: str = "",
    ) -> Hold:
        """Move these recipients (any case) from held to `state`, recording who and when.

        Recipients already decided keep their decision. The hold as it now stands.
        """
        if state is RecipientState.HELD:
            raise ValueError("a decided recipient cannot be held again")
        wanted = sorted({a.lower() for a in addresses})
        with self.engine.begin() as conn:
            if not conn.execute(select(HoldRow.id).where(HoldRow.id == hold_id)).first():
                raise HoldNotFound(hold_id)
            if wanted:
                conn.execute(
                    update(HoldRecipientRow)
                    .where(
                        and_(
                            HoldRecipientRow.hold_id == hold_id,
                            func.lower(HoldRecipientRow.address).in_(wanted),
                            HoldRecipientRow.state == RecipientState.HELD.value,
                        )
                    )
                    .values(
                        state=state.value,
                        decided_by=by,
                        decided_at=datetime.now(UTC),
                        note=note,
                    )
                )
            return _load(conn, [hold_id])[0]

    def purge(self, before: datetime) -> builtins.list[Hold]:
        """Delete the holds from before this moment whose every recipient was decided; the
        holds deleted. A hold still waiting for a decision is kept, however old."""
        undecided = select(HoldRecipientRow.hold_id).where(
            HoldRecipientRow.state == RecipientState.HELD.value
        )
        expired = select(HoldRow.id).where(
            and_(HoldRow.held_at < _utc(before), HoldRow.id.not_in(undecided))
        )
        with self.engine.begin() as conn:
            ids = [row[0] for row in conn.execute(expired.order_by(HoldRow.held_at, HoldRow.id))]
            gone = _load(conn, ids)
            for start in range(0, len(ids), _IN_CHUNK):
                chunk = ids[start : start + _IN_CHUNK]
                conn.execute(delete(HoldRecipientRow).where(HoldRecipientRow.hold_id.in_(chunk)))
                conn.execute(delete(HoldFindingsRow).where(HoldFindingsRow.hold_id.in_(chunk)))
                conn.execute(delete(HoldRow).where(HoldRow.id.in_(chunk)))
        return gone

    def list(
        self,
        state: RecipientState | None = RecipientState.HELD,
        limit: int | None = None,
        offset: int = 0,
    ) -> builtins.list[Hold]:
        """Holds with a recipient in `state` (None: every hold), oldest first, a page of them."""
        if state is None:
            page = select(HoldRow.id).order_by(HoldRow.held_at, HoldRow.id)
        else:
            page = (
                select(HoldRecipientRow.hold_id)
                .where(HoldRecipientRow.state == state.value)
                .group_by(HoldRecipientRow.held_at, HoldRecipientRow.hold_id)
                .order_by(HoldRecipientRow.held_at, HoldRecipientRow.hold_id)
            )
        page = page.limit(limit).offset(offset)
        with self.engine.connect() as conn:
            ids = [row[0] for row in conn.execute(page)]
            return _load(conn, ids)

    def close(self) -> None:
        self.engine.dispose()


def _load(conn: Connection, ids: Sequence[str]) -> builtins.list[Hold]:
    """These holds with their recipients, in the order of `ids` (unknown IDs left out)."""
    holds: dict[str, Row[Any]] = {}
    recipients: dict[str, builtins.list[HeldRecipient]] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        holds.update(
            (row.id, row) for row in conn.execute(select(HOLDS).where(HoldRow.id.in_(chunk)))
        )
        rows = conn.execute(
            select(RECIPIENTS)
            .where(HoldRecipientRow.hold_id.in_(chunk))
            .order_by(HoldRecipientRow.hold_id, HoldRecipientRow.position)
        )
        for row in rows:
            recipients.setdefault(row.hold_id, []).append(_recipient(row))
    return [_hold(holds[i], recipients.get(i, [])) for i in ids if i in holds]


def _recipient(row: Row[Any]) -> HeldRecipient:
    return HeldRecipient(
        address=row.address,
        verdict=Verdict(row.verdict),
        reasons=tuple(str(r) for r in row.reasons),
        state=RecipientState(row.state),
        decided_by=row.decided_by,
        decided_at=_utc(row.decided_at) if row.decided_at is not None else None,
        note=row.note,
    )


def _hold(row: Row[Any], recipients: builtins.list[HeldRecipient]) -> Hold:
    return Hold(
        id=row.id,
        sender=row.sender,
        recipients=tuple(recipients),
        subject=row.subject,
        message_id=row.message_id,
        digest=row.digest,
        size=row.size,
        held_at=_utc(row.held_at),
        path=row.path,
        relay=row.relay,
    )


def _utc(moment: datetime) -> datetime:
    """Aware UTC; SQLite gives back what it stored without the zone, which was UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
