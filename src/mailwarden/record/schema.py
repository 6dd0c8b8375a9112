"""The record database's tables (SQLAlchemy 2.x declarative), as the migrations build them.

Unlike the knowledge store, this database keeps what a reviewer must see: a held
message's sender, subject and recipients. The message itself stays a file in the
quarantine folder (`holds.path`, relative to it); the row says where, and its digest.

- `holds`: one row per held message, written once and never changed.
- `hold_recipients`: one row per held recipient, each decided on its own: released,
  rejected or returned, when and by whom, with a note. `held_at` is copied from the
  hold so a queue pages through one index, (state, held_at, hold_id), in order.

tests/record/test_database.py compares this module with `migrations/versions/`:
change one, change the other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID_LENGTH = 64
DIGEST_LENGTH = 64
"""Hex characters of a SHA-256 digest."""
HOSTNAME_LENGTH = 255
STATE_LENGTH = 16

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names spelled out, so migrations name them the same on every database."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class HoldRow(Base):
    """One held message: who sent it, what it was, where its bytes are."""

    __tablename__ = "holds"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    sender: Mapped[str] = mapped_column(Text, index=True)
    """The envelope sender ("" for a bounce); indexed for a sender's own view."""
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(DIGEST_LENGTH), index=True)
    """SHA-256 of the bytes held: the same message held twice (a retry) shares it."""
    size: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)
    """The .eml file, relative to the quarantine folder."""
    held_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    relay: Mapped[str] = mapped_column(String(HOSTNAME_LENGTH))
    """The host whose gateway held it."""


class HoldRecipientRow(Base):
    """One recipient of a held message, and what became of its copy."""

    __tablename__ = "hold_recipients"

    hold_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("holds.id", ondelete="CASCADE"), primary_key=True
    )
    address: Mapped[str] = mapped_column(Text, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    """Its place among the envelope recipients, from 0."""
    verdict: Mapped[str] = mapped_column(String(STATE_LENGTH))
    """"confirm" (the sender may release it) or "hold" (a reviewer must)."""
    reasons: Mapped[list[Any]] = mapped_column(JSON)
    """Plain-words reasons, never the message's content."""
    state: Mapped[str] = mapped_column(String(STATE_LENGTH))
    """"held", then one of "released", "rejected", "returned"."""
    held_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """The hold's `held_at`, for the queue's index."""
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index("ix_hold_recipients_state_held_at", "state", "held_at", "hold_id"),
        Index("ix_hold_recipients_address", "address"),
    )


class HoldFindingsRow(Base):
    """What the gateway found in a held message, as `scan --json` writes findings: the
    review page marks them without scanning the message again (migration 0008). Apart from
    `holds` so that a queue page never reads them."""

    __tablename__ = "hold_findings"

    hold_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("holds.id", ondelete="CASCADE"), primary_key=True
    )
    findings: Mapped[list[Any]] = mapped_column(JSON)


metadata = Base.metadata


# ── the pre-send check API (migration 0002) ───────────────────────────────────────────────
#
# - `api_tokens`: one row per API token: whom it speaks for (one sender address, or every
#   sender in one domain), its scopes, and its life; only the SHA-256 of the token is kept.
# - `checks`: one row per draft checked: who, to whom with what verdict, the content's
#   digest (`confirmation.content_digest`), never the content. Unconfirmed checks are
#   deleted once expired; confirmed ones stay for the audit trail.
# - `confirmations`: one row per "send anyway": which check, who, when, and their reason.

TOKEN_ID_LENGTH = 16
CHECK_ID_LENGTH = 40


class ApiTokenRow(Base):
    """An API token: its hash, whom it may check drafts for, and whether it still may."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(TOKEN_ID_LENGTH), primary_key=True)
    """The public ID `token list` shows and `token revoke` takes."""
    name: Mapped[str] = mapped_column(Text, index=True)
    token_hash: Mapped[str] = mapped_column(String(DIGEST_LENGTH), unique=True)
    """SHA-256 of the token, in hex; the token itself is shown once and never stored."""
    sender: Mapped[str] = mapped_column(Text)
    """The one sender address it speaks for, or "" for a domain token."""
    domain: Mapped[str] = mapped_column(Text)
    """The domain whose senders (sub-domains included) it speaks for, or ""."""
    scopes: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CheckRow(Base):
    """One draft checked before sending: its sender, recipients, verdicts and digest."""

    __tablename__ = "checks"

    id: Mapped[str] = mapped_column(String(CHECK_ID_LENGTH), primary_key=True)
    token_id: Mapped[str] = mapped_column(
        String(TOKEN_ID_LENGTH), ForeignKey("api_tokens.id"), index=True
    )
    sender: Mapped[str] = mapped_column(Text, index=True)
    recipients: Mapped[list[Any]] = mapped_column(JSON)
    """[{"address", "field", "verdict"}] in the draft's order."""
    verdict: Mapped[str] = mapped_column(String(STATE_LENGTH))
    """The most severe recipient verdict."""
    digest: Mapped[str] = mapped_column(String(DIGEST_LENGTH))
    """`confirmation.content_digest` of the draft as scanned."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    """Confirmable until then; an unconfirmed check is deleted after it."""


class ConfirmationRow(Base):
    """A sender's "send anyway" for a check, with their reason: what the audit trail reads."""

    __tablename__ = "confirmations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    check_id: Mapped[str] = mapped_column(
        String(CHECK_ID_LENGTH), ForeignKey("checks.id", ondelete="CASCADE"), index=True
    )
    token_id: Mapped[str] = mapped_column(String(TOKEN_ID_LENGTH), ForeignKey("api_tokens.id"))
    confirmed_by: Mapped[str] = mapped_column(Text)
    """The sender's address: the identity the token authenticated."""
    reason: Mapped[str] = mapped_column(Text)
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """When the header it returned stops being honoured."""


# ── the audit trail (migration 0003) ──────────────────────────────────────────────────────
#
# - `audit_entries`: one row per thing done (a verdict, a hold, a release, a view...), each
#   hash-chained to the one before (`record/audit.py`); never updated, deleted only by a
#   retention purge: the migration's triggers refuse anything else.
# - `audit_head`: one row, the last entry's number and hash: appenders lock it (their
#   first statement updates it) so the chain never forks, and `verify` compares the trail's
#   last entry with it, so cutting entries off the end is seen too. `purged_through` is
#   the last entry a purge deleted: the triggers let no later one be deleted.

ACTION_LENGTH = 32


class AuditEntryRow(Base):
    """One entry of the audit trail: who did what to which hold, check or message, when."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    """1, 2, 3...: given under the head's lock, so without gaps."""
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(ACTION_LENGTH), index=True)
    subject: Mapped[str] = mapped_column(Text)
    """A hold ID, a check ID or a Message-ID."""
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Plain facts (recipients, verdicts, rule names), never the message's content."""
    prev_hash: Mapped[str] = mapped_column(String(DIGEST_LENGTH))
    hash: Mapped[str] = mapped_column(String(DIGEST_LENGTH))


class AuditHeadRow(Base):
    """The audit trail's one head row: the last entry's number and hash (0 and the genesis
    hash while the trail is empty)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(DIGEST_LENGTH))
    purged_through: Mapped[int] = mapped_column(Integer)


# ── the review web app's accounts (migration 0004) ────────────────────────────────────────
#
# - `users`: one row per local account of `mailwarden web`: its login, name, role and
#   argon2 password hash (`web/accounts.py`); disabled, never deleted, so the audit trail's
#   actors stay someone.

LOGIN_LENGTH = 254
"""A login is often an email address: at most 254 characters."""
ROLE_LENGTH = 16


class UserRow(Base):
    """A local account of the review web app: who, in what role, with what password hash."""

    __tablename__ = "users"

    login: Mapped[str] = mapped_column(String(LOGIN_LENGTH), primary_key=True)
    """Lower case; a sender's login is their mail address, which is how they see their holds."""
    display_name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(ROLE_LENGTH))
    """"sender", "reviewer", "dpo" or "admin"."""
    password_hash: Mapped[str] = mapped_column(Text)
    """argon2id, in its PHC string form."""
    disabled: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# ── the review web app's sessions and failed logins (migration 0005) ──────────────────────
#
# - `web_sessions`: one row per login: the cookie carries a random session ID, the row only
#   its SHA-256; logging out, disabling the account or its expiry ends it on every server.
# - `login_failures`: one row per failed login, by login and by client address, so every
#   server process counts the same failures; rows past the window are deleted.

SESSION_ID_LENGTH = 64
CLIENT_LENGTH = 64
"""An IPv6 address in text is at most 45 characters."""
VIA_LENGTH = 16


class WebSessionRow(Base):
    """A logged-in session: whose, how it began, and whether it has ended."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(SESSION_ID_LENGTH), primary_key=True)
    """SHA-256 (hex) of the session ID the cookie carries."""
    login: Mapped[str] = mapped_column(String(LOGIN_LENGTH), index=True)
    via: Mapped[str] = mapped_column(String(VIA_LENGTH))
    """"password" or "oidc"."""
    client: Mapped[str] = mapped_column(String(CLIENT_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Set by logging out (or by an admin); an ended session is refused."""


class LoginFailureRow(Base):
    """One failed login: which login, from which client, when."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(LOGIN_LENGTH))
    client: Mapped[str] = mapped_column(String(CLIENT_LENGTH))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

    __table_args__ = (
        Index("ix_login_failures_login_at", "login", "at"),
        Index("ix_login_failures_client_at", "client", "at"),
    )


# ── what was delivered with personal data in it (migration 0006) ──────────────────────────
#
# - `sent_messages`: one row per message the gateway delivered with findings in it: who sent
#   it to whom and when, and its findings (type, text, category, where), so that a breach
#   opened from it can name the people in it. Never the message itself; deleted after
#   `[gateway] sent_retention_days`.


class SentMessageRow(Base):
    """A delivered message's facts and findings, kept for a breach that may follow."""

    __tablename__ = "sent_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(Text, index=True)
    sender: Mapped[str] = mapped_column(Text, index=True)
    subject: Mapped[str] = mapped_column(Text)
    recipients: Mapped[list[Any]] = mapped_column(JSON)
    """[{"address", "field"}]: those it was delivered to, with To/Cc/Bcc."""
    findings: Mapped[list[Any]] = mapped_column(JSON)
    """[{"type", "text", "category", "location"}] as the scan found them."""
    digest: Mapped[str] = mapped_column(String(DIGEST_LENGTH), index=True)
    """SHA-256 of the bytes delivered: a retried delivery is kept once."""
    delivered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    relay: Mapped[str] = mapped_column(String(HOSTNAME_LENGTH))


# ── breaches (migration 0007) ─────────────────────────────────────────────────────────────
#
# - `breaches`: one row per breach a DPO opened: when the organisation became aware (the
#   72-hour clock), what is known (people named, children, categories, recipients: `facts`),
#   the answers to the regulator's risk questions, the drafts, and its state.
# - `breach_tasks`: the breach's tasks, each with an owner and a due time.


class BreachRow(Base):
    """One personal-data breach and everything known and decided about it."""

    __tablename__ = "breaches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(STATE_LENGTH), index=True)
    """"open", "reported" (to the regulator) or "closed"."""
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    opened_by: Mapped[str] = mapped_column(String(LOGIN_LENGTH))
    aware_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """When the organisation became aware: the regulator's 72 hours count from here."""
    sent_message_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("sent_messages.id", ondelete="SET NULL"), index=True
    )
    """The delivered message it was opened from, while that record is kept."""
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    """What is known: sender, subject, when sent, recipients, people (and children),
    categories of data."""
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The regulator's risk questions, answered."""
    drafts: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The drafts as edited: the deletion request, the notices, the report."""
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BreachTaskRow(Base):
    """One thing to do about a breach, who owns it, and whether it is done."""

    __tablename__ = "breach_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    breach_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("breaches.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by: Mapped[str] = mapped_column(Text)
