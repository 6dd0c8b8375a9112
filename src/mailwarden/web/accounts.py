"""The review web app's local accounts: a login, a role, an argon2 password hash.

Accounts are disabled, never deleted, so the audit trail's actors stay someone. A login is
kept in lower case; a sender's login is their mail address: it is how they see their holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from mailwarden.record.schema import LOGIN_LENGTH, UserRow

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not anyone's password")
"""Verified against when the login is unknown, so a wrong login takes as long as a wrong
password and the timing does not say which logins exist."""


class Role(StrEnum):
    """What an account may do: see its own holds, or work the queue (and more, later)."""

    SENDER = "sender"
    REVIEWER = "reviewer"
    DPO = "dpo"
    ADMIN = "admin"


REVIEWING_ROLES = frozenset({Role.REVIEWER, Role.DPO, Role.ADMIN})
"""The roles that see every hold and decide them."""


class AccountError(ValueError):
    """An account that cannot be made or changed; the message says why."""


@dataclass(frozen=True, slots=True)
class User:
    login: str
    display_name: str
    role: Role
    disabled: bool = False

    @property
    def reviews(self) -> bool:
        return self.role in REVIEWING_ROLES


class UserStore:
    """The `users` table of the record database (`record.open_record_database`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, login: str, display_name: str, role: Role, password: str) -> User:
        """A new account; `AccountError` for a taken login, a bad one or an empty password."""
        login = login.strip().lower()
        if not login or len(login) > LOGIN_LENGTH or any(c.isspace() for c in login):
            raise AccountError(f"not a usable login: {login!r}")
        if not password:
            raise AccountError("the password is empty")
        name = display_name.strip() or login
        row = {
            "login": login,
            "display_name": name,
            "role": Role(role).value,
            "password_hash": _hasher.hash(password),
            "disabled": False,
            "created_at": datetime.now(UTC),
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(UserRow).values(row))
        except IntegrityError as exc:
            raise AccountError(f"the login {login!r} is taken") from exc
        return User(login, name, Role(role))

    def get(self, login: str) -> User | None:
        """The account with this login, disabled or not; None if there is none."""
        with self.engine.connect() as conn:
            row = conn.execute(select(UserRow).where(UserRow.login == login.lower())).first()
        return (
            None if row is None else User(row.login, row.display_name, Role(row.role), row.disabled)
        )

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(UserRow).order_by(UserRow.login)).all()
        return [User(r.login, r.display_name, Role(r.role), r.disabled) for r in rows]

    def authenticate(self, login: str, password: str) -> User | None:
        """The enabled account whose password this is; None otherwise (in constant-ish time)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(UserRow).where(UserRow.login == login.strip().lower())
            ).first()
        try:
            _hasher.verify(_DUMMY if row is None else row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or row.disabled:
            return None
        return User(row.login, row.display_name, Role(row.role))

    def disable(self, login: str) -> bool:
        """Disable an account; False if there is no such login."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(UserRow).where(UserRow.login == login.lower()).values(disabled=True)
            )
        return bool(done.rowcount)
