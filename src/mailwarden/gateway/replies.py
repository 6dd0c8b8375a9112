"""Every SMTP reply the gateway gives Postfix, from one table.

Each name carries its basic code and its enhanced status code (RFC 3463), and
the class digits agree: 2xx with 2.x.x, 4xx with 4.x.x, 5xx with 5.x.x. An
internal failure of mailwarden is always a 4xx, so Postfix keeps the message
queued and retries: nothing is lost because mailwarden had a bad moment.
"""

from __future__ import annotations

from enum import Enum


class Reply(Enum):
    """An SMTP reply: `str(reply)` is the line aiosmtpd sends."""

    S250_DELIVERED = (250, "2.0.0", "OK: delivered to the next hop")
    S250_HELD = (250, "2.0.0", "OK: accepted; some or all recipients held for review")
    S250_ACCEPTED = (250, "2.0.0", "OK: accepted")
    S451_INTERNAL = (451, "4.3.0", "Temporary failure in the mail filter; try again later")
    S451_NEXT_HOP = (451, "4.4.2", "Temporary failure: the next hop did not accept the message")
    S451_QUARANTINE = (451, "4.3.1", "Temporary failure: the quarantine could not store it")
    S451_STORE = (451, "4.3.0", "Temporary failure: the knowledge store is unavailable")
    S451_RECORD = (451, "4.3.0", "Temporary failure: its record could not be written")
    S550_REFUSED = (550, "5.7.1", "Refused by the organisation's mail policy")

    def __init__(self, code: int, enhanced: str, text: str) -> None:
        self.code = code
        self.enhanced = enhanced
        self.text = text

    @property
    def is_temporary(self) -> bool:
        return 400 <= self.code < 500

    def with_reason(self, reason: str) -> str:
        """This reply with plain words appended (one line; never the message's content)."""
        words = " ".join(reason.split())
        return f"{self.code} {self.enhanced} {self.text}: {words}" if words else str(self)

    def __str__(self) -> str:
        return f"{self.code} {self.enhanced} {self.text}"


INTERNAL_FAILURES = (
    Reply.S451_INTERNAL,
    Reply.S451_NEXT_HOP,
    Reply.S451_QUARANTINE,
    Reply.S451_STORE,
    Reply.S451_RECORD,
)
"""Replies for a failure of ours or of the next hop: each must be temporary."""
