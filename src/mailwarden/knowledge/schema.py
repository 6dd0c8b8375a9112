"""The knowledge store's tables (SQLAlchemy 2.x declarative), as the migrations build them.

What is kept, and what never is:

- addresses and their display names, as the headers wrote them: addressing, not content;
- cases, people, identifiers and attachments only as keyed hashes (`features.py`), in the
  `key` columns of `feature_keys`, `associations`, `key_cases`, `case_allowed` and
  `thread_keys`; subjects only as a keyed hash too (`threads.subject_key`);
- of a message: a digest for idempotency, its Message-ID (for threads), its date.

The lookups `KnowledgeStore.knowledge_for` makes per message each have an index:
correspondents by address, local part, (domain, local part length) and display name;
associations and case links by key; messages by digest; threads by id.

`alembic check`-style comparison (tests/knowledge/test_migrations.py) keeps this module
and `migrations/versions/` in step: change one, change the other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

KEY_LENGTH = 32
"""Hex characters of a keyed hash (`Keyer.key`)."""
DIGEST_LENGTH = 64
"""Hex characters of a SHA-256 digest."""
ADDRESS_LENGTH = 320
"""The longest addr-spec RFC 5321 allows (64 + 1 + 255)."""

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


class CorrespondentRow(Base):
    """One address the organisation has written to, heard from, or imported."""

    __tablename__ = "correspondents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), unique=True)
    local_part: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), index=True)
    """Before the @: "r.patel" of r.patel@gmail.com and of r.patel@northmoor.police.uk."""
    local_length: Mapped[int] = mapped_column(Integer)
    """Characters of the local part: an edit distance of d needs lengths within d."""
    domain: Mapped[str] = mapped_column(String(ADDRESS_LENGTH))
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_to: Mapped[int] = mapped_column(Integer, default=0)
    received_from: Mapped[int] = mapped_column(Integer, default=0)
    in_directory: Mapped[bool] = mapped_column(Boolean, default=False)
    organisation: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (Index("ix_correspondents_domain_local_length", "domain", "local_length"),)


class DisplayNameRow(Base):
    """A display name an address has gone by ("PC Jane Holloway", "Mr R Patel")."""

    __tablename__ = "display_names"

    correspondent_id: Mapped[int] = mapped_column(
        ForeignKey("correspondents.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    normalised: Mapped[str] = mapped_column(String(200), index=True)
    """Lower case, single spaces, no title: how look-alikes are matched by name."""


class FeatureKeyRow(Base):
    """One case, person, identifier or attachment the store knows, by its keyed hash."""

    __tablename__ = "feature_keys"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    messages: Mapped[int] = mapped_column(Integer, default=0)
    """Learned messages that carried it."""
    first_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    """Named by an imported case list: kept past the retention period."""


class AssociationRow(Base):
    """A correspondent has sent or received mail carrying a key: who discussed what."""

    __tablename__ = "associations"

    correspondent_id: Mapped[int] = mapped_column(
        ForeignKey("correspondents.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(
        ForeignKey("feature_keys.key", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    count: Mapped[int] = mapped_column(Integer, default=0)


class KeyCaseRow(Base):
    """A key has gone with a case: learned from mail carrying both, or from a case list."""

    __tablename__ = "key_cases"

    key: Mapped[str] = mapped_column(
        ForeignKey("feature_keys.key", ondelete="CASCADE"), primary_key=True
    )
    case_key: Mapped[str] = mapped_column(
        ForeignKey("feature_keys.key", ondelete="CASCADE"), primary_key=True, index=True
    )
    count: Mapped[int] = mapped_column(Integer, default=0)
    """Learned messages carrying both."""
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    """A case list puts the key (a person) in the case."""
    first_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CaseAllowedRow(Base):
    """An imported case list allows this address to receive mail about the case."""

    __tablename__ = "case_allowed"

    case_key: Mapped[str] = mapped_column(
        ForeignKey("feature_keys.key", ondelete="CASCADE"), primary_key=True
    )
    address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), primary_key=True, index=True)


class DirectoryEntryRow(Base):
    """A contact as an imported directory lists it (staff and partner organisations)."""

    __tablename__ = "directory_entries"

    address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    internal: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ThreadRow(Base):
    """A conversation: messages linked by Message-ID, In-Reply-To and References."""

    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    origin: Mapped[str] = mapped_column(String(DIGEST_LENGTH), unique=True)
    """The digest of the message that began it (as the store learned it)."""
    subject_key: Mapped[str] = mapped_column(String(KEY_LENGTH), index=True)
    """The normalised subject ("Re: Fwd:" and case dropped), keyed: subjects name people."""
    first_date: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_date: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LearnedMessageRow(Base):
    """A message the store has learned: learning it again changes nothing."""

    __tablename__ = "learned_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(DIGEST_LENGTH), unique=True)
    """SHA-256 of the Message-ID, or of the raw message when it has none."""
    message_id: Mapped[str] = mapped_column(Text, default="")
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(8))
    date: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    """The Date header's, or when it was learned for a message without one."""
    learned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MessageReferenceRow(Base):
    """A learned message's In-Reply-To and References, by digest: a reply learned before
    the message it answers still joins that message's thread when it arrives."""

    __tablename__ = "message_references"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("learned_messages.id", ondelete="CASCADE"), primary_key=True
    )
    referenced_digest: Mapped[str] = mapped_column(
        String(DIGEST_LENGTH), primary_key=True, index=True
    )


class ThreadParticipantRow(Base):
    """Who has written or been written to in a thread."""

    __tablename__ = "thread_participants"

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True
    )
    correspondent_id: Mapped[int] = mapped_column(
        ForeignKey("correspondents.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ThreadKeyRow(Base):
    """A key a thread's messages carried."""

    __tablename__ = "thread_keys"

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(
        ForeignKey("feature_keys.key", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(16))


metadata = Base.metadata
