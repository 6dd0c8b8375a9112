"""Breaches in the record database: `BreachStore` keeps each breach (`breaches`: its facts,
answers, drafts, state and clock) and its tasks (`breach_tasks`).

Every change is recorded in the audit trail in the same transaction (`Action.BREACH_OPEN`,
`BREACH_STEP`, `EXPORT`), with facts only: counts, keys, states and times, never a name
or anything the message said.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, func, insert, select, update

from mailwarden.breach.clock import BreachClock, utc
from mailwarden.breach.drafts import Drafts
from mailwarden.breach.facts import Facts
from mailwarden.breach.questions import answered
from mailwarden.breach.state import NEXT, BreachState
from mailwarden.breach.tasks import MAX_TITLE, Task, TaskPlan
from mailwarden.record.audit import Action, append_entry, timestamp
from mailwarden.record.schema import BreachRow, BreachTaskRow

BREACHES = BreachRow.__table__
TASKS = BreachTaskRow.__table__


class BreachNotFound(LookupError):
    """No breach has this ID (or no task this ID in that breach)."""

    def __init__(self, breach_id: int) -> None:
        super().__init__(f"no breach has the ID {breach_id}")
        self.breach_id = breach_id


class BreachStateError(ValueError):
    """A breach cannot go from its state to the one asked for."""


@dataclass(frozen=True, slots=True)
class Breach:
    """One breach as kept, with its tasks in order."""

    id: int
    title: str
    state: BreachState
    opened_at: datetime
    opened_by: str
    aware_at: datetime
    sent_message_id: int | None
    facts: Facts
    answers: dict[str, str]
    drafts: Drafts
    tasks: tuple[Task, ...]
    reported_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime

    @property
    def clock(self) -> BreachClock:
        return BreachClock(self.aware_at, self.reported_at)

    @property
    def subject(self) -> str:
        """How audit entries name it."""
        return f"breach {self.id}"


class BreachStore:
    """The breaches of the record database (`record.open_record_database`)."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self._now = clock or (lambda: datetime.now(UTC))

    def open(
        self,
        *,
        title: str,
        aware_at: datetime,
        by: str,
        facts: Facts,
        answers: Mapping[str, str],
        drafts: Drafts,
        tasks: Sequence[TaskPlan],
        sent_message_id: int | None = None,
    ) -> Breach:
        """A new open breach with its tasks, recorded as `BREACH_OPEN`."""
        now = self._now()
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(BreachRow).values(
                    title=title.strip()[:MAX_TITLE] or "Personal data breach",
                    state=BreachState.OPEN.value,
                    opened_at=now,
                    opened_by=by,
                    aware_at=utc(aware_at),
                    sent_message_id=sent_message_id,
                    facts=facts.to_json(),
                    answers=dict(answers),
                    drafts=drafts.to_json(),
                    updated_at=now,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            breach_id = int(key[0])
            for position, plan in enumerate(tasks):
                _insert_task(conn, breach_id, position, plan)
            details = {
                "via": facts.source,
                "sent_message": sent_message_id,
                "aware_at": timestamp(aware_at),
                "people": len(facts.people),
                "children": len(facts.children),
                "wrong_recipients": len(facts.wrong_recipients),
                "tasks": len(tasks),
            }
            append_entry(conn, by, Action.BREACH_OPEN, f"breach {breach_id}", details, self._now)
        return self.get(breach_id)

    def get(self, breach_id: int) -> Breach:
        with self.engine.connect() as conn:
            row = conn.execute(select(BREACHES).where(BREACHES.c.id == breach_id)).first()
            if row is None:
                raise BreachNotFound(breach_id)
            tasks = conn.execute(
                select(TASKS).where(TASKS.c.breach_id == breach_id).order_by(TASKS.c.position)
            ).all()
        return _breach(row, tuple(_task(t) for t in tasks))

    def list(self, state: BreachState | None = None, limit: int = 200) -> builtins.list[Breach]:
        """The newest first, with their tasks."""
        query = select(BREACHES)
        if state is not None:
            query = query.where(BREACHES.c.state == state.value)
        query = query.order_by(BREACHES.c.opened_at.desc(), BREACHES.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            ids = [r.id for r in rows]
            tasks = (
                conn.execute(
                    select(TASKS).where(TASKS.c.breach_id.in_(ids)).order_by(TASKS.c.position)
                ).all()
                if ids
                else []
            )
        by_breach: dict[int, builtins.list[Task]] = {}
        for t in tasks:
            by_breach.setdefault(t.breach_id, []).append(_task(t))
        return [_breach(r, tuple(by_breach.get(r.id, []))) for r in rows]

    def save_answers(
        self, breach_id: int, answers: Mapping[str, str], drafts: Drafts, by: str
    ) -> None:
        """Replace the answers (and the drafts redrafted from them)."""
        details = {"step": "answers", "answered": answered(answers)}
        self._change(breach_id, by, details, answers=dict(answers), drafts=drafts.to_json())

    def save_drafts(self, breach_id: int, drafts: Drafts, by: str) -> None:
        details = {"step": "drafts", "edited": sorted(drafts.edited)}
        self._change(breach_id, by, details, drafts=drafts.to_json())

    def save_facts(self, breach_id: int, facts: Facts, drafts: Drafts, by: str) -> None:
        """Replace what is known (a person added or marked a child by the DPO)."""
        details = {
            "step": "facts",
            "people": len(facts.people),
            "children": len(facts.children),
        }
        self._change(breach_id, by, details, facts=facts.to_json(), drafts=drafts.to_json())

    def set_state(self, breach_id: int, state: BreachState, by: str) -> None:
        """Reported (stops the clock), closed, or reopened; `BreachStateError` for a move
        `state.NEXT` does not allow."""
        current = self.get(breach_id).state
        if state not in NEXT[current]:
            raise BreachStateError(f"a breach that is {current.value} cannot become {state.value}")
        now = self._now()
        values: dict[str, Any] = {"state": state.value}
        if state is BreachState.REPORTED:
            values["reported_at"] = now
        elif state is BreachState.CLOSED:
            values["closed_at"] = now
        else:
            values["closed_at"] = None
        details = {"step": "state", "from": current.value, "to": state.value}
        self._change(breach_id, by, details, expect=current, **values)

    def add_task(
        self, breach_id: int, title: str, owner: str, due_at: datetime | None, by: str
    ) -> None:
        with self.engine.begin() as conn:
            self._touch(conn, breach_id)
            position = conn.execute(
                select(func.coalesce(func.max(TASKS.c.position) + 1, 0)).where(
                    TASKS.c.breach_id == breach_id
                )
            ).scalar_one()
            task_id = _insert_task(conn, breach_id, int(position), TaskPlan(title, owner, due_at))
            details = {"step": "task added", "task": task_id, "owner": owner}
            append_entry(conn, by, Action.BREACH_STEP, f"breach {breach_id}", details, self._now)

    def update_task(
        self,
        breach_id: int,
        task_id: int,
        *,
        owner: str,
        due_at: datetime | None,
        done: bool,
        by: str,
    ) -> None:
        """A task's owner, due time, and whether it is done (by `by`, now)."""
        now = self._now()
        with self.engine.begin() as conn:
            self._touch(conn, breach_id)
            task = conn.execute(
                select(TASKS).where(TASKS.c.id == task_id, TASKS.c.breach_id == breach_id)
            ).first()
            if task is None:
                raise BreachNotFound(breach_id)
            values: dict[str, Any] = {"owner": owner.strip() or task.owner, "due_at": due_at}
            if done and task.done_at is None:
                values.update(done_at=now, done_by=by)
            elif not done:
                values.update(done_at=None, done_by="")
            conn.execute(update(BreachTaskRow).where(TASKS.c.id == task_id).values(**values))
            details = {
                "step": "task",
                "task": task_id,
                "owner": values["owner"],
                "due_at": timestamp(due_at) if due_at else None,
                "done": done,
            }
            append_entry(conn, by, Action.BREACH_STEP, f"breach {breach_id}", details, self._now)

    def exported(self, breach_id: int, format: str, by: str) -> None:
        """Record that `by` exported the breach (as "pdf" or "json")."""
        with self.engine.begin() as conn:
            append_entry(
                conn,
                by,
                Action.EXPORT,
                f"breach {breach_id}",
                {"format": format, "breach": breach_id},
                self._now,
            )

    def _change(
        self,
        breach_id: int,
        by: str,
        details: Mapping[str, Any],
        expect: BreachState | None = None,
        **values: Any,
    ) -> None:
        with self.engine.begin() as conn:
            query = update(BreachRow).where(BREACHES.c.id == breach_id)
            if expect is not None:
                query = query.where(BREACHES.c.state == expect.value)
            done = conn.execute(query.values(updated_at=self._now(), **values))
            if not done.rowcount:
                if expect is not None:
                    raise BreachStateError("the breach changed state meanwhile; reload it")
                raise BreachNotFound(breach_id)
            append_entry(conn, by, Action.BREACH_STEP, f"breach {breach_id}", details, self._now)

    def _touch(self, conn: Connection, breach_id: int) -> None:
        done = conn.execute(
            update(BreachRow).where(BREACHES.c.id == breach_id).values(updated_at=self._now())
        )
        if not done.rowcount:
            raise BreachNotFound(breach_id)


def _insert_task(conn: Connection, breach_id: int, position: int, plan: TaskPlan) -> int:
    result = conn.execute(
        insert(BreachTaskRow).values(
            breach_id=breach_id,
            position=position,
            title=plan.title.strip()[:MAX_TITLE],
            owner=plan.owner,
            due_at=utc(plan.due_at) if plan.due_at else None,
            done_at=None,
            done_by="",
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _breach(row: Row[Any], tasks: tuple[Task, ...]) -> Breach:
    return Breach(
        id=row.id,
        title=row.title,
        state=BreachState(row.state),
        opened_at=utc(row.opened_at),
        opened_by=row.opened_by,
        aware_at=utc(row.aware_at),
        sent_message_id=row.sent_message_id,
        facts=Facts.from_json(row.facts),
        answers={str(k): str(v) for k, v in row.answers.items()},
        drafts=Drafts.from_json(row.drafts),
        tasks=tasks,
        reported_at=utc(row.reported_at) if row.reported_at else None,
        closed_at=utc(row.closed_at) if row.closed_at else None,
        updated_at=utc(row.updated_at),
    )


def _task(row: Row[Any]) -> Task:
    return Task(
        id=row.id,
        position=row.position,
        title=row.title,
        owner=row.owner,
        due_at=utc(row.due_at) if row.due_at else None,
        done_at=utc(row.done_at) if row.done_at else None,
        done_by=row.done_by,
    )
