"""The record: what mailwarden did with a message, kept for the people who review it.

Public API: `open_record_database` and `RecordError` (SQLite or PostgreSQL, migrated on
open), the hold records `Hold`, `HeldRecipient`, `RecipientState`, and `HoldStore` with
`HoldNotFound`. Holds are written by the gateway's quarantine (`gateway/quarantine.py`).
The audit trail (`AuditTrail`, `Action`, `AuditEntry`): an append-only, hash-chained
record of every verdict, hold, release and confirmation.
"""

from __future__ import annotations

from mailwarden.record.audit import Action, AuditEntry, AuditTrail
from mailwarden.record.database import RecordError, open_record_database
from mailwarden.record.holds import (
    HeldRecipient,
    Hold,
    HoldNotFound,
    HoldStore,
    RecipientState,
)

__all__ = [
    "Action",
    "AuditEntry",
    "AuditTrail",
    "HeldRecipient",
    "Hold",
    "HoldNotFound",
    "HoldStore",
    "RecipientState",
    "RecordError",
    "open_record_database",
]
