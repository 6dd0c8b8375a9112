"""API tokens: who may ask the pre-send check API, and for which senders.

A token is issued for one sender address (an add-in that user runs) or for one domain
(an add-in deployment or a service checking for every sender there, sub-domains
included). It is 256 random bits, shown once when made; only its SHA-256 is stored
(a hash that needs no salt or stretching: the token is random, not a password), so a
copy of the database authenticates nobody. A token may expire, is revoked rather than
deleted (the checks it made still name it), and records when it was last used, to the
minute.
"""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, Row, insert, or_, select, update

from mailwarden.record.schema import ApiTokenRow

TOKEN_PREFIX = "mw_"
"""Makes a token recognisable in a config file or a secret scanner's findings."""
LAST_USED_GRANULARITY = timedelta(minutes=1)
"""`last_used_at` is written at most this often per token: not one write per check."""


class Scope(StrEnum):
    """What a token may do."""

    CHECK = "check"
    """POST /v1/check and /v1/confirm for the senders it speaks for."""


_SCOPES = frozenset(s.value for s in Scope)


class TokenState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class TokenRefused(Exception):
    """The token does not authenticate anyone; the message says why, in plain words."""


class TokenNotFound(LookupError):
    """No token has this name or ID."""

    def __init__(self, name_or_id: str) -> None:
        super().__init__(f"no active API token has the name or ID {name_or_id!r}")


@dataclass(frozen=True, slots=True)
class ApiToken:
    """An API token as stored: whom it speaks for, its scopes and its life; not its secret."""

    id: str
    name: str
    sender: str
    """The one address it speaks for; "" for a domain token."""
    domain: str
    """The domain whose senders it speaks for; "" for a sender token."""
    scopes: tuple[Scope, ...]
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    @property
    def speaks_for_label(self) -> str:
        """'ann.smith@example.police.uk' or '*@example.police.uk'."""
        return self.sender or f"*@{self.domain}"

    def speaks_for(self, address: str) -> bool:
        """True when this token may check drafts from `address`."""
        address = address.strip().lower()
        if self.sender:
            return address == self.sender
        domain = address.rpartition("@")[2]
        return "@" in address and (domain == self.domain or domain.endswith("." + self.domain))

    def state(self, now: datetime) -> TokenState:
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if self.expires_at is not None and now >= self.expires_at:
            return TokenState.EXPIRED
        return TokenState.ACTIVE

    def to_json(self, now: datetime) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "sender": self.sender,
            "domain": self.domain,
            "scopes": [s.value for s in self.scopes],
            "state": self.state(now).value,
            "created_at": self.created_at.isoformat(),
            "expires_at": _iso(self.expires_at),
            "revoked_at": _iso(self.revoked_at),
            "last_used_at": _iso(self.last_used_at),
        }


class TokenStore:
    """API tokens in the record database (`record.database.open_record_database`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self,
        name: str,
        *,
        sender: str = "",
        domain: str = "",
        scopes: tuple[Scope, ...] = (Scope.CHECK,),
        expires_at: datetime | None = None,
        now: datetime | None = None,
    ) -> tuple[ApiToken, str]:
        """A new token for one sender or one domain, and its secret (shown once, never
        stored). `ValueError` for a blank name, neither or both of sender and domain, or
        a name an active token already has."""
        name, sender = name.strip(), sender.strip().lower()
        domain = domain.strip().lower().lstrip("@")
        if not name:
            raise ValueError("a token needs a name")
        if bool(sender) == bool(domain):
            raise ValueError("a token speaks for one sender address or one domain")
        if sender and "@" not in sender:
            raise ValueError(f"{sender!r} is not an address")
        if domain and ("@" in domain or "." not in domain):
            raise ValueError(f"{domain!r} is not a domain")
        now = now or datetime.now(UTC)
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            secrets.token_hex(6), name, sender, domain, scopes, now, expires_at=expires_at
        )
        with self.engine.begin() as conn:
            if any(_token(row).state(now) is TokenState.ACTIVE for row in _named(conn, name)):
                raise ValueError(f"an active token is already named {name!r}")
            conn.execute(
                insert(ApiTokenRow).values(
                    id=token.id,
                    name=name,
                    token_hash=token_hash(secret),
                    sender=sender,
                    domain=domain,
                    scopes=[s.value for s in scopes],
                    created_at=now,
                    expires_at=expires_at,
                )
            )
        return token, secret

    def list(self) -> builtins.list[ApiToken]:
        """Every token, revoked and expired ones too, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(ApiTokenRow).order_by(ApiTokenRow.created_at))
            return [_token(row) for row in rows]

    def revoke(self, name_or_id: str, now: datetime | None = None) -> builtins.list[ApiToken]:
        """Revoke the token with this ID, or the active tokens with this name; those revoked.
        `TokenNotFound` when there is none to revoke."""
        now = now or datetime.now(UTC)
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(ApiTokenRow).where(
                    or_(ApiTokenRow.id == name_or_id, ApiTokenRow.name == name_or_id),
                    ApiTokenRow.revoked_at.is_(None),
                )
            ).all()
            ids = [row.id for row in rows if row.id == name_or_id] or [
                row.id for row in rows if _token(row).state(now) is TokenState.ACTIVE
            ]
            if not ids:
                raise TokenNotFound(name_or_id)
            conn.execute(update(ApiTokenRow).where(ApiTokenRow.id.in_(ids)).values(revoked_at=now))
            revoked = conn.execute(select(ApiTokenRow).where(ApiTokenRow.id.in_(ids)))
            return [_token(row) for row in revoked]

    def authenticate(self, secret: str, now: datetime | None = None) -> ApiToken:
        """The active token whose secret this is; `TokenRefused` saying why otherwise."""
        now = now or datetime.now(UTC)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash(secret))
            ).first()
        if row is None:
            raise TokenRefused("the API token is not known")
        token = _token(row)
        state = token.state(now)
        if state is not TokenState.ACTIVE:
            raise TokenRefused(f"the API token {token.name!r} is {state.value}")
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
            with self.engine.begin() as conn:
                conn.execute(
                    update(ApiTokenRow).where(ApiTokenRow.id == token.id).values(last_used_at=now)
                )
            token = dataclasses.replace(token, last_used_at=now)
        return token


def token_hash(secret: str) -> str:
    """What is stored of a token: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _named(conn: Connection, name: str) -> builtins.list[Row[Any]]:
    return list(conn.execute(select(ApiTokenRow).where(ApiTokenRow.name == name)))


def _token(row: Row[Any]) -> ApiToken:
    return ApiToken(
        id=row.id,
        name=row.name,
        sender=row.sender,
        domain=row.domain,
        scopes=tuple(Scope(s) for s in row.scopes if s in _SCOPES),
        created_at=_utc(row.created_at),
        expires_at=_utc(row.expires_at) if row.expires_at is not None else None,
        revoked_at=_utc(row.revoked_at) if row.revoked_at is not None else None,
        last_used_at=_utc(row.last_used_at) if row.last_used_at is not None else None,
    )


def _utc(moment: datetime) -> datetime:
    """Aware UTC; SQLite gives back what it stored without the zone, which was UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
