"""Signed, expiring links in sender notices: who may confirm or correct which held message.

A link is `base_url/TOKEN` (the token is a path segment, not a `?t=` parameter,
so the web app's route is `/notice/<token>` and no query-string handling can drop
or duplicate it). The token is itsdangerous's URL-safe timed serialisation of
`[hold_id, sender]`: signed (HMAC-SHA256), time-stamped, *not* encrypted. Anyone holding the
link can read the hold ID and the sender's address in it, but nothing of the
message; changing either, or the time stamp, breaks the signature.

The signing key is derived from the installation key, HMAC-SHA256(key, "mailwarden
hold links"), so the key that makes the store's keyed hashes never signs anything
a user can see. Errors::

    LinkError           "this is not a valid link": tampered, cut short, another key
     └── LinkExpired    "this link has expired": genuine but older than allowed; has `.claim`
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

from mailwarden.knowledge.keyfile import MIN_KEY_BYTES

PURPOSE = b"mailwarden hold links"
"""What the link key is derived for; another purpose gets another key."""
CLOCK_SKEW = timedelta(minutes=5)
"""How far a link's time stamp may lie in the future (relays' clocks differ a little)."""


class LinkError(Exception):
    """A link that cannot be used; the message is plain words for the person who clicked it."""


class LinkExpired(LinkError):
    """A genuine link, older than allowed."""

    def __init__(self, claim: LinkClaim) -> None:
        super().__init__("this link has expired")
        self.claim = claim


@dataclass(frozen=True, slots=True)
class LinkClaim:
    """What a genuine link says: this sender may act on this held message."""

    hold_id: str
    sender: str
    issued_at: datetime


class LinkSigner:
    """Makes and checks links; `clock` (seconds since the epoch) is the time it signs with."""

    def __init__(self, key: bytes, clock: Callable[[], float] = time.time) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"the installation key is too short ({len(key)} bytes)")
        self._clock = clock
        link_key = hmac.new(key, PURPOSE, hashlib.sha256).digest()
        self._serializer = URLSafeTimedSerializer(
            link_key,
            salt=b"mailwarden.hold",
            signer=_ClockSigner,
            signer_kwargs={"clock": clock, "digest_method": hashlib.sha256},
        )

    def token(self, hold_id: str, sender: str) -> str:
        """The signed token for one held message and its sender."""
        if not hold_id:
            raise ValueError("a link needs a hold ID")
        return self._serializer.dumps([hold_id, sender])

    def url(self, base_url: str, hold_id: str, sender: str) -> str:
        """`base_url/TOKEN`, the link a notice carries."""
        return f"{base_url.rstrip('/')}/{self.token(hold_id, sender)}"

    def verify(self, token: str, max_age: timedelta) -> LinkClaim:
        """The claim of a genuine token no older than `max_age`; else `LinkError`."""
        try:
            payload, signed_at = self._serializer.loads(token, return_timestamp=True)
        except BadData as exc:
            raise LinkError("this is not a valid link") from exc
        claim = _claim(payload, signed_at)
        age = timedelta(seconds=self._clock() - signed_at.timestamp())
        if age < -CLOCK_SKEW:
            raise LinkError("this is not a valid link")
        if age > max_age:
            raise LinkExpired(claim)
        return claim


class _ClockSigner(TimestampSigner):
    """itsdangerous's timed signer, stamping with our clock (tests sign in the past)."""

    def __init__(self, *args: Any, clock: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock())


def _claim(payload: object, signed_at: datetime) -> LinkClaim:
    """A signed payload of the wrong shape (never made by `token`) is not a valid link."""
    if (
        isinstance(payload, list)
        and len(payload) == 2
        and all(isinstance(part, str) for part in payload)
        and payload[0]
    ):
        return LinkClaim(payload[0], payload[1], signed_at.astimezone(UTC))
    raise LinkError("this is not a valid link")
