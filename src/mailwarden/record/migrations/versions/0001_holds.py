"""The record database's first schema: held messages and each held recipient's state.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
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
        "holds",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("relay", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holds")),
    )
    op.create_index(op.f("ix_holds_digest"), "holds", ["digest"], unique=False)
    op.create_index(op.f("ix_holds_held_at"), "holds", ["held_at"], unique=False)
    op.create_index(op.f("ix_holds_sender"), "holds", ["sender"], unique=False)

    op.create_table(
        "hold_recipients",
        sa.Column("hold_id", sa.String(length=64), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hold_id"],
            ["holds.id"],
            name=op.f("fk_hold_recipients_hold_id_holds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hold_id", "address", name=op.f("pk_hold_recipients")),
    )
    op.create_index(
        "ix_hold_recipients_state_held_at",
        "hold_recipients",
        ["state", "held_at", "hold_id"],
        unique=False,
    )
    op.create_index("ix_hold_recipients_address", "hold_recipients", ["address"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_hold_recipients_address", table_name="hold_recipients")
    op.drop_index("ix_hold_recipients_state_held_at", table_name="hold_recipients")
    op.drop_table("hold_recipients")
    op.drop_index(op.f("ix_holds_sender"), table_name="holds")
    op.drop_index(op.f("ix_holds_held_at"), table_name="holds")
    op.drop_index(op.f("ix_holds_digest"), table_name="holds")
    op.drop_table("holds")
