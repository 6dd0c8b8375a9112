"""A breach's tasks: the ones every breach starts with, each with an owner (the DPO who
opened it, until reassigned) and a time it is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mailwarden.breach.clock import REPORT_WITHIN
from mailwarden.breach.facts import Facts

MAX_TITLE = 500


@dataclass(frozen=True, slots=True)
class TaskPlan:
    """A task to create."""

    title: str
    owner: str
    due_at: datetime | None


@dataclass(frozen=True, slots=True)
class Task:
    """A task as kept: `position` orders a breach's tasks from 0."""

    id: int
    position: int
    title: str
    owner: str
    due_at: datetime | None
    done_at: datetime | None = None
    done_by: str = ""

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def overdue(self, now: datetime) -> bool:
        return not self.done and self.due_at is not None and self.due_at < now


def default_tasks(
    facts: Facts, owner: str, opened_at: datetime, aware_at: datetime
) -> list[TaskPlan]:
    """What every breach needs doing, soonest first: contain it within the hour, weigh the
    risk within a day, decide on reporting and on telling people by the 72-hour deadline."""
    deadline = aware_at + REPORT_WITHIN
    plans = []
    if facts.wrong_recipients:
        plans.append(
            TaskPlan(
                "Ask the wrong recipient to delete the message and confirm they have",
                owner,
                opened_at + timedelta(hours=1),
            )
        )
    else:
        plans.append(TaskPlan("Contain the breach", owner, opened_at + timedelta(hours=1)))
    plans += [
        TaskPlan("Assess the risk to the people affected", owner, opened_at + timedelta(hours=24)),
        TaskPlan("Decide whether to report to the regulator (ICO)", owner, deadline),
        TaskPlan("Decide whether to tell the people affected", owner, deadline),
        TaskPlan(
            "Record the breach and what was learned in the breach log",
            owner,
            opened_at + timedelta(days=14),
        ),
    ]
    if facts.children:
        plans.insert(
            2,
            TaskPlan(
                "Tell the children's school or social worker if their safety is at risk",
                owner,
                opened_at + timedelta(hours=24),
            ),
        )
    return plans
