"""The store's schema comes from its packaged Alembic migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from mailwarden.knowledge.features import Keyer
from mailwarden.knowledge.schema import metadata
from mailwarden.knowledge.store import KnowledgeStore, migrations_location


def _head() -> str:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", migrations_location())
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def test_opening_a_new_database_builds_the_schema_by_migration(
    database_url: str, keyer: Keyer
) -> None:
    store = KnowledgeStore.open(database_url, keyer)
    try:
        with store.engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            tables = set(inspect(conn).get_table_names())
    finally:
        store.close()
    assert version == _head()
    assert tables == set(metadata.tables) | {"alembic_version"}


def test_the_migrations_and_schema_py_agree(database_url: str, keyer: Keyer) -> None:
    """What `alembic check` does: autogenerate against the migrated database finds nothing."""
    KnowledgeStore.open(database_url, keyer).close()
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_opening_again_keeps_what_was_stored(database_url: str, keyer: Keyer) -> None:
    from mailwarden.knowledge.records import DirectoryEntry

    with KnowledgeStore.open(database_url, keyer) as store:
        store.add_directory_entries([DirectoryEntry("dsl@greenfield.sch.uk", "Safeguarding")])
    with KnowledgeStore.open(database_url, keyer) as store:
        assert store.stats().directory_entries == 1


def test_every_migration_file_is_package_data_so_it_installs() -> None:
    """`KnowledgeStore.open` runs the migrations from the installed package, not the repo."""
    root = Path(__file__).resolve().parents[2]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["mailwarden"]
    package = root / "src" / "mailwarden"
    location = Path(migrations_location())
    files = [
        f.relative_to(package).as_posix()
        for f in location.rglob("*")
        if f.is_file() and "__pycache__" not in f.parts
    ]
    assert {"knowledge/migrations/env.py", "knowledge/migrations/versions/0001_initial.py"} <= set(
        files
    )
    unshipped = [f for f in files if not any(_globbed(f, p) for p in patterns)]
    assert unshipped == []


def _globbed(path: str, pattern: str) -> bool:
    """As setuptools globs package data: `*` stays inside one folder."""
    parts, wanted = path.split("/"), pattern.split("/")
    return len(parts) == len(wanted) and all(map(fnmatch, parts, wanted))
