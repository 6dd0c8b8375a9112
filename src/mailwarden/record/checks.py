"""Pre-send checks and their confirmations, as the API records them.

A `Check` is what a sender asked about: its recipients with their verdicts and the
content's digest, never the content. It may be confirmed until it expires; an
unconfirmed check is deleted after that (`purge`), a confirmed one stays with its
`Confirmation`s (who, when, why) for the audit trail.
"""

from __future__ import annotations

import builtins
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Row, delete, exists, insert, select

from mailwarden.message.model import AddressField
from mailwarden.record.schema import CheckRow, ConfirmationRow
from mailwarden.rules.base import Verdict

CHECK_PREFIX = "c_"


class CheckNotFound(LookupError):
    """No unexpired check has this ID (for this sender)."""

    def __init__(self, check_id: str) -> None:
        super().__init__(f"no check {check_id!r} (unknown, or expired)")
        self.check_id = check_id


@dataclass(frozen=True, slots=True)
class CheckedRecipient:
    address: str
    field: AddressField
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class Check:
    """One draft checked before sending."""

    id: str
    token_id: str
    sender: str
    recipients: tuple[CheckedRecipient, ...]
    verdict: Verdict
    """The most severe recipient verdict."""
    digest: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Confirmation:
    """A sender's "send anyway" for a check, and why."""

    check_id: str
    token_id: str
    confirmed_by: str
    reason: str
    confirmed_at: datetime
    expires_at: datetime
    """When the header it gave stops being honoured."""
    id: int = 0


def new_check_id() -> str:
    """128 random bits: a check ID cannot be guessed."""
    return CHECK_PREFIX + secrets.token_hex(16)


class CheckStore:
    """Checks and confirmations in the record database. Database failures surface as
    SQLAlchemy's errors; the API maps them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, check: Check) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(CheckRow).values(
                    id=check.id,
                    token_id=check.token_id,
                    sender=check.sender,
                    recipients=[
                        {"address": r.address, "field": r.field.value, "verdict": r.verdict.value}
                        for r in check.recipients
                    ],
                    verdict=check.verdict.value,
                    digest=check.digest,
                    created_at=check.created_at,
                    expires_at=check.expires_at,
                )
            )

    def get(self, check_id: str, now: datetime) -> Check:
        """The check, unless unknown or expired (`CheckNotFound`)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(CheckRow).where(CheckRow.id == check_id)).first()
        if row is None:
            raise CheckNotFound(check_id)
        check = _check(row)
        if now >= check.expires_at:
            raise CheckNotFound(check_id)
        return check

    def confirm(self, confirmation: Confirmation) -> Confirmation:
        """Record a confirmation; the check must exist (`CheckNotFound`). As stored."""
        with self.engine.begin() as conn:
            if not conn.execute(
                select(CheckRow.id).where(CheckRow.id == confirmation.check_id)
            ).first():
                raise CheckNotFound(confirmation.check_id)
            result = conn.execute(
                insert(ConfirmationRow)
                .values(
                    check_id=confirmation.check_id,
                    token_id=confirmation.token_id,
                    confirmed_by=confirmation.confirmed_by,
                    reason=confirmation.reason,
                    confirmed_at=confirmation.confirmed_at,
                    expires_at=confirmation.expires_at,
                )
                .returning(ConfirmationRow.id)
            )
            return Confirmation(
                confirmation.check_id,
                confirmation.token_id,
                confirmation.confirmed_by,
                confirmation.reason,
                confirmation.confirmed_at,
                confirmation.expires_at,
                result.scalar_one(),
            )

    def confirmations(self, check_id: str) -> builtins.list[Confirmation]:
        """A check's confirmations, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(ConfirmationRow)
                .where(ConfirmationRow.check_id == check_id)
                .order_by(ConfirmationRow.confirmed_at, ConfirmationRow.id)
            )
            return [_confirmation(row) for row in rows]

    def purge(self, now: datetime) -> int:
        """Delete the expired checks nobody confirmed; how many."""
        confirmed = exists().where(ConfirmationRow.check_id == CheckRow.id)
        with self.engine.begin() as conn:
            result = conn.execute(delete(CheckRow).where(CheckRow.expires_at <= now, ~confirmed))
            return int(result.rowcount or 0)


def _check(row: Row[Any]) -> Check:
    return Check(
        id=row.id,
        token_id=row.token_id,
        sender=row.sender,
        recipients=tuple(
            CheckedRecipient(r["address"], AddressField(r["field"]), Verdict(r["verdict"]))
            for r in row.recipients
        ),
        verdict=Verdict(row.verdict),
        digest=row.digest,
        created_at=_utc(row.created_at),
        expires_at=_utc(row.expires_at),
    )


def _confirmation(row: Row[Any]) -> Confirmation:
    return Confirmation(
        check_id=row.check_id,
        token_id=row.token_id,
        confirmed_by=row.confirmed_by,
        reason=row.reason,
        confirmed_at=_utc(row.confirmed_at),
        expires_at=_utc(row.expires_at),
        id=row.id,
    )


def _utc(moment: datetime) -> datetime:
    """Aware UTC; SQLite gives back what it stored without the zone, which was UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
