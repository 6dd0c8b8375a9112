"""The review web app's local accounts: a login, a role, an argon2 password hash (none for
an account made by an OIDC login: it cannot log in with a password).

Accounts are disabled, never deleted, so the audit trail's actors stay someone. A login is
kept in lower case; a sender's login is their mail address: it is how they see their holds.
Every change (added, disabled, enabled, another role) is an `ACCOUNT` entry in the audit
trail, naming who made it, in the same transaction as the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from mailwarden.record.audit import Action, append_entry
from mailwarden.record.schema import LOGIN_LENGTH, UserRow
from mailwarden.web.security import end_sessions

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not anyone's password")
"""Verified against when the login is unknown or has no password, so a wrong login takes
as long as a wrong password and the timing does not say which logins exist."""
NO_PASSWORD = ""
"""The password hash of an account without a password: nothing verifies against it."""


class Role(StrEnum):
    """What an account may do: see its own holds, or work the queue (and more, later)."""

    SENDER = "sender"
    REVIEWER = "reviewer"
    DPO = "dpo"
    ADMIN = "admin"


REVIEWING_ROLES = frozenset({Role.REVIEWER, Role.DPO, Role.ADMIN})
"""The roles that see every hold and decide them."""
RANK = (Role.SENDER, Role.REVIEWER, Role.DPO, Role.ADMIN)
"""The roles from the least to the most an account may do."""


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

    def add(
        self, login: str, display_name: str, role: Role, password: str | None, *, by: str
    ) -> User:
        """A new account, added by `by`; `password` None makes one that cannot log in with
        a password. `AccountError` for a taken login, a bad one or an empty password."""
        login = login.strip().lower()
        if not login or len(login) > LOGIN_LENGTH or any(c.isspace() for c in login):
            raise AccountError(f"not a usable login: {login!r}")
        if password == "":
            raise AccountError("the password is empty")
        name = display_name.strip() or login
        row = {
            "login": login,
            "display_name": name,
            "role": Role(role).value,
            "password_hash": NO_PASSWORD if password is None else _hasher.hash(password),
            "disabled": False,
            "created_at": datetime.now(UTC),
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(UserRow).values(row))
                _changed(conn, by, login, "add", role=row["role"], password=password is not None)
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
        usable = row is not None and row.password_hash != NO_PASSWORD
        try:
            _hasher.verify(row.password_hash if row is not None and usable else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or not usable or row.disabled:
            return None
        return User(row.login, row.display_name, Role(row.role))

    def disable(self, login: str, *, by: str) -> bool:
        """Disable an account and end its sessions; False if there is no such login."""
        login = login.strip().lower()
        with self.engine.begin() as conn:
            done = conn.execute(update(UserRow).where(UserRow.login == login).values(disabled=True))
            if not done.rowcount:
                return False
            ended = end_sessions(conn, login, datetime.now(UTC))
            _changed(conn, by, login, "disable", sessions_ended=ended)
        return True

    def enable(self, login: str, *, by: str) -> bool:
        """Let a disabled account log in again; False if there is no such login."""
        login = login.strip().lower()
        with self.engine.begin() as conn:
            done = conn.execute(
                update(UserRow).where(UserRow.login == login).values(disabled=False)
            )
            if not done.rowcount:
                return False
            _changed(conn, by, login, "enable")
        return True

    def set_role(self, login: str, role: Role, *, by: str) -> Role | None:
        """Give an account another role; the role it had, or None if there is no such login."""
        login, role = login.strip().lower(), Role(role)
        with self.engine.begin() as conn:
            was = conn.execute(select(UserRow.role).where(UserRow.login == login)).scalar()
            if was is None:
                return None
            if was != role.value:
                conn.execute(update(UserRow).where(UserRow.login == login).values(role=role.value))
                _changed(conn, by, login, "role", role=role.value, was=was)
        return Role(was)


def _changed(conn: Connection, by: str, login: str, change: str, **details: Any) -> None:
    append_entry(conn, by, Action.ACCOUNT, login, {"change": change, **details})
