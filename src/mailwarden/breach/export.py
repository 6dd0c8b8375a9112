"""A breach as one JSON object: everything the page shows, for the DPO's records or another
system. Moments are ISO 8601 in UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mailwarden.breach.clock import utc
from mailwarden.breach.questions import QUESTIONS, risk_hint
from mailwarden.record.breaches import Breach

FORMAT = "mailwarden-breach/1"


def breach_json(breach: Breach, now: datetime) -> dict[str, Any]:
    """The breach at `now` (for its clock)."""
    reading = breach.clock.at(now)
    return {
        "format": FORMAT,
        "id": breach.id,
        "title": breach.title,
        "state": breach.state.value,
        "opened_at": _moment(breach.opened_at),
        "opened_by": breach.opened_by,
        "aware_at": _moment(breach.aware_at),
        "reported_at": _moment(breach.reported_at),
        "closed_at": _moment(breach.closed_at),
        "clock": {
            "deadline": _moment(reading.deadline),
            "seconds_left": int(reading.remaining.total_seconds()),
            "overdue": reading.overdue,
            "stopped": reading.stopped,
            "words": reading.words,
            "at": _moment(now),
        },
        "sent_message_id": breach.sent_message_id,
        "facts": breach.facts.to_json(),
        "risk_hint": risk_hint(breach.facts),
        "answers": [
            {"key": q.key, "question": q.text, "answer": breach.answers.get(q.key, "")}
            for q in QUESTIONS
        ],
        "tasks": [
            {
                "title": t.title,
                "owner": t.owner,
                "due_at": _moment(t.due_at),
                "done_at": _moment(t.done_at),
                "done_by": t.done_by,
            }
            for t in breach.tasks
        ],
        "drafts": breach.drafts.to_json(),
    }


def _moment(moment: datetime | None) -> str | None:
    return None if moment is None else utc(moment).isoformat()
