"""The record database's tests: `database_url` and `postgres_server` (SQLite and a real
PostgreSQL) come from tests/conftest.py; `make_hold` builds a realistic hold."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import pytest

from mailwarden.knowledge.features import Keyer
from mailwarden.record import HeldRecipient, Hold, HoldStore, open_record_database
from mailwarden.rules.base import Verdict

SENDER = "ann.smith@example.police.uk"
WRONG = HeldRecipient(
    "j.smith@example.net",
    Verdict.HOLD,
    ("names two children and a case only ever discussed with greenfield.sch.uk",),
)
RIGHT = HeldRecipient("dsl@greenfield.sch.uk", Verdict.CONFIRM, ("carries special category data",))


def make_hold(
    hold_id: str,
    held_at: datetime | None = None,
    recipients: Sequence[HeldRecipient] = (WRONG, RIGHT),
) -> Hold:
    return Hold(
        id=hold_id,
        sender=SENDER,
        recipients=tuple(recipients),
        subject="Referral: the Evans children",
        message_id=f"<{hold_id}@example.police.uk>",
        digest="5" * 64,
        size=2048,
        held_at=held_at or datetime.now(UTC),
        path=f"{hold_id}.eml",
        relay="relay1.example.police.uk",
    )


@pytest.fixture
def store(database_url: str) -> Iterator[HoldStore]:
    holds = HoldStore(open_record_database(database_url))
    yield holds
    holds.close()


@pytest.fixture
def keyer() -> Keyer:
    return Keyer(b"an installation key for the tests")
