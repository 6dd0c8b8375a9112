"""The audit trail: hash-chained entries, their one-row head, and triggers that refuse to
change an entry, or delete one the head does not say was purged (`AuditTrail.purge` sets
`audit_head.purged_through` first, in the same transaction). A later batch migration of
`audit_entries` on SQLite rebuilds the table and must create its triggers again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

GENESIS = "0" * 64
"""`record.audit.GENESIS`, copied: a migration does not import the code it predates."""

REFUSED = "the audit trail is append-only: {} refused"
PG_FUNCTION = f"""
CREATE FUNCTION mailwarden_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.seq <= (SELECT purged_through FROM audit_head WHERE id = 1)
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '{REFUSED.format("%")}', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""
PG_TRIGGERS = (
    "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries"
    " FOR EACH ROW EXECUTE FUNCTION mailwarden_audit_append_only()",
    "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries"
    " FOR EACH STATEMENT EXECUTE FUNCTION mailwarden_audit_append_only()",
)
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries"
    f" BEGIN SELECT RAISE(ABORT, '{REFUSED.format('UPDATE')}'); END",
    "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries"
    " WHEN OLD.seq > (SELECT purged_through FROM audit_head WHERE id = 1)"
    f" BEGIN SELECT RAISE(ABORT, '{REFUSED.format('DELETE')}'); END",
)


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entries")),
    )
    op.create_index(op.f("ix_audit_entries_action"), "audit_entries", ["action"], unique=False)
    op.create_index(op.f("ix_audit_entries_at"), "audit_entries", ["at"], unique=False)
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("purged_through", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS, "purged_through": 0}])
    if op.get_bind().dialect.name == "postgresql":
        for statement in (PG_FUNCTION, *PG_TRIGGERS):
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entries_no_truncate ON audit_entries")
        op.execute("DROP TRIGGER audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION mailwarden_audit_append_only()")
    else:
        op.execute("DROP TRIGGER audit_entries_no_delete")
        op.execute("DROP TRIGGER audit_entries_no_update")
    op.drop_table("audit_head")
    op.drop_index(op.f("ix_audit_entries_at"), table_name="audit_entries")
    op.drop_index(op.f("ix_audit_entries_action"), table_name="audit_entries")
    op.drop_table("audit_entries")
