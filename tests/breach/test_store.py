"""BreachStore on SQLite and PostgreSQL: a breach opened from a delivered message keeps its
facts, answers, drafts and tasks; answers, tasks and state change; every step is in the
audit trail with counts and states, never a name; the exports carry the names and the
deadline (the PDF read back with pypdf)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine
from tests.breach.conftest import CHILDREN, PUBLIC, SCHOOL, record_delivery

from mailwarden.breach.export import breach_json
from mailwarden.breach.facts import facts_from_sent
from mailwarden.breach.opening import opening
from mailwarden.breach.pdf import breach_pdf
from mailwarden.breach.state import BreachState
from mailwarden.record import open_record_database
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.breaches import Breach, BreachNotFound, BreachStateError, BreachStore
from mailwarden.record.sent import SentStore
from mailwarden.scan import Scanner

AWARE = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
OPENED = AWARE + timedelta(minutes=20)


class Ticking:
    """A clock the test moves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_record_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Ticking:
    return Ticking(OPENED)


@pytest.fixture
def store(engine: Engine, clock: Ticking) -> BreachStore:
    return BreachStore(engine, clock)


def open_race_hate(engine: Engine, store: BreachStore, scanner: Scanner) -> Breach:
    sent = SentStore(engine).get(record_delivery(engine, scanner))
    facts = facts_from_sent(sent, ["example.police.uk", "greenfield.sch.uk"])
    start = opening(facts, "dpo", OPENED, AWARE, "Westshire Police")
    return store.open(
        title="Race-hate update sent to a member of the public",
        aware_at=AWARE,
        by="dpo",
        facts=facts,
        answers=start.answers,
        drafts=start.drafts,
        tasks=start.tasks,
        sent_message_id=sent.id,
    )


def test_a_breach_opened_from_a_delivery_keeps_what_it_knows(
    engine: Engine, store: BreachStore, scanner: Scanner
) -> None:
    breach = open_race_hate(engine, store, scanner)
    again = store.get(breach.id)
    assert again == breach
    assert again.state is BreachState.OPEN
    assert [p.name for p in again.facts.children] == list(CHILDREN)
    assert [r.address for r in again.facts.wrong_recipients] == [PUBLIC]
    assert again.clock.deadline == AWARE + timedelta(hours=72)
    assert again.answers["children"] == "yes"
    assert len(again.drafts.notices) == 3
    assert [t.position for t in again.tasks] == list(range(len(again.tasks)))
    assert {t.owner for t in again.tasks} == {"dpo"}
    assert [b.id for b in store.list()] == [breach.id]
    assert store.list(BreachState.CLOSED) == []


def test_each_step_changes_the_breach_and_is_audited_without_names(
    engine: Engine, store: BreachStore, clock: Ticking, scanner: Scanner
) -> None:
    breach = open_race_hate(engine, store, scanner)
    store.save_answers(breach.id, {"high_risk": "yes"}, breach.drafts, "dpo")
    task = breach.tasks[0]
    clock.now = OPENED + timedelta(minutes=40)
    store.update_task(breach.id, task.id, owner="admin", due_at=None, done=True, by="dpo")
    store.add_task(breach.id, "Call the school", "dpo", None, "admin")
    clock.now = AWARE + timedelta(hours=50)
    store.set_state(breach.id, BreachState.REPORTED, "dpo")
    store.exported(breach.id, "pdf", "admin")

    now = store.get(breach.id)
    assert now.answers == {"high_risk": "yes"}
    done = now.tasks[0]
    assert (done.owner, done.due_at, done.done_at, done.done_by) == (
        "admin",
        None,
        OPENED + timedelta(minutes=40),
        "dpo",
    )
    assert now.tasks[-1].title == "Call the school"
    assert now.state is BreachState.REPORTED
    assert (
        now.clock.at(AWARE + timedelta(days=9)).words == "reported 22 h 0 min before the deadline"
    )

    entries = [e for e in AuditTrail(engine).entries() if e.subject == f"breach {breach.id}"]
    assert [(e.action, e.details.get("step")) for e in entries] == [
        (Action.BREACH_OPEN, None),
        (Action.BREACH_STEP, "answers"),
        (Action.BREACH_STEP, "task"),
        (Action.BREACH_STEP, "task added"),
        (Action.BREACH_STEP, "state"),
        (Action.EXPORT, None),
    ]
    assert entries[0].details["people"] == 3 and entries[0].details["children"] == 3
    written = json.dumps([e.details for e in entries])
    for said in (*CHILDREN, "Ellie", PUBLIC, "parking", "anxiety"):
        assert said not in written


def test_undoing_a_task_and_the_moves_a_state_cannot_make(
    engine: Engine, store: BreachStore, scanner: Scanner
) -> None:
    breach = open_race_hate(engine, store, scanner)
    task = breach.tasks[1]
    store.update_task(breach.id, task.id, owner="", due_at=task.due_at, done=True, by="dpo")
    store.update_task(breach.id, task.id, owner="", due_at=task.due_at, done=False, by="dpo")
    assert store.get(breach.id).tasks[1] == task  # blank owner keeps the owner
    store.set_state(breach.id, BreachState.CLOSED, "dpo")
    with pytest.raises(BreachStateError):
        store.set_state(breach.id, BreachState.REPORTED, "dpo")
    store.set_state(breach.id, BreachState.OPEN, "dpo")
    assert store.get(breach.id).closed_at is None
    with pytest.raises(BreachNotFound):
        store.get(breach.id + 1)
    with pytest.raises(BreachNotFound):
        store.update_task(breach.id + 1, task.id, owner="x", due_at=None, done=True, by="dpo")


def test_the_exports_carry_the_people_the_children_and_the_deadline(
    engine: Engine, store: BreachStore, scanner: Scanner
) -> None:
    breach = open_race_hate(engine, store, scanner)
    now = AWARE + timedelta(hours=10, minutes=12)
    exported = breach_json(breach, now)
    assert json.loads(json.dumps(exported)) == exported
    assert exported["clock"] == {
        "deadline": "2026-11-27T15:30:00+00:00",
        "seconds_left": (61 * 60 + 48) * 60,
        "overdue": False,
        "stopped": False,
        "words": "61 h 48 min left",
        "at": now.isoformat(),
    }
    assert [(p["name"], p["child"]) for p in exported["facts"]["people"]] == [
        (name, True) for name in CHILDREN
    ]
    assert exported["answers"][0]["question"] == "What has happened?"

    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(breach_pdf(breach, now))).pages
    )
    flat = " ".join(text.split())
    assert "2026-11-27 15:30 UTC" in flat
    assert "61 h 48 min left" in flat
    for name in CHILDREN:
        assert f"{name} – CHILD" in flat
    assert PUBLIC in flat and SCHOOL in flat
    assert "Draft: notice to The parent or guardian of Ellie Marsh" in flat
    assert "Draft: report to the regulator" in flat
