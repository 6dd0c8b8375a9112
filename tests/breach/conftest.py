"""The breach tests' case: a police officer's reply to a member of the public (who wrote
about a parking dispute of his own) that also carries an update for a school about a
race-hate message between pupils: it names three children of two schools and quotes the
school's incident report. `record_delivery` keeps its delivery as the gateway would."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mailwarden.record.sent import SentFinding, SentRecipient, SentStore, kept_findings
from mailwarden.scan import Scanner

MESSAGE = (
    Path(__file__).parent
    / "messages"
    / ("race_hate_between_pupils_sent_to_a_member_of_the_public.eml")
)
PUBLIC = "mark.fenton@gmail.com"
SCHOOL = "safeguarding@greenfield.sch.uk"
SENDER = "dan.hughes@example.police.uk"
DELIVERED = datetime(2026, 11, 24, 9, 12, tzinfo=UTC)
CHILDREN = ("Ellie Marsh", "Jayden Cole", "Priya Shah")


def race_hate_findings(scanner: Scanner) -> list[SentFinding]:
    """The findings as the gateway keeps them: each with the sentence it stood in."""
    report = scanner.scan_bytes(MESSAGE.read_bytes())
    return kept_findings(report.findings, report.segments)


def record_delivery(engine: Engine, scanner: Scanner, delivered_at: datetime = DELIVERED) -> int:
    """The message's delivery, kept in the record database as the gateway keeps it."""
    raw = MESSAGE.read_bytes()
    return SentStore(engine).add(
        message_id="<hughes-42@example.police.uk>",
        sender=SENDER,
        subject="Re: your enquiry about the parking dispute",
        recipients=[SentRecipient(PUBLIC, "to"), SentRecipient(SCHOOL, "cc")],
        findings=race_hate_findings(scanner),
        digest=hashlib.sha256(raw).hexdigest(),
        relay="relay1.example.police.uk",
        delivered_at=delivered_at,
    )


@pytest.fixture(scope="session")
def findings(scanner: Scanner) -> list[SentFinding]:
    return race_hate_findings(scanner)
