"""The record database: built by its own packaged migrations on SQLite and PostgreSQL, and
able to share a database with the knowledge store."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from mailwarden.knowledge.features import Keyer
from mailwarden.knowledge.records import DirectoryEntry
from mailwarden.knowledge.schema import metadata as knowledge_metadata
from mailwarden.knowledge.store import KnowledgeStore
from mailwarden.record import HoldStore, RecordError, open_record_database
from mailwarden.record.database import VERSION_TABLE, is_record_table, migrations_location
from mailwarden.record.schema import metadata

from .conftest import make_hold

RECORD_TABLES = set(metadata.tables)
"""Every table schema.py declares: the holds; the pre-send API's tokens, checks, confirmations."""


def _head() -> str:
    config = Config()
    config.set_main_option("script_location", migrations_location())
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def _differences(engine: Engine) -> list[object]:
    """What `alembic check` would find between schema.py and the database."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "version_table": VERSION_TABLE,
                "include_name": is_record_table,
            },
        )
        return list(compare_metadata(context, metadata))


def _version(engine: Engine, table: str) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text(f"SELECT version_num FROM {table}")).scalar_one())


def test_opening_a_new_database_builds_the_schema_by_migration(database_url: str) -> None:
    assert {"holds", "hold_recipients"} <= RECORD_TABLES
    engine = open_record_database(database_url)
    try:
        assert _version(engine, VERSION_TABLE) == _head()
        assert set(inspect(engine).get_table_names()) == RECORD_TABLES | {VERSION_TABLE}
        assert _differences(engine) == []
    finally:
        engine.dispose()


def test_the_queue_index_is_there(database_url: str) -> None:
    engine = open_record_database(database_url)
    try:
        indexes = {
            i["name"]: i["column_names"] for i in inspect(engine).get_indexes("hold_recipients")
        }
    finally:
        engine.dispose()
    assert indexes["ix_hold_recipients_state_held_at"] == ["state", "held_at", "hold_id"]


@pytest.mark.parametrize("knowledge_first", [True, False], ids=["knowledge first", "record first"])
def test_the_record_shares_a_database_with_the_knowledge_store(
    database_url: str, keyer: Keyer, knowledge_first: bool
) -> None:
    if knowledge_first:
        KnowledgeStore.open(database_url, keyer).close()
    engine = open_record_database(database_url)
    with KnowledgeStore.open(database_url, keyer) as knowledge:
        knowledge.add_directory_entries([DirectoryEntry("dsl@greenfield.sch.uk", "Safeguarding")])
        assert knowledge.stats().directory_entries == 1
    try:
        HoldStore(engine).add(make_hold("h1"))
        tables = set(inspect(engine).get_table_names())
        assert tables == (
            RECORD_TABLES | set(knowledge_metadata.tables) | {VERSION_TABLE, "alembic_version"}
        )
        assert _version(engine, VERSION_TABLE) == _head()
        assert _differences(engine) == []
    finally:
        engine.dispose()


def test_opening_again_keeps_the_holds(database_url: str) -> None:
    engine = open_record_database(database_url)
    HoldStore(engine).add(make_hold("h1"))
    engine.dispose()
    again = HoldStore(open_record_database(database_url))
    try:
        assert again.get("h1") == make_hold("h1", again.get("h1").held_at)
    finally:
        again.close()


def test_an_unsupported_database_is_named_without_its_password() -> None:
    with pytest.raises(RecordError, match="SQLite or PostgreSQL") as caught:
        open_record_database("mysql://warden:s3cret@db.example.police.uk/holds")
    assert "mysql://warden:***@db.example.police.uk/holds" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_a_database_that_does_not_answer_is_named_without_its_password() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RecordError, match="cannot open the record database") as caught:
        open_record_database(f"postgresql://warden:s3cret@127.0.0.1:{port}/holds")
    assert "s3cret" not in str(caught.value)


def test_a_plain_path_is_a_sqlite_file(tmp_path: Path) -> None:
    engine = open_record_database(str(tmp_path / "holds.db"))
    engine.dispose()
    assert (tmp_path / "holds.db").is_file()


def test_every_migration_file_is_package_data_so_it_installs() -> None:
    root = Path(__file__).resolve().parents[2]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["mailwarden"]
    package = root / "src" / "mailwarden"
    files = [
        f.relative_to(package).as_posix()
        for f in Path(migrations_location()).rglob("*")
        if f.is_file() and "__pycache__" not in f.parts
    ]
    assert {"record/migrations/env.py", "record/migrations/versions/0001_holds.py"} <= set(files)
    assert [f for f in files if not any(_globbed(f, p) for p in patterns)] == []


def _globbed(path: str, pattern: str) -> bool:
    """As setuptools globs package data: `*` stays inside one folder."""
    parts, wanted = path.split("/"), pattern.split("/")
    return len(parts) == len(wanted) and all(map(fnmatch, parts, wanted))


def test_a_sqlite_commit_is_on_disk_when_it_returns(tmp_path: Path) -> None:
    """synchronous = FULL: the gateway answers 250 right after a hold's commit."""
    engine = open_record_database(f"sqlite:///{tmp_path / 'holds.db'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA synchronous")).scalar_one() == 2
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    finally:
        engine.dispose()
