"""The Postfix after-queue content filter: scan, then re-inject, hold or refuse.

Public API: `Reply` (the SMTP reply table), `FilterHandler` (the aiosmtpd handler),
`Quarantine` and `QuarantineError` (durable holds: a file and a row in the record
database), the hold records `Hold`, `HeldRecipient`, `RecipientState` and
`HoldNotFound`, and `release` with `ReleaseError` (deliver a held message after all).
"""

from __future__ import annotations

from mailwarden.gateway.filter import FilterHandler
from mailwarden.gateway.quarantine import (
    HeldRecipient,
    Hold,
    HoldNotFound,
    Quarantine,
    QuarantineError,
    RecipientState,
)
from mailwarden.gateway.release import ReleaseError, release
from mailwarden.gateway.replies import Reply

__all__ = [
    "FilterHandler",
    "HeldRecipient",
    "Hold",
    "HoldNotFound",
    "Quarantine",
    "QuarantineError",
    "RecipientState",
    "ReleaseError",
    "Reply",
    "release",
]
