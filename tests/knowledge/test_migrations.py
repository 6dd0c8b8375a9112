"""The store's schema comes from its packaged Alembic migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

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


def test_the_migrations_ship_inside_the_package() -> None:
    location = Path(migrations_location())
    assert (location / "env.py").is_file()
    assert (location / "versions" / "0001_initial.py").is_file()
    package_data = Path(__file__).parents[2] / "pyproject.toml"
    assert "knowledge/migrations/versions/*.py" in package_data.read_text()
