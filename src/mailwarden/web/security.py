"""What every response and every form of the review web app carries: strict headers, a
signed session cookie with its CSRF token, and a limit on failed logins."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "mailwarden_session"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
"""On every response: nothing from elsewhere, no inline script, never framed, no referrer,
and no copy of a held message's page left in a cache."""
_SALT = "mailwarden web session"
TRACKED_LOGINS = 10_000
"""Logins with recent failures kept before the stale ones are forgotten."""


@dataclass(frozen=True, slots=True)
class Session:
    """Who is logged in ("" for nobody yet) and the token their forms must carry."""

    login: str
    csrf: str

    @classmethod
    def new(cls, login: str = "") -> Session:
        return cls(login, secrets.token_urlsafe(32))

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf, token or "")


class Sessions:
    """Sessions as signed, timestamped cookie values, good for `minutes`."""

    def __init__(self, secret_key: bytes, minutes: int) -> None:
        self._signer = URLSafeTimedSerializer(secret_key, salt=_SALT)
        self.max_age = minutes * 60

    def dump(self, session: Session) -> str:
        return self._signer.dumps({"login": session.login, "csrf": session.csrf})

    def load(self, cookie: str | None) -> Session | None:
        """The session in this cookie; None if it is missing, forged or expired."""
        if not cookie:
            return None
        try:
            data = self._signer.loads(cookie, max_age=self.max_age)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        login, csrf = data.get("login"), data.get("csrf")
        if not isinstance(login, str) or not isinstance(csrf, str) or not csrf:
            return None
        return Session(login, csrf)


class LoginLimiter:
    """At most `failures` failed logins per login in `window` seconds; more are refused.
    Shared by the server's threads, so every change is under one lock."""

    def __init__(
        self, failures: int = 5, window: float = 900.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failures, self.window, self._clock = failures, window, clock
        self._failed: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, login: str) -> bool:
        with self._lock:
            return self._count(login) >= self.failures

    def failed(self, login: str) -> None:
        with self._lock:
            self._failed.setdefault(login, deque()).append(self._clock())
            if len(self._failed) > TRACKED_LOGINS:  # logins sprayed at random: forget stale ones
                for name in [n for n in self._failed if not self._count(n)]:
                    del self._failed[name]

    def succeeded(self, login: str) -> None:
        with self._lock:
            self._failed.pop(login, None)

    def _count(self, login: str) -> int:
        """Failures for this login still in the window (older ones dropped)."""
        recent = self._failed.get(login)
        if recent is None:
            return 0
        while recent and recent[0] <= self._clock() - self.window:
            recent.popleft()
        return len(recent)
