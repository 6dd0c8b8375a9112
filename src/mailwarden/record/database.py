"""Opening the record database: SQLite or PostgreSQL, brought to the latest migration.

Its migrations (`record/migrations/`) keep their version in `mailwarden_record_version`,
so the record tables may share a database with the knowledge store, whose version is in
Alembic's default `alembic_version`. Several relays opening one new PostgreSQL at once
migrate it one at a time (an advisory lock; without it, all but one fail).

SQLite commits with `synchronous = FULL`: a hold's row is on disk when the commit
returns, as its file is, since the gateway answers 250 right after.
"""

from __future__ import annotations

import threading
from importlib.resources import files
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from mailwarden.knowledge.store import database_url

VERSION_TABLE = "mailwarden_record_version"
MIGRATION_LOCK = 0x6D77_7265_636F_7264  # "mwrecord": one migration at a time on PostgreSQL
_migrating = threading.Lock()
"""Alembic's `context` is global to the process: one migration at a time in it too."""


class RecordError(Exception):
    """The record database cannot be opened or used; the message says which and why."""


def open_record_database(url: str) -> Engine:
    """Connect to a SQLite or PostgreSQL URL (or a SQLite file path) and migrate to head."""
    engine = _engine(url)
    try:
        upgrade_schema(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise RecordError(
            f"cannot open the record database {safe_url(url)}: {first_line(exc)}"
        ) from exc
    return engine


def is_record_table(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's `include_name`: compare the record's tables only, never the neighbours'."""
    from mailwarden.record.schema import metadata

    return type_ != "table" or name in metadata.tables


def migrations_location() -> str:
    """Where the packaged Alembic scripts are."""
    return str(files("mailwarden.record").joinpath("migrations"))


def upgrade_schema(engine: Engine) -> None:
    """Apply every migration the database has not had (all of them to a new database)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", migrations_location())
    with _migrating, engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(database_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable URL)"


def first_line(exc: BaseException) -> str:
    """The database's own words for a failure, on one line."""
    original = getattr(exc, "orig", None)
    words = str(original if original is not None else exc).strip()
    return words.splitlines()[0] if words else type(exc).__name__


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(database_url(url))
    except ArgumentError as exc:
        raise RecordError(f"not a database URL: {safe_url(url)}") from exc
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise RecordError(
            f"unsupported database {safe_url(url)}: the record database is SQLite or PostgreSQL"
        )
    try:
        engine = create_engine(parsed, pool_pre_ping=backend == "postgresql")
    except (NoSuchModuleError, ImportError) as exc:
        raise RecordError(f"no driver for {safe_url(url)}: {exc}") from exc
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Foreign keys on; write-ahead logging so `held` reads while the gateway writes."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()
