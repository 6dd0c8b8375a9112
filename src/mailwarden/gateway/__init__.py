"""The Postfix after-queue content filter: scan, then re-inject, hold or refuse.

Public API: `Reply` (the SMTP reply table), `Quarantine`, `Hold` and
`QuarantineError` (durable holds), `FilterHandler` (the aiosmtpd handler).
"""

from __future__ import annotations

from mailwarden.gateway.filter import FilterHandler
from mailwarden.gateway.quarantine import Hold, Quarantine, QuarantineError
from mailwarden.gateway.replies import Reply

__all__ = ["FilterHandler", "Hold", "Quarantine", "QuarantineError", "Reply"]
