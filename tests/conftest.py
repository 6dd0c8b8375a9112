"""Shared fixtures: one Scanner per session (recognizers load models once), and a real
PostgreSQL server (tests/postgres.py) with `database_url` running a test on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.postgres import PostgresServer, running_postgres

from mailwarden.config import Config, config_from_dict
from mailwarden.scan import Scanner


@pytest.fixture(scope="session")
def police_config() -> Config:
    return config_from_dict({"organisation": {"domains": ["example.police.uk"]}})


@pytest.fixture(scope="session")
def scanner(police_config: Config) -> Scanner:
    return Scanner(police_config)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One private PostgreSQL server for the whole test session."""
    with running_postgres() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, or a new database on the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'knowledge.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database()
