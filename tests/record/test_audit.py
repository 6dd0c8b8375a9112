"""The audit trail: what was done to a hold is recorded, chained, and proven intact; a row
changed or removed by hand is named; two processes appending at once leave one chain; a
purge keeps what is left verifiable; content is refused."""

from __future__ import annotations

import itertools
import multiprocessing
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Barrier

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from mailwarden.record import HoldStore, open_record_database
from mailwarden.record.audit import (
    GENESIS,
    Action,
    AuditEntry,
    AuditTrail,
    ContentRefused,
    Problem,
    append_entry,
    verify_chain,
)
from mailwarden.record.database import migrations_location

from .conftest import make_hold

HOLD_ID = "20261125T101502-7f3a"
RELAY = "gateway@relay1.example.police.uk"
REVIEWER = "k.patel@example.police.uk"
START = datetime(2026, 11, 25, 10, 15, 2, 123456, tzinfo=UTC)


class Clock:
    """Time that moves a second per reading, or jumps when told."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_record_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def trail(engine: Engine) -> AuditTrail:
    return AuditTrail(engine, Clock())


def record_a_hold(trail: AuditTrail) -> list[AuditEntry]:
    """A message held for one recipient, a reviewer looking at it, then releasing it."""
    return [
        trail.append(
            RELAY,
            Action.HOLD,
            HOLD_ID,
            {
                "recipients": [
                    {"address": "j.smith@example.net", "verdict": "hold"},
                    {"address": "dsl@greenfield.sch.uk", "verdict": "confirm"},
                ],
                "rules": ["unrelated_recipient", "special_category"],
            },
        ),
        trail.append(REVIEWER, Action.VIEW, HOLD_ID, {"part": "message"}),
        trail.append(REVIEWER, Action.RELEASE, HOLD_ID, {"recipients": ["dsl@greenfield.sch.uk"]}),
    ]


def tamper(engine: Engine, sql: str, **params: object) -> None:
    """Change the table by hand, as someone with the database's password could."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        else:  # SQLite cannot switch a trigger off: drop them, as an intruder would
            conn.execute(text("DROP TRIGGER audit_entries_no_update"))
            conn.execute(text("DROP TRIGGER audit_entries_no_delete"))
        conn.execute(text(sql), params)
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))


def test_a_hold_viewed_and_released_is_a_chain_that_verifies(trail: AuditTrail) -> None:
    hold, view, release = record_a_hold(trail)

    assert [e.seq for e in (hold, view, release)] == [1, 2, 3]
    assert hold.prev_hash == GENESIS
    assert view.prev_hash == hold.hash and release.prev_hash == view.hash
    assert hold.at == START + timedelta(seconds=1) and hold.actor == RELAY
    assert list(trail.entries()) == [hold, view, release]
    result = trail.verify()
    assert result.ok and result.checked == 3
    assert result.describe() == "3 entries, chain intact"


def test_an_empty_trail_verifies(trail: AuditTrail) -> None:
    assert trail.verify().describe() == "0 entries, chain intact"


def test_an_entry_commits_with_what_it_records_or_not_at_all(
    engine: Engine, trail: AuditTrail
) -> None:
    with pytest.raises(RuntimeError), engine.begin() as conn:
        append_entry(conn, RELAY, Action.HOLD, HOLD_ID, {"recipients": ["j.smith@example.net"]})
        raise RuntimeError("the hold's file could not be written")
    assert list(trail.entries()) == []
    with engine.begin() as conn:
        held = append_entry(conn, RELAY, Action.HOLD, HOLD_ID, {})
    assert [e.seq for e in trail.entries()] == [1] and held.prev_hash == GENESIS
    assert trail.verify().ok


def test_entries_are_chosen_by_time_and_action(trail: AuditTrail) -> None:
    hold, view, release = record_a_hold(trail)
    assert list(trail.entries(since=view.at)) == [view, release]
    assert list(trail.entries(until=view.at)) == [hold]
    assert list(trail.entries(action=Action.RELEASE)) == [release]


def test_changing_one_rows_details_is_named(engine: Engine, trail: AuditTrail) -> None:
    record_a_hold(trail)
    tamper(
        engine,
        "UPDATE audit_entries SET details = :d WHERE seq = 3",
        d='{"recipients": ["j.smith@example.net"]}',
    )
    result = trail.verify()
    assert not result.ok and result.checked == 2
    assert result.broken is not None and result.broken.seq == 3
    assert result.problem is Problem.HASH
    assert result.describe() == (
        f"entry 3 (2026-11-25 10:15:05, release of {HOLD_ID}): its hash does not match its contents"
    )


def test_a_row_rewritten_with_a_fresh_hash_breaks_the_next_link(
    engine: Engine, trail: AuditTrail
) -> None:
    hold, view, _ = record_a_hold(trail)
    forged = AuditEntry(2, view.at, "someone.else", "view", HOLD_ID, {}, hold.hash, "")
    tamper(
        engine,
        "UPDATE audit_entries SET actor = :a, details = '{}', hash = :h WHERE seq = 2",
        a=forged.actor,
        h=forged.computed_hash(),
    )
    result = trail.verify()
    assert result.broken is not None and result.broken.seq == 3
    assert result.problem is Problem.LINK


def test_deleting_a_row_in_the_middle_is_named_as_a_gap(engine: Engine, trail: AuditTrail) -> None:
    record_a_hold(trail)
    trail.append(REVIEWER, Action.VIEW, HOLD_ID)
    tamper(engine, "DELETE FROM audit_entries WHERE seq IN (2, 3)")
    result = trail.verify()
    assert result.broken is not None and result.broken.seq == 4
    assert result.problem is Problem.GAP and result.missing == (2, 3)
    assert "entries 2–3 are missing before it" in result.describe()


def test_cutting_off_the_end_is_seen_against_the_head(engine: Engine, trail: AuditTrail) -> None:
    record_a_hold(trail)
    tamper(engine, "DELETE FROM audit_entries WHERE seq = 3")
    result = trail.verify()
    assert result.problem is Problem.END and result.missing == (3, 3)
    assert result.broken is not None and result.broken.seq == 2
    assert "entry 3 is missing after it" in result.describe()


def test_deleting_the_first_rows_without_a_purge_is_a_gap(
    engine: Engine, trail: AuditTrail
) -> None:
    record_a_hold(trail)
    tamper(engine, "DELETE FROM audit_entries WHERE seq = 1")
    result = trail.verify()
    assert result.problem is Problem.GAP and result.missing == (1, 1)
    assert "no purge recorded removing them" in result.describe()


def test_the_database_refuses_to_change_or_delete_an_entry(
    engine: Engine, trail: AuditTrail
) -> None:
    record_a_hold(trail)
    refused = [
        "UPDATE audit_entries SET actor = 'x' WHERE seq = 1",
        "DELETE FROM audit_entries WHERE seq = 1",
        "DELETE FROM audit_entries",
    ]
    if engine.dialect.name == "postgresql":
        refused.append("TRUNCATE audit_entries")
    for sql in refused:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    assert trail.verify().checked == 3


def test_after_a_purge_only_what_it_purged_could_have_been_deleted(
    engine: Engine, trail: AuditTrail
) -> None:
    record_a_hold(trail)
    clock = trail._clock
    assert isinstance(clock, Clock)
    assert trail.purge(clock.now - timedelta(seconds=1.5), "retention") == 1
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    assert trail.verify().describe() == "3 entries, chain intact"


def _append_many(url: str, actor: str, count: int, start: Barrier) -> None:
    engine = open_record_database(url)
    with engine.connect():  # connected before the race, so neither starts ahead
        pass
    start.wait(30)  # both processes ready: on a busy machine a forked worker may lag
    trail = AuditTrail(engine)
    for n in range(count):
        trail.append(actor, Action.VERDICT, f"<m{n}@example.police.uk>", {"n": n})
        # A relay appends per message, not in a tight loop: the pause lets the other
        # process take SQLite's write lock between appends rather than after all 200.
        time.sleep(0.002)
    engine.dispose()


def test_two_processes_appending_at_once_leave_one_chain(database_url: str) -> None:
    open_record_database(database_url).dispose()  # migrated before the race
    fork = multiprocessing.get_context("fork")
    start = fork.Barrier(2)
    workers = [
        fork.Process(target=_append_many, args=(database_url, f"gateway@relay{i}", 200, start))
        for i in (1, 2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    engine = open_record_database(database_url)
    try:
        trail = AuditTrail(engine)
        entries = list(trail.entries())
        result = trail.verify()
    finally:
        engine.dispose()
    assert result.ok and result.checked == 400
    assert [e.seq for e in entries] == list(range(1, 401))
    assert {e.actor for e in entries} == {"gateway@relay1", "gateway@relay2"}
    actors = [e.actor for e in entries]
    switches = sum(a != b for a, b in itertools.pairwise(actors))
    assert switches > 1, "the two processes did not append at once"


def test_a_purge_keeps_the_rest_verifiable_and_is_recorded(trail: AuditTrail) -> None:
    old = record_a_hold(trail)
    clock = trail._clock
    assert isinstance(clock, Clock)
    clock.now += timedelta(days=400)
    kept = trail.append(REVIEWER, Action.VIEW, "20271230T090000-0b1c")
    cutoff = kept.at - timedelta(days=365)

    assert trail.purge(cutoff, "retention") == 3

    entries = list(trail.entries())
    assert [e.seq for e in entries] == [4, 5]
    purge = entries[-1]
    assert purge.action == Action.PURGE and purge.actor == "retention"
    assert purge.details == {
        "before": cutoff.isoformat(timespec="microseconds"),
        "deleted": 3,
        "through_seq": 3,
        "anchor": old[-1].hash,
    }
    assert trail.verify().describe() == "2 entries, chain intact"
    assert trail.purge(cutoff, "retention") == 0
    assert trail.verify().checked == 2


def test_a_second_purge_removes_the_first_and_still_verifies(trail: AuditTrail) -> None:
    record_a_hold(trail)
    clock = trail._clock
    assert isinstance(clock, Clock)
    trail.purge(clock.now + timedelta(seconds=0.5), "retention")
    trail.append(REVIEWER, Action.VIEW, HOLD_ID)
    assert trail.purge(clock.now + timedelta(seconds=0.5), "retention") == 2
    assert [e.seq for e in trail.entries()] == [6]
    assert trail.verify().describe() == "1 entry, chain intact"


def test_a_forged_anchor_is_caught_as_the_purge_entry_is_in_the_chain(
    engine: Engine, trail: AuditTrail
) -> None:
    record_a_hold(trail)
    clock = trail._clock
    assert isinstance(clock, Clock)
    trail.purge(clock.now - timedelta(seconds=0.5), "retention")  # entries 1 and 2
    tamper(
        engine,
        "UPDATE audit_entries SET details = :d WHERE seq = 4",
        d='{"through_seq": 2, "anchor": "' + "f" * 64 + '", "deleted": 2, "before": "x"}',
    )
    result = trail.verify()
    assert not result.ok and result.broken is not None
    assert result.broken.seq == 3 and result.problem is Problem.LINK


@pytest.mark.parametrize(
    "details",
    [
        {"subject": "Referral: the Evans children"},
        {"body": "Mia and Leo Evans"},
        {"findings": [{"type": "PERSON", "text": "Mia Evans"}]},
        {"Subject ": "x"},
        {"when": datetime(2026, 11, 25, tzinfo=UTC)},
        {"score": float("nan")},
    ],
    ids=["subject", "body", "finding text", "spelt otherwise", "not JSON", "NaN"],
)
def test_details_that_carry_content_are_refused(
    trail: AuditTrail, details: dict[str, object]
) -> None:
    with pytest.raises(ContentRefused):
        trail.append(RELAY, Action.HOLD, HOLD_ID, details)
    assert trail.verify().checked == 0


def test_an_entry_needs_an_actor_and_a_known_action(trail: AuditTrail) -> None:
    with pytest.raises(ValueError, match="actor"):
        trail.append(" ", Action.VIEW, HOLD_ID)
    with pytest.raises(ValueError):
        trail.append(REVIEWER, "peek", HOLD_ID)  # type: ignore[arg-type]
    assert trail.verify().checked == 0


def test_an_export_read_back_verifies_on_its_own(trail: AuditTrail) -> None:
    entries = record_a_hold(trail)
    again = [AuditEntry.from_json(e.to_json()) for e in entries]
    assert again == entries
    assert verify_chain(again, {}).ok
    again[1] = AuditEntry.from_json({**entries[1].to_json(), "actor": "someone.else"})
    assert verify_chain(again, {}).problem is Problem.HASH


def _migrate(engine: Engine, step: str, revision: str) -> None:
    config = AlembicConfig()
    config.set_main_option("script_location", migrations_location())
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, step)(config, revision)


def test_0003_adds_the_trail_to_a_database_that_holds_messages_and_goes_back(
    database_url: str,
) -> None:
    before = create_engine(database_url)
    _migrate(before, "upgrade", "0002")
    HoldStore(before).add(make_hold("h1"))
    before.dispose()

    engine = open_record_database(database_url)
    try:
        trail = AuditTrail(engine, Clock())
        record_a_hold(trail)
        assert trail.verify().checked == 3
        assert HoldStore(engine).get("h1").id == "h1"
        _migrate(engine, "downgrade", "0002")
        assert not {"audit_entries", "audit_head"} & set(inspect(engine).get_table_names())
        _migrate(engine, "upgrade", "head")
        assert AuditTrail(engine).verify().describe() == "0 entries, chain intact"
    finally:
        engine.dispose()
