"""The knowledge store's tests share a keyer; `database_url` and `postgres_server`
(SQLite and a real PostgreSQL) come from tests/conftest.py."""

from __future__ import annotations

import pytest

from mailwarden.knowledge.features import Keyer


@pytest.fixture
def keyer() -> Keyer:
    return Keyer(b"an installation key for the tests")
