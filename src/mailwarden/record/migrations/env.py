"""Alembic's environment for the record database: run by `open_record_database` (upgrade
to head on its own connection), or by `alembic` with `script_location` pointing here.

Its version is kept in `mailwarden_record_version`, and only the record's own tables are
compared, so the knowledge store's tables may share the database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from mailwarden.record.database import VERSION_TABLE, is_record_table
from mailwarden.record.schema import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        include_name=is_record_table,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """On the connection `open_record_database` hands over, else on `sqlalchemy.url`."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as new_connection:
        _run(new_connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("the record database's migrations run online only")
run_migrations_online()
