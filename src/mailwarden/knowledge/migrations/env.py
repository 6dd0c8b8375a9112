"""Alembic's environment for the knowledge store: run by `KnowledgeStore.open` (upgrade to
head on the store's own connection), or by `alembic` with `script_location` pointing here."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from mailwarden.knowledge.schema import metadata

config = context.config


def _own_tables(name: str | None, type_: str, parent_names: object) -> bool:
    """Compare only the knowledge store's tables: the record database's may share it."""
    return type_ != "table" or name in metadata.tables


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_name=_own_tables,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """On the connection `KnowledgeStore.open` hands over, else on `sqlalchemy.url`."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as new_connection:
        _run(new_connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("the knowledge store's migrations run online only")
run_migrations_online()
