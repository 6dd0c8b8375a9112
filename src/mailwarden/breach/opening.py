"""What a new breach starts with: the answers its facts give, its default tasks, and its
drafts; and what changes when the DPO adds a person by hand."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from mailwarden.breach.drafts import Drafts, drafted
from mailwarden.breach.facts import Facts, Person, name_tokens
from mailwarden.breach.questions import prefilled
from mailwarden.breach.tasks import TaskPlan, default_tasks


@dataclass(frozen=True, slots=True)
class Opening:
    answers: dict[str, str]
    drafts: Drafts
    tasks: list[TaskPlan]


def opening(
    facts: Facts, by: str, opened_at: datetime, aware_at: datetime, organisation: str
) -> Opening:
    """A breach's answers, drafts and tasks on the day it is opened by `by`."""
    answers = prefilled(facts, aware_at)
    return Opening(
        answers,
        drafted(facts, answers, aware_at, organisation),
        default_tasks(facts, by, opened_at, aware_at),
    )


def with_person(facts: Facts, name: str, child: bool) -> Facts:
    """The facts with someone the DPO knows was affected; a name already there is marked a
    child (or not) instead of added twice."""
    name = " ".join(name.split())
    why = "child: marked by the DPO" if child else "added by the DPO"
    tokens = name_tokens(name)
    people = list(facts.people)
    for index, person in enumerate(people):
        if name_tokens(person.name) == tokens:
            people[index] = replace(person, child=child, why=why)
            return replace(facts, people=tuple(people))
    return replace(facts, people=(*people, Person(name, (name,), child, why)))
