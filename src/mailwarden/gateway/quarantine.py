"""Durable holds: a held message is on disk, and recorded, before anyone is told 250.

Holds
-----
A held message is a file and a row:

    FOLDER/ID.eml     the message exactly as Postfix handed it over
    holds, hold_recipients (record database)
                      sender, subject, digest, each held recipient's verdict and
                      reasons, and what became of each (`record/holds.py`)

`hold` writes the file to a temporary name, fsyncs it, renames it into place and
fsyncs the folder; only then does it commit the row. So a row always has its file,
and a crash between the two leaves an unrecorded .eml an operator can see, never a
record pointing at nothing. If the commit fails, the file is removed again (best
effort) and Postfix is told 451, so it keeps the message and retries.

The database is SQLite in the folder (`holds.db`) unless a URL is given; several
relays share one PostgreSQL and one folder, and keep no state of their own. IDs are
the UTC time and 64 random bits: sortable by eye, not guessable.

Any OS or database failure (a full disk, a folder we may not write, the database
gone) raises `QuarantineError`, which the filter turns into a 4xx.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import socket
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from mailwarden.detect.finding import Finding
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.database import RecordError, first_line, open_record_database, safe_url
from mailwarden.record.holds import HeldRecipient, Hold, HoldNotFound, HoldStore, RecipientState
from mailwarden.record.schema import HOSTNAME_LENGTH

__all__ = [
    "HeldRecipient",
    "Hold",
    "HoldNotFound",
    "Quarantine",
    "QuarantineError",
    "RecipientState",
]

log = logging.getLogger(__name__)

TEXT_LIMIT = 2000
"""Characters kept of a subject or Message-ID: the header block is capped, but not this."""


class QuarantineError(Exception):
    """The quarantine could not store, find or update a message durably."""


class Quarantine:
    """A folder of held messages and their records; `hold` returns once both are durable."""

    def __init__(
        self, folder: Path | str, url: str | None = None, relay: str | None = None
    ) -> None:
        self.folder = Path(folder)
        self.relay = (relay if relay is not None else socket.gethostname())[:HOSTNAME_LENGTH]
        try:
            if url is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                url = f"sqlite:///{self.folder / 'holds.db'}"
            self.url = url
            self.store = HoldStore(open_record_database(url))
        except OSError as exc:
            raise QuarantineError(
                f"cannot use the quarantine folder {self.folder}: {exc.strerror or exc}"
            ) from exc
        except RecordError as exc:
            raise QuarantineError(str(exc)) from exc

    def hold(
        self,
        raw: bytes,
        sender: str,
        recipients: Sequence[HeldRecipient],
        subject: str = "",
        message_id: str = "",
        findings: Sequence[Finding] | None = None,
    ) -> str:
        """Store one message for these recipients, with what the scan found in it; its ID
        once file and row are durable."""
        if not recipients:
            raise ValueError("a hold needs at least one recipient")
        now = datetime.now(UTC)
        hold_id = now.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(8)
        record = Hold(
            id=hold_id,
            sender=_clean(sender),
            recipients=tuple(_distinct(recipients)),
            subject=_clean(subject)[:TEXT_LIMIT],
            message_id=_clean(message_id)[:TEXT_LIMIT],
            digest=hashlib.sha256(raw).hexdigest(),
            size=len(raw),
            held_at=now,
            path=f"{hold_id}.eml",
            relay=self.relay,
        )
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._write(record.path, raw)
        except OSError as exc:
            raise QuarantineError(
                f"could not store a held message in {self.folder}: {exc.strerror or exc}"
            ) from exc
        try:
            self.store.add(record, findings)
        except SQLAlchemyError as exc:
            self._remove(record.path)
            raise QuarantineError(
                f"could not record a held message in {safe_url(self.url)}: {first_line(exc)}"
            ) from exc
        return hold_id

    def findings(self, hold_id: str) -> list[Finding] | None:
        """What the scan found in the held message when it was held (None: not kept)."""
        try:
            return self.store.findings(hold_id)
        except SQLAlchemyError as exc:
            raise self._failed("read", exc) from exc

    def get(self, hold_id: str) -> Hold:
        """The hold's record; `HoldNotFound` if there is none."""
        try:
            return self.store.get(hold_id)
        except SQLAlchemyError as exc:
            raise self._failed("read", exc) from exc

    def held(
        self,
        state: RecipientState | None = RecipientState.HELD,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Hold]:
        """Holds with a recipient in `state` (default: still held; None: all), oldest first."""
        try:
            return self.store.list(state, limit, offset)
        except SQLAlchemyError as exc:
            raise self._failed("read", exc) from exc

    def message(self, hold_id: str) -> bytes:
        """The held message's bytes; `HoldNotFound` if there is no such hold."""
        path = self.folder / self.get(hold_id).path
        try:
            return path.read_bytes()
        except OSError as exc:
            raise QuarantineError(
                f"cannot read held message {hold_id} at {path}: {exc.strerror or exc}"
            ) from exc

    def mark(
        self,
        hold_id: str,
        addresses: Iterable[str],
        state: RecipientState,
        by: str,
        note: str = "",
    ) -> Hold:
        """Record a decision for these still-held recipients (`HoldStore.mark`); the new record."""
        try:
            return self.store.mark(hold_id, addresses, state, by, note)
        except SQLAlchemyError as exc:
            raise self._failed("update", exc) from exc

    def purge(self, before: datetime, by: str) -> int:
        """Retention: delete the decided holds from before this moment (rows first, then
        their files), and record the purge in the audit trail; how many went."""
        try:
            gone = self.store.purge(before)
            details = {"kind": "holds", "before": before.isoformat(), "deleted": len(gone)}
            if gone:
                AuditTrail(self.store.engine).append(by, Action.PURGE, "holds", details)
        except SQLAlchemyError as exc:
            raise self._failed("purge", exc) from exc
        for hold in gone:
            with contextlib.suppress(FileNotFoundError):
                (self.folder / hold.path).unlink()
        if gone:
            self._sync_folder()
        return len(gone)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Quarantine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _failed(self, doing: str, exc: SQLAlchemyError) -> QuarantineError:
        return QuarantineError(
            f"could not {doing} the holds in {safe_url(self.url)}: {first_line(exc)}"
        )

    def _write(self, name: str, data: bytes) -> None:
        """Temporary file, fsync, rename into place, fsync the folder; no temporary left."""
        final = self.folder / name
        temporary = self.folder / f".{name}.tmp"
        try:
            with open(temporary, "xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, final)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        self._sync_folder()

    def _remove(self, name: str) -> None:
        """Best effort: a file whose row could not be committed goes again."""
        try:
            (self.folder / name).unlink()
            self._sync_folder()
        except OSError as exc:
            log.warning("unrecorded held message left at %s: %s", self.folder / name, exc)

    def _sync_folder(self) -> None:
        directory = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _clean(text: str) -> str:
    """Storable on every database: no NUL, no lone surrogates from undecodable bytes."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _distinct(recipients: Iterable[HeldRecipient]) -> Iterable[HeldRecipient]:
    """Each address once (as it first comes, in any case), cleaned, and not yet decided."""
    seen: set[str] = set()
    for recipient in recipients:
        address = _clean(recipient.address)
        if address.lower() in seen:
            continue
        seen.add(address.lower())
        yield HeldRecipient(
            address, recipient.verdict, tuple(_clean(reason) for reason in recipient.reasons)
        )
