"""The dashboard's numbers, read from the audit trail: per day, what was checked, held and
decided; per rule, how many recipients it held and what reviewers made of them.

What counts, from the entries (`record/audit.py`):

    VERDICT with a "hold" key    the gateway judged a message: checked; its recipients
                                 with verdict confirm or hold were held (under the hold's
                                 ID, with their rules), reject ones refused at once
    VERDICT without              a draft checked before sending (`api/app.py`): pre-send
    RELEASE, REJECT, RETURN      a decision on the hold named as subject, per recipient
                                 (a RELEASE of a corrected copy is not a decision)
    CORRECT                      the sender named the address they meant instead of a held
                                 one: corrected; a copy it held again is a new hold

Days are UTC dates. A rule's numbers are for the recipients held in the window, whatever
day they were decided; a recipient held by two rules counts for both; the first decision
on a recipient is the one that counts. `release_rate` is released ÷ decided.

Speed: a `Tally` keeps running totals in the process and reads only the entries past the
last `seq` it has seen (the trail's numbers only grow); when the trail's first entry is no
longer the one it started from (a purge), it starts again. One tally per database and
process (`tally_for`).
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    Text,
    and_,
    case,
    cast,
    func,
    not_,
    null,
    or_,
    select,
)

from mailwarden.record.audit import Action
from mailwarden.record.schema import AuditEntryRow, HoldRecipientRow

WINDOW_DAYS = 30
MAX_DAYS = 366
"""The longest window asked for: older entries are neither read nor kept."""
PERCENT_FROM = 20
"""Decisions a rate needs before it is shown as a percentage (below: "3 of 4")."""
HINT_FROM = 5
"""Decisions a rule needs before the dashboard says what its rate suggests."""
CHUNK = 5000
READ = (Action.VERDICT, Action.RELEASE, Action.REJECT, Action.RETURN, Action.CORRECT)
HELD_VERDICTS = frozenset({"confirm", "hold"})
DECISIONS = {
    Action.RELEASE.value: "released",
    Action.REJECT.value: "rejected",
    Action.RETURN.value: "returned",
}


@dataclass(frozen=True, slots=True)
class DayCounts:
    """One day's numbers: messages checked, and recipients held and decided."""

    day: date
    checked: int = 0
    """Messages the gateway judged."""
    presend: int = 0
    """Drafts checked before sending (the pre-send API)."""
    held: int = 0
    refused: int = 0
    """Recipients the gateway refused at once (a reject verdict)."""
    released: int = 0
    rejected: int = 0
    returned: int = 0
    corrected: int = 0


@dataclass(frozen=True, slots=True)
class RuleCounts:
    """What one rule held in the window, and what became of those recipients."""

    rule: str
    held: int
    released: int = 0
    rejected: int = 0
    returned: int = 0
    corrected: int = 0

    @property
    def decided(self) -> int:
        return self.released + self.rejected + self.returned + self.corrected

    @property
    def waiting(self) -> int:
        return self.held - self.decided

    @property
    def release_rate(self) -> float | None:
        """Released ÷ decided; None before any decision."""
        return self.released / self.decided if self.decided else None

    @property
    def rate_text(self) -> str:
        """'3 of 4', or '85 % (17 of 20)' once there are enough decisions to say so."""
        if not self.decided:
            return "no decisions yet"
        words = f"{self.released} of {self.decided}"
        if self.decided < PERCENT_FROM:
            return words
        return f"{round(100 * self.released / self.decided)} % ({words})"

    @property
    def hint(self) -> str:
        """What the rate suggests, in plain words."""
        rate = self.release_rate
        if rate is None or self.decided < HINT_FROM:
            return "too few decisions to tell yet"
        said = f"reviewers released {self.released} of {self.decided} holds by this rule"
        if rate >= 0.8:
            return f"{said}: it may be too strict"
        if rate <= 0.2:
            return f"{said}: it holds mostly what should be held"
        return f"{said}: judge its holds case by case"


@dataclass(frozen=True, slots=True)
class Stats:
    """The dashboard's numbers for the days `first` to `last` (UTC)."""

    first: date
    last: date
    days: tuple[DayCounts, ...]
    rules: tuple[RuleCounts, ...]
    """Highest release rate first (rules without decisions last), then most decided."""
    waiting_now: int
    """Recipients still held in the quarantine now, however old."""

    @property
    def total(self) -> DayCounts:
        """The window's sums (its `day` is the first)."""
        sums = {
            f.name: sum(getattr(d, f.name) for d in self.days)
            for f in fields(DayCounts)
            if f.name != "day"
        }
        return DayCounts(self.first, **sums)


@dataclass(slots=True)
class _Held:
    day: date
    rules: tuple[str, ...]
    state: str = ""
    """"" while held; then "released", "rejected", "returned" or "corrected"."""


@dataclass(slots=True)
class Tally:
    """Running totals of one trail, brought up to date on each `stats` call."""

    engine: Engine
    seq: int = 0
    """The last entry read."""
    first: int | None = None
    """The trail's first entry when the totals started."""
    days: dict[date, Counter[str]] = field(default_factory=dict)
    holds: dict[tuple[str, str], _Held] = field(default_factory=dict)
    """(hold ID, lower-cased address) → the held recipient."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def stats(self, days: int = WINDOW_DAYS, today: date | None = None) -> Stats:
        """The last `days` days to `today` (default: today, UTC)."""
        days = max(1, min(days, MAX_DAYS))
        last = today or datetime.now(UTC).date()
        first = last - timedelta(days=days - 1)
        with self.lock:
            self.refresh()
            counts = tuple(
                DayCounts(first + timedelta(n), **self.days.get(first + timedelta(n), Counter()))
                for n in range(days)
            )
            rules = self._rules(first, last)
        return Stats(first, last, counts, rules, self._waiting())

    def refresh(self) -> None:
        """Read the entries past the last one seen (all of them after a purge)."""
        horizon = datetime.now(UTC) - timedelta(days=MAX_DAYS)
        with self.engine.connect() as conn:
            first = conn.execute(select(func.min(AuditEntryRow.seq))).scalar()
            if first != self.first:
                self.seq, self.first = 0, first
                self.days.clear()
                self.holds.clear()
            rows = conn.execution_options(yield_per=CHUNK).execute(
                _query(self.engine.dialect.name, self.seq, horizon)
            )
            days: dict[str, date] = {}
            for chunk in rows.partitions():
                for _seq, day, action, subject, hold, details in chunk:
                    when = days.get(day) or days.setdefault(day, date.fromisoformat(day))
                    if details is None:
                        self._day(when)["presend" if hold is None else "checked"] += 1
                    else:
                        self.count(when, action, subject, details)
                self.seq = chunk[-1].seq
        self._forget(horizon.date())

    def count(self, day: date, action: str, subject: str, details: Any) -> None:
        """Add one entry to the totals."""
        if not isinstance(details, Mapping):
            return
        tally = self._day(day)
        if action == Action.VERDICT.value:
            if "hold" not in details:
                tally["presend"] += 1
                return
            tally["checked"] += 1
            for recipient in _listed(details.get("recipients")):
                verdict = recipient.get("verdict")
                if verdict in HELD_VERDICTS:
                    tally["held"] += 1
                    self._held(details.get("hold"), recipient.get("address"), day, recipient)
                elif verdict == "reject":
                    tally["refused"] += 1
        elif action in DECISIONS:
            if "corrected_from" in details:  # a corrected copy delivered, not a decision
                return
            state = DECISIONS[action]
            addresses = details.get("recipients")
            for address in addresses if isinstance(addresses, list) else ():
                tally[state] += 1
                self._decided(subject, address, state)
        elif action == Action.CORRECT.value:
            tally["corrected"] += 1
            self._decided(subject, details.get("from"), "corrected")
            if details.get("hold") and details.get("verdict") in HELD_VERDICTS:
                tally["held"] += 1
                self._held(details.get("hold"), details.get("to"), day, details)

    def _day(self, day: date) -> Counter[str]:
        tally = self.days.get(day)
        if tally is None:
            tally = self.days[day] = Counter()
        return tally

    def _held(self, hold_id: object, address: object, day: date, facts: Mapping[str, Any]) -> None:
        if isinstance(hold_id, str) and hold_id and isinstance(address, str):
            rules = tuple(str(r) for r in facts.get("rules") or ())
            self.holds[(hold_id, address.lower())] = _Held(day, rules)

    def _decided(self, hold_id: str, address: object, state: str) -> None:
        held = self.holds.get((hold_id, address.lower())) if isinstance(address, str) else None
        if held is not None and not held.state:
            held.state = state

    def _rules(self, first: date, last: date) -> tuple[RuleCounts, ...]:
        counts: dict[str, Counter[str]] = {}
        for held in self.holds.values():
            if first <= held.day <= last:
                for rule in held.rules or ("(no rule named)",):
                    tally = counts.setdefault(rule, Counter())
                    tally["held"] += 1
                    if held.state:
                        tally[held.state] += 1
        rules = [RuleCounts(rule, **tally) for rule, tally in counts.items()]
        rules.sort(key=lambda r: (r.release_rate is None, -(r.release_rate or 0), -r.decided))
        return tuple(rules)

    def _forget(self, horizon: date) -> None:
        """Drop what is older than the longest window."""
        if self.days and min(self.days) < horizon:
            for day in [d for d in self.days if d < horizon]:
                del self.days[day]
            self.holds = {k: h for k, h in self.holds.items() if h.day >= horizon}

    def _waiting(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).where(HoldRecipientRow.state == "held")
                ).scalar_one()
            )


_tallies: weakref.WeakKeyDictionary[Engine, Tally] = weakref.WeakKeyDictionary()
_tallies_lock = threading.Lock()


def tally_for(engine: Engine) -> Tally:
    """This process's running totals of the trail in this database."""
    with _tallies_lock:
        tally = _tallies.get(engine)
        if tally is None:
            tally = _tallies[engine] = Tally(engine)
        return tally


def dashboard_stats(engine: Engine, days: int = WINDOW_DAYS, today: date | None = None) -> Stats:
    """The dashboard's numbers for the last `days` days (`Tally.stats`)."""
    return tally_for(engine).stats(days, today)


def _query(dialect: str, after: int, horizon: datetime) -> Select[Any]:
    """The entries after `after` that count, oldest first: (seq, UTC date as text, action,
    subject, hold, details). Most are pre-send checks and gateway verdicts that delivered
    to everyone: their details (JSON to decode, the most of the cost) are left out (None)
    and their `hold` (None for a pre-send check) tells them apart."""
    entry = AuditEntryRow
    hold = entry.details["hold"].as_string()
    delivered = and_(  # no hold, and (a cheap test on the text) no "reject" verdict
        hold == "", not_(cast(entry.details, Text).contains('"reject"', autoescape=True))
    )
    plain = and_(entry.action == Action.VERDICT.value, or_(hold.is_(None), delivered))
    if dialect == "sqlite":  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff', in UTC
        day: ColumnElement[str] = func.substr(entry.at, 1, 10)
    else:
        day = func.to_char(func.timezone("UTC", entry.at), "YYYY-MM-DD")
    return (
        select(
            entry.seq,
            day,
            entry.action,
            entry.subject,
            hold,
            case((plain, null()), else_=entry.details),
        )
        .where(
            entry.seq > after,
            entry.action.in_([a.value for a in READ]),
            entry.at >= horizon,
        )
        .order_by(entry.seq)
    )


def _listed(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _day(at: datetime) -> date:
    """SQLite gives back a naive datetime: it was stored as UTC."""
    return (at if at.tzinfo is None else at.astimezone(UTC)).date()
