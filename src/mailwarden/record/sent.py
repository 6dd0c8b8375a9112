"""What was delivered with personal data in it: `SentStore` keeps, for each such message,
who sent it to whom and when and what the scan found in it (never the message itself), so
that a breach opened from it can name the people it named.

The gateway adds a record for the recipients it delivered (a release adds one for those it
released) through `SentStore.keep`, which keeps a message only if it was delivered to
someone and has findings of `KEPT_TYPES`, and keeps a retried one (the same bytes to the
same recipients) once; `purge` deletes records older than `[gateway] sent_retention_days`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Row, delete, func, insert, or_, select

from mailwarden.detect.finding import Finding, FindingType
from mailwarden.extract.base import Segment
from mailwarden.record.schema import SentMessageRow

if TYPE_CHECKING:
    from mailwarden.report import ScanReport

KEPT_TYPES = frozenset(FindingType) - {FindingType.UNSCANNABLE, FindingType.EMAIL_ADDRESS}
"""What a breach needs to know of a message's findings: not its unreadable parts, nor its
mail addresses (the recipients are kept on their own)."""


class SentNotFound(LookupError):
    """No delivered message is recorded under this ID (never, or purged)."""

    def __init__(self, sent_id: int) -> None:
        super().__init__(f"no delivered message is recorded with the ID {sent_id}")
        self.sent_id = sent_id


@dataclass(frozen=True, slots=True)
class SentRecipient:
    """One recipient a message was delivered to, and in which field (to, cc, bcc)."""

    address: str
    field: str = "to"


@dataclass(frozen=True, slots=True)
class SentFinding:
    """One finding as kept: its type, text, sub-kind and where it stood (with its span in
    that part's text, so that what stood near it can be told: a child's age by a name)."""

    type: FindingType
    text: str
    location: str
    category: str = ""
    start: int = 0
    end: int = 0
    position: str = ""
    """Where in the part ("paragraph 4", "page 2"): the span counts within that segment."""
    sentence: int = 0
    """The sentence of that segment it stood in, from 0: a cue in another sentence is
    about someone else."""

    @classmethod
    def of(cls, finding: Finding, sentence: int = 0) -> SentFinding:
        return cls(
            finding.type,
            finding.text,
            finding.location,
            finding.category,
            finding.start,
            finding.end,
            finding.position,
            sentence,
        )

    @property
    def place(self) -> tuple[str, str, int]:
        """The part, the segment in it and the sentence: findings with the same place stood
        in one sentence."""
        return (self.location, self.position, self.sentence)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type.value,
            "text": self.text,
            "location": self.location,
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "position": self.position,
            "sentence": self.sentence,
        }


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A delivered message's record."""

    id: int
    message_id: str
    sender: str
    subject: str
    recipients: tuple[SentRecipient, ...]
    findings: tuple[SentFinding, ...]
    digest: str
    delivered_at: datetime
    relay: str = ""


SENTENCE_END = re.compile(r"[.!?](?=[\s\"'”’)]|$)|\n\s*\n")
"""Where a sentence ends: . ! or ? before a space or the end, or a blank line."""


def kept_findings(
    findings: Iterable[Finding], segments: Iterable[Segment] = ()
) -> list[SentFinding]:
    """The findings worth keeping for a breach, in the scan's order, each with the
    sentence it stood in (counted in its segment's text, when `segments` has it)."""
    texts = {(s.location, s.position): s.text for s in segments}
    kept = []
    for finding in findings:
        if finding.type not in KEPT_TYPES:
            continue
        text = texts.get((finding.location, finding.position), "")
        sentence = len(SENTENCE_END.findall(text, 0, finding.start)) if text else 0
        kept.append(SentFinding.of(finding, sentence))
    return kept


class SentStore:
    """Delivered messages' records in the record database. Database failures surface as
    SQLAlchemy's errors; callers at the edge map them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self,
        *,
        message_id: str,
        sender: str,
        subject: str,
        recipients: Iterable[SentRecipient],
        findings: Iterable[SentFinding],
        digest: str,
        relay: str = "",
        delivered_at: datetime | None = None,
    ) -> int:
        """Record one delivery; its ID."""
        values = {
            "message_id": message_id,
            "sender": sender,
            "subject": subject,
            "recipients": [{"address": r.address, "field": r.field} for r in recipients],
            "findings": [f.to_json() for f in findings],
            "digest": digest,
            "relay": relay,
            "delivered_at": _utc(delivered_at or datetime.now(UTC)),
        }
        with self.engine.begin() as conn:
            result = conn.execute(insert(SentMessageRow).values(**values))
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def keep(
        self,
        report: ScanReport,
        raw: bytes,
        sender: str,
        delivered: Sequence[str],
        relay: str = "",
    ) -> int | None:
        """Record that `raw`, scanned as `report`, went from `sender` to `delivered`; its ID,
        or None when there is nothing a breach would need (no one delivered to, no finding
        of `KEPT_TYPES`). Each recipient keeps the header that named it; one only the
        envelope named is "bcc". The same bytes to the same recipients (a retry) are kept
        once: the first record's ID."""
        findings = kept_findings(report.findings, report.segments)
        if not delivered or not findings:
            return None
        fields = {r.mailbox.address: r.field.value for r in report.message.recipients}
        recipients = [SentRecipient(a, fields.get(a.lower(), "bcc")) for a in delivered]
        digest = hashlib.sha256(raw).hexdigest()
        earlier = self._same(digest, {r.address.lower() for r in recipients})
        if earlier is not None:
            return earlier
        return self.add(
            message_id=report.message.message_id,
            sender=sender,
            subject=report.message.subject,
            recipients=recipients,
            findings=findings,
            digest=digest,
            relay=relay,
        )

    def _same(self, digest: str, addresses: set[str]) -> int | None:
        """The record of these bytes delivered to exactly these addresses, if there is one."""
        query = select(SentMessageRow.id, SentMessageRow.recipients).where(
            SentMessageRow.digest == digest
        )
        with self.engine.connect() as conn:
            for sent_id, recipients in conn.execute(query.order_by(SentMessageRow.id)):
                if {str(r["address"]).lower() for r in recipients} == addresses:
                    return int(sent_id)
        return None

    def get(self, sent_id: int) -> SentMessage:
        with self.engine.connect() as conn:
            row = conn.execute(select(SentMessageRow).where(SentMessageRow.id == sent_id)).first()
        if row is None:
            raise SentNotFound(sent_id)
        return _sent(row)

    def search(self, text: str = "", limit: int = 50, offset: int = 0) -> list[SentMessage]:
        """The newest first; `text` narrows to those whose sender, subject or Message-ID
        contains it (any case), or that went to a recipient containing it."""
        query = select(SentMessageRow)
        if text:
            like = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like += "%"
            query = query.where(
                or_(
                    *(
                        func.lower(column).like(like, escape="\\")
                        for column in (
                            SentMessageRow.sender,
                            SentMessageRow.subject,
                            SentMessageRow.message_id,
                        )
                    )
                )
                | func.lower(
                    func.cast(SentMessageRow.recipients, SentMessageRow.subject.type)
                ).like(like, escape="\\")
            )
        query = query.order_by(SentMessageRow.delivered_at.desc(), SentMessageRow.id.desc())
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit).offset(offset)).all()
        return [_sent(row) for row in rows]

    def purge(self, before: datetime) -> int:
        """Delete the records of deliveries before this moment; how many."""
        with self.engine.begin() as conn:
            result = conn.execute(
                delete(SentMessageRow).where(SentMessageRow.delivered_at < _utc(before))
            )
        return int(result.rowcount or 0)


def _sent(row: Row[Any]) -> SentMessage:
    record = row[0] if len(row) == 1 else row
    return SentMessage(
        id=record.id,
        message_id=record.message_id,
        sender=record.sender,
        subject=record.subject,
        recipients=tuple(
            SentRecipient(r["address"], r.get("field", "to")) for r in record.recipients
        ),
        findings=tuple(
            SentFinding(
                FindingType(f["type"]),
                f["text"],
                f["location"],
                f.get("category", ""),
                int(f.get("start", 0)),
                int(f.get("end", 0)),
                str(f.get("position", "")),
                int(f.get("sentence", 0)),
            )
            for f in record.findings
        ),
        digest=record.digest,
        delivered_at=_utc(record.delivered_at),
        relay=record.relay,
    )


def _utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were stored as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
