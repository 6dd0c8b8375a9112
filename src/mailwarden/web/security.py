"""What guards the review web app's doors: strict headers on every response, sessions (a
signed cookie with its CSRF token and, once logged in, a row in `web_sessions`), and a
login limit that every server process shares (rows in `login_failures`).

Sessions. Before logging in, a browser has a cookie-only session: a CSRF token for the
login form (and the notice page's forms), nothing in the database. Logging in makes a new
random session ID and a new token, replacing that cookie (no session fixation); the cookie
carries both, signed, and the row keeps the ID's SHA-256, whose session it is, how it began
("password" or "oidc"), the client and when it expires. A cookie is a login only while its
row is there, not ended and not expired: logging out or disabling the account ends it on
every server at once, and a copy of the cookie ends with it. Rows are deleted a month
after they ended or expired (now and then, at a login, not on every request); until then
they tell the limit which clients an account has logged in from.

The login limit follows OWASP's Authentication Cheat Sheet: throttle, do not lock. Each
failed login is a row (login, client, when). A login is refused (429) before its password
is checked while, in the last 15 minutes, there were:

1. 5 failures for this login from this client (guessing its password from one place);
2. 30 failures from this client, whatever the logins (spraying a password over many);
3. 20 failures for this login from all clients together, and this client has never
   logged in to it (guessing from many addresses).

A refused try is neither counted nor recorded, so each rule lifts 15 minutes after the
failures stop, however long they went on. Rules 1 and 2 stop only the guessing client;
rule 3 caps guesses from many addresses at 20 a quarter hour per login while the owner,
from any client they have logged in from before, still gets in. A login clears its
client's failures for that login.

The client is the request's peer address: behind a TLS proxy, uvicorn takes it from
X-Forwarded-For when the proxy is one of its `forwarded_allow_ips` (127.0.0.1 unless set),
else every user would share the proxy's address and rule 2 would stop them all together.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Connection, Engine, and_, case, delete, exists, func, insert, or_, select
from sqlalchemy import update as update_rows

from mailwarden.record.schema import CLIENT_LENGTH, LoginFailureRow, WebSessionRow

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
KEEP_ENDED = timedelta(days=30)
"""How long a session's row outlives its end: the clients it names are known to rule 3."""
TIDY_SECONDS = 600.0
"""At most this often, per process, old session and failure rows are deleted."""
Via = Literal["password", "oidc"]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Session:
    """Who is logged in ("" for nobody yet), the token their forms must carry, and the
    random session ID the cookie carries ("" before logging in)."""

    login: str
    csrf: str
    id: str = ""

    @classmethod
    def new(cls) -> Session:
        """A pre-login session: a CSRF token, kept in the cookie alone."""
        return cls("", secrets.token_urlsafe(32))

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf, token or "")


class Sessions:
    """Sessions as signed cookies good for `minutes`, and the `web_sessions` rows of the
    logged-in ones (on the engine each call is given: the app's record database)."""

    def __init__(self, secret_key: bytes, minutes: int, clock: Clock = utc_now) -> None:
        self._key = secret_key
        self.max_age = minutes * 60
        self._clock = clock
        self._tidy = NowAndThen()

    def dump(self, session: Session) -> str:
        data = {"csrf": session.csrf} | ({"sid": session.id} if session.id else {})
        return self.seal(data, _SALT)

    def load(self, engine: Engine, cookie: str | None) -> Session | None:
        """The session in this cookie; None if it is missing, forged or too old, or names a
        login whose row is missing, ended or expired."""
        data = self.unseal(cookie, _SALT, self.max_age)
        csrf, sid = (data or {}).get("csrf"), (data or {}).get("sid")
        if not isinstance(csrf, str) or not csrf:
            return None
        if sid is None:
            return Session("", csrf)
        if not isinstance(sid, str):
            return None
        with engine.connect() as conn:
            row = conn.execute(
                select(WebSessionRow.login, WebSessionRow.expires_at).where(
                    WebSessionRow.id == _digest(sid), WebSessionRow.ended_at.is_(None)
                )
            ).first()
        if row is None or _utc(row.expires_at) <= self._clock():
            return None
        return Session(row.login, csrf, sid)

    def begin(self, engine: Engine, login: str, via: Via, client: str) -> Session:
        """A new logged-in session: a new ID and CSRF token, and its row."""
        session = Session(login, secrets.token_urlsafe(32), secrets.token_urlsafe(32))
        now = self._clock()
        with engine.begin() as conn:
            conn.execute(
                insert(WebSessionRow).values(
                    id=_digest(session.id),
                    login=login,
                    via=via,
                    client=client[:CLIENT_LENGTH],
                    created_at=now,
                    expires_at=now + timedelta(seconds=self.max_age),
                    ended_at=None,
                )
            )
        if self._tidy():
            with engine.begin() as conn:
                conn.execute(
                    delete(WebSessionRow).where(
                        or_(
                            WebSessionRow.expires_at < now - KEEP_ENDED,
                            WebSessionRow.ended_at < now - KEEP_ENDED,
                        )
                    )
                )
        return session

    def end(self, engine: Engine, session: Session) -> None:
        """End this session's row (logging out): its cookie, and every copy, stop working."""
        with engine.begin() as conn:
            conn.execute(
                update_rows(WebSessionRow)
                .where(WebSessionRow.id == _digest(session.id), WebSessionRow.ended_at.is_(None))
                .values(ended_at=self._clock())
            )

    def seal(self, data: dict[str, str], purpose: str) -> str:
        """`data` signed with this app's key for one purpose (another cookie's contents)."""
        return URLSafeTimedSerializer(self._key, salt=purpose).dumps(data)

    def unseal(self, value: str | None, purpose: str, max_age: int) -> dict[str, Any] | None:
        """What `seal` signed for this purpose, if it is that and younger than `max_age`."""
        if not value:
            return None
        try:
            data = URLSafeTimedSerializer(self._key, salt=purpose).loads(value, max_age=max_age)
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None


def end_sessions(conn: Connection, login: str, at: datetime) -> int:
    """End every open session of this login, in the caller's transaction; how many."""
    done = conn.execute(
        update_rows(WebSessionRow)
        .where(WebSessionRow.login == login, WebSessionRow.ended_at.is_(None))
        .values(ended_at=at)
    )
    return int(done.rowcount)


class LoginLimiter:
    """The login limit of the module's docstring, counted in `login_failures` (on the
    engine each call is given), so every process sharing the database counts together."""

    def __init__(
        self,
        per_login_and_client: int = 5,
        per_client: int = 30,
        per_login: int = 20,
        window: timedelta = timedelta(minutes=15),
        clock: Clock = utc_now,
    ) -> None:
        self.per_login_and_client, self.per_client, self.per_login = (
            per_login_and_client,
            per_client,
            per_login,
        )
        self.window, self._clock = window, clock
        self._tidy = NowAndThen()

    def blocked(self, engine: Engine, login: str, client: str) -> bool:
        """Whether a login from this client must be refused without checking its password."""
        failure, client = LoginFailureRow, client[:CLIENT_LENGTH]
        counted = select(
            func.sum(case((and_(failure.login == login, failure.client == client), 1), else_=0)),
            func.sum(case((failure.client == client, 1), else_=0)),
            func.sum(case((failure.login == login, 1), else_=0)),
        ).where(
            failure.at > self._clock() - self.window,
            or_(failure.login == login, failure.client == client),
        )
        with engine.connect() as conn:
            pair, from_client, on_login = (int(n or 0) for n in conn.execute(counted).one())
            if pair >= self.per_login_and_client or from_client >= self.per_client:
                return True
            if on_login < self.per_login:
                return False
            known = select(
                exists().where(WebSessionRow.login == login, WebSessionRow.client == client)
            )
            return not conn.execute(known).scalar()

    def failed(self, engine: Engine, login: str, client: str) -> None:
        now = self._clock()
        with engine.begin() as conn:
            conn.execute(
                insert(LoginFailureRow).values(login=login, client=client[:CLIENT_LENGTH], at=now)
            )
            if self._tidy():
                conn.execute(delete(LoginFailureRow).where(LoginFailureRow.at <= now - self.window))

    def succeeded(self, engine: Engine, login: str, client: str) -> None:
        with engine.begin() as conn:
            conn.execute(
                delete(LoginFailureRow).where(
                    LoginFailureRow.login == login,
                    LoginFailureRow.client == client[:CLIENT_LENGTH],
                )
            )


class NowAndThen:
    """True at most once every `TIDY_SECONDS` (the first call: true), across threads."""

    def __init__(self) -> None:
        self._last = -TIDY_SECONDS
        self._lock = threading.Lock()

    def __call__(self) -> bool:
        with self._lock:
            if time.monotonic() - self._last < TIDY_SECONDS:
                return False
            self._last = time.monotonic()
            return True


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _utc(moment: datetime) -> datetime:
    """Aware UTC; SQLite gives back what it stored without the zone, which was UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
