"""The knowledge store's first schema: correspondents, keys and who discussed them, threads.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "correspondents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("local_part", sa.String(length=320), nullable=False),
        sa.Column("local_length", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=320), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_to", sa.Integer(), nullable=False),
        sa.Column("received_from", sa.Integer(), nullable=False),
        sa.Column("in_directory", sa.Boolean(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correspondents")),
        sa.UniqueConstraint("address", name=op.f("uq_correspondents_address")),
    )
    op.create_index(
        "ix_correspondents_domain_local_length",
        "correspondents",
        ["domain", "local_length"],
        unique=False,
    )
    op.create_index(
        op.f("ix_correspondents_local_part"), "correspondents", ["local_part"], unique=False
    )

    op.create_table(
        "directory_entries",
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_directory_entries")),
    )
    op.create_table(
        "feature_keys",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("imported", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_feature_keys")),
    )
    op.create_table(
        "threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("subject_key", sa.String(length=32), nullable=False),
        sa.Column("first_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_date", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threads")),
        sa.UniqueConstraint("origin", name=op.f("uq_threads_origin")),
    )
    op.create_index(op.f("ix_threads_last_date"), "threads", ["last_date"], unique=False)
    op.create_index(op.f("ix_threads_subject_key"), "threads", ["subject_key"], unique=False)

    op.create_table(
        "associations",
        sa.Column("correspondent_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["correspondent_id"],
            ["correspondents.id"],
            name=op.f("fk_associations_correspondent_id_correspondents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["key"],
            ["feature_keys.key"],
            name=op.f("fk_associations_key_feature_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("correspondent_id", "key", name=op.f("pk_associations")),
    )
    op.create_index(op.f("ix_associations_key"), "associations", ["key"], unique=False)

    op.create_table(
        "case_allowed",
        sa.Column("case_key", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_key"],
            ["feature_keys.key"],
            name=op.f("fk_case_allowed_case_key_feature_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_key", "address", name=op.f("pk_case_allowed")),
    )
    op.create_index(op.f("ix_case_allowed_address"), "case_allowed", ["address"], unique=False)

    op.create_table(
        "display_names",
        sa.Column("correspondent_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("normalised", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["correspondent_id"],
            ["correspondents.id"],
            name=op.f("fk_display_names_correspondent_id_correspondents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("correspondent_id", "name", name=op.f("pk_display_names")),
    )
    op.create_index(
        op.f("ix_display_names_normalised"), "display_names", ["normalised"], unique=False
    )

    op.create_table(
        "key_cases",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("case_key", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Boolean(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_key"],
            ["feature_keys.key"],
            name=op.f("fk_key_cases_case_key_feature_keys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["key"],
            ["feature_keys.key"],
            name=op.f("fk_key_cases_key_feature_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "case_key", name=op.f("pk_key_cases")),
    )
    op.create_index(op.f("ix_key_cases_case_key"), "key_cases", ["case_key"], unique=False)

    op.create_table(
        "learned_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_learned_messages_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learned_messages")),
        sa.UniqueConstraint("digest", name=op.f("uq_learned_messages_digest")),
    )
    op.create_index(op.f("ix_learned_messages_date"), "learned_messages", ["date"], unique=False)
    op.create_index(
        op.f("ix_learned_messages_thread_id"), "learned_messages", ["thread_id"], unique=False
    )

    op.create_table(
        "thread_keys",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["key"],
            ["feature_keys.key"],
            name=op.f("fk_thread_keys_key_feature_keys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_thread_keys_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("thread_id", "key", name=op.f("pk_thread_keys")),
    )
    op.create_index(op.f("ix_thread_keys_key"), "thread_keys", ["key"], unique=False)

    op.create_table(
        "thread_participants",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("correspondent_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["correspondent_id"],
            ["correspondents.id"],
            name=op.f("fk_thread_participants_correspondent_id_correspondents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_thread_participants_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "thread_id", "correspondent_id", name=op.f("pk_thread_participants")
        ),
    )
    op.create_index(
        op.f("ix_thread_participants_correspondent_id"),
        "thread_participants",
        ["correspondent_id"],
        unique=False,
    )

    op.create_table(
        "message_references",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("referenced_digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["learned_messages.id"],
            name=op.f("fk_message_references_message_id_learned_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "message_id", "referenced_digest", name=op.f("pk_message_references")
        ),
    )
    op.create_index(
        op.f("ix_message_references_referenced_digest"),
        "message_references",
        ["referenced_digest"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_message_references_referenced_digest"), table_name="message_references")

    op.drop_table("message_references")
    op.drop_index(op.f("ix_thread_participants_correspondent_id"), table_name="thread_participants")

    op.drop_table("thread_participants")
    op.drop_index(op.f("ix_thread_keys_key"), table_name="thread_keys")

    op.drop_table("thread_keys")
    op.drop_index(op.f("ix_learned_messages_thread_id"), table_name="learned_messages")
    op.drop_index(op.f("ix_learned_messages_date"), table_name="learned_messages")

    op.drop_table("learned_messages")
    op.drop_index(op.f("ix_key_cases_case_key"), table_name="key_cases")

    op.drop_table("key_cases")
    op.drop_index(op.f("ix_display_names_normalised"), table_name="display_names")

    op.drop_table("display_names")
    op.drop_index(op.f("ix_case_allowed_address"), table_name="case_allowed")

    op.drop_table("case_allowed")
    op.drop_index(op.f("ix_associations_key"), table_name="associations")

    op.drop_table("associations")
    op.drop_index(op.f("ix_threads_subject_key"), table_name="threads")
    op.drop_index(op.f("ix_threads_last_date"), table_name="threads")

    op.drop_table("threads")
    op.drop_table("feature_keys")
    op.drop_table("directory_entries")
    op.drop_index(op.f("ix_correspondents_local_part"), table_name="correspondents")
    op.drop_index("ix_correspondents_domain_local_length", table_name="correspondents")

    op.drop_table("correspondents")
