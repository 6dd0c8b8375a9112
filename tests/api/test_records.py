"""The API's records in the record database: migration 0002 added to a database that
already holds messages, and checks that are kept for the audit trail only when someone
confirmed them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect

from mailwarden.message.model import AddressField
from mailwarden.record import HeldRecipient, Hold, HoldStore, open_record_database
from mailwarden.record.checks import (
    Check,
    CheckedRecipient,
    CheckNotFound,
    CheckStore,
    Confirmation,
    new_check_id,
)
from mailwarden.record.database import VERSION_TABLE, is_record_table, migrations_location
from mailwarden.record.schema import metadata
from mailwarden.record.tokens import TokenStore
from mailwarden.rules.base import Verdict

SENDER = "ann.smith@example.police.uk"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
API_TABLES = {"api_tokens", "checks", "confirmations"}


def migrate(engine: Engine, revision: str) -> None:
    config = AlembicConfig()
    config.set_main_option("script_location", migrations_location())
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def test_0002_adds_the_api_tables_to_a_database_that_holds_messages(database_url: str) -> None:
    before = create_engine(database_url)
    migrate(before, "0001")
    hold = Hold(
        "h1",
        SENDER,
        (HeldRecipient("j.smith@example.net", Verdict.HOLD, ("another case",)),),
        "Referral",
        "<h1@example.police.uk>",
        "5" * 64,
        100,
        NOW,
        "h1.eml",
        "relay1",
    )
    HoldStore(before).add(hold)
    assert not API_TABLES & set(inspect(before).get_table_names())
    before.dispose()

    after = open_record_database(database_url)
    try:
        assert set(inspect(after).get_table_names()) >= API_TABLES
        assert HoldStore(after).get("h1") == hold
        with after.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "version_table": VERSION_TABLE,
                    "include_name": is_record_table,
                },
            )
            assert compare_metadata(context, metadata) == []
    finally:
        after.dispose()


@pytest.fixture
def checks(database_url: str) -> Iterator[CheckStore]:
    engine = open_record_database(database_url)
    yield CheckStore(engine)
    engine.dispose()


def a_check(checks: CheckStore, created: datetime, verdict: Verdict = Verdict.CONFIRM) -> Check:
    token, _ = TokenStore(checks.engine).create(f"t-{new_check_id()}", sender=SENDER, now=created)
    check = Check(
        new_check_id(),
        token.id,
        SENDER,
        (
            CheckedRecipient("dsl@greenfield.sch.uk", AddressField.TO, Verdict.DELIVER),
            CheckedRecipient("r.patel@gmail.com", AddressField.CC, verdict),
        ),
        verdict,
        "a" * 64,
        created,
        created + timedelta(hours=1),
    )
    checks.add(check)
    return check


def test_a_check_reads_back_as_recorded_until_it_expires(checks: CheckStore) -> None:
    check = a_check(checks, NOW)
    assert checks.get(check.id, NOW + timedelta(minutes=59)) == check
    with pytest.raises(CheckNotFound, match="unknown, or expired"):
        checks.get(check.id, NOW + timedelta(hours=1))
    with pytest.raises(CheckNotFound):
        checks.get("c_unknown", NOW)


def test_confirmations_are_kept_with_who_when_and_why(checks: CheckStore) -> None:
    check = a_check(checks, NOW)
    first = checks.confirm(
        Confirmation(check.id, check.token_id, SENDER, "the school's advocate", NOW, NOW)
    )
    second = checks.confirm(
        Confirmation(
            check.id, check.token_id, SENDER, "sent again", NOW + timedelta(minutes=1), NOW
        )
    )
    assert [c.reason for c in checks.confirmations(check.id)] == [
        "the school's advocate",
        "sent again",
    ]
    assert first.id < second.id
    with pytest.raises(CheckNotFound):
        checks.confirm(Confirmation("c_unknown", check.token_id, SENDER, "x", NOW, NOW))


def test_purging_deletes_only_expired_checks_nobody_confirmed(checks: CheckStore) -> None:
    forgotten = a_check(checks, NOW - timedelta(hours=3))
    confirmed = a_check(checks, NOW - timedelta(hours=3))
    checks.confirm(
        Confirmation(
            confirmed.id, confirmed.token_id, SENDER, "advocate", NOW - timedelta(hours=3), NOW
        )
    )
    current = a_check(checks, NOW)

    assert checks.purge(NOW) == 1

    with pytest.raises(CheckNotFound):
        checks.get(forgotten.id, NOW - timedelta(hours=3))
    assert checks.get(confirmed.id, NOW - timedelta(hours=3)) == confirmed
    assert checks.get(current.id, NOW) == current
    assert len(checks.confirmations(confirmed.id)) == 1
