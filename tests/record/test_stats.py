"""The dashboard's numbers from a week of a real trail: the gateway's verdicts, pre-send
checks and reviewers' decisions, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from mailwarden.record import open_record_database
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.stats import RuleCounts, Tally

TODAY = datetime.now(UTC).date()
SENDER = "ann.smith@example.police.uk"


@dataclass
class Week:
    """Appends entries as the gateway, the API and reviewers write them, on chosen days."""

    engine: Engine
    moment: datetime = field(default_factory=lambda: datetime.now(UTC))
    holds: int = 0

    def __post_init__(self) -> None:
        self.trail = AuditTrail(self.engine, clock=lambda: self.moment)

    def on(self, days_ago: int) -> Week:
        self.moment = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), UTC)
        self.moment += timedelta(hours=9)
        return self

    def add(self, actor: str, action: Action, subject: str, details: dict[str, Any]) -> None:
        self.moment += timedelta(seconds=1)
        self.trail.append(actor, action, subject, details)

    def clean(self, count: int) -> None:
        for n in range(count):
            recipients = [{"address": "bob.jones@example.police.uk", "verdict": "deliver"}]
            details = {"sender": SENDER, "recipients": recipients, "hold": ""}
            self.add("gateway@relay1", Action.VERDICT, f"<clean-{n}@x>", details)

    def held(self, *rules: str, verdict: str = "hold", also_delivered: bool = False) -> str:
        self.holds += 1
        hold_id = f"hold-{self.holds}"
        recipients: list[dict[str, Any]] = [
            {"address": "J.Smith@example.net", "verdict": verdict, "rules": list(rules)}
        ]
        if also_delivered:
            recipients.append({"address": "bob.jones@example.police.uk", "verdict": "deliver"})
        details = {"sender": SENDER, "recipients": recipients, "hold": hold_id}
        self.add("gateway@relay1", Action.VERDICT, f"<{hold_id}@x>", details)
        return hold_id

    def decide(self, action: Action, hold_id: str, by: str = "r.khan") -> None:
        self.add(by, action, hold_id, {"recipients": ["j.smith@example.net"]})

    def presend(self, count: int) -> None:
        for n in range(count):
            recipients = [{"address": "dsl@greenfield.sch.uk", "verdict": "confirm"}]
            details = {"sender": SENDER, "token": "tok1", "recipients": recipients}
            self.add("api", Action.VERDICT, f"check-{n}", details)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_record_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def week(engine: Engine) -> Week:
    """Six days ago to today: a rule reviewers nearly always overrule, one they uphold, one
    that is rarely decided; clean mail, pre-send checks and one refusal."""
    week = Week(engine)
    for days_ago in range(6, -1, -1):
        week.on(days_ago).clean(20)
        week.presend(3)
    for n in range(10):  # first_time_external: 9 of 10 released
        hold_id = week.on(6 - n % 5).held("first_time_external", verdict="confirm")
        week.on(max(0, 5 - n % 5)).decide(Action.RELEASE if n else Action.REJECT, hold_id)
    for n in range(6):  # wrong_thread: 4 rejected, 1 corrected, 1 waiting
        hold_id = week.on(2).held("wrong_thread", also_delivered=True)
        if n < 4:
            week.on(1).decide(Action.REJECT, hold_id)
        elif n == 4:
            details = {"from": "j.smith@example.net", "to": "j.smyth@example.net"}
            week.on(1).add(SENDER, Action.CORRECT, hold_id, {**details, "verdict": "deliver"})
            released = {"recipients": ["j.smyth@example.net"], "corrected_from": "j.smith@x"}
            week.add(SENDER, Action.RELEASE, hold_id, released)
    for n in range(2):  # two rules on one recipient: 1 returned, 1 waiting
        hold_id = week.on(0).held("protective_marking", "sensitive_to_external")
        if n == 0:
            week.decide(Action.RETURN, hold_id)
    refused = [{"address": "x@rival.example", "verdict": "reject", "rules": ["exposed"]}]
    week.on(0).add(
        "gateway@relay1",
        Action.VERDICT,
        "<refused@x>",
        {"sender": SENDER, "recipients": refused, "hold": ""},
    )
    return week


def rule(rules: tuple[RuleCounts, ...], name: str) -> RuleCounts:
    [found] = [r for r in rules if r.rule == name]
    return found


def test_a_week_per_rule_sorted_by_how_often_reviewers_released_what_it_held(
    engine: Engine, week: Week
) -> None:
    stats = Tally(engine).stats(7)

    assert [r.rule for r in stats.rules] == [
        "first_time_external",  # 9 of 10 released
        "wrong_thread",  # 0 of 5: as low as the next, on more decisions
        "protective_marking",  # 0 of 1
        "sensitive_to_external",
    ]
    lenient = rule(stats.rules, "first_time_external")
    assert (lenient.held, lenient.released, lenient.rejected, lenient.waiting) == (10, 9, 1, 0)
    assert lenient.rate_text == "9 of 10"  # not "90 %": ten decisions are too few for that
    assert lenient.hint == "reviewers released 9 of 10 holds by this rule: it may be too strict"
    strict = rule(stats.rules, "wrong_thread")
    assert (strict.held, strict.rejected, strict.corrected, strict.waiting) == (6, 4, 1, 1)
    assert strict.release_rate == 0
    assert strict.hint.endswith("it holds mostly what should be held")
    marking = rule(stats.rules, "protective_marking")
    assert (marking.held, marking.returned, marking.waiting, marking.rate_text) == (
        2,
        1,
        1,
        "0 of 1",
    )
    assert marking.hint == "too few decisions to tell yet"


def test_a_week_per_day_checked_at_the_gateway_and_before_sending_held_and_decided(
    engine: Engine, week: Week
) -> None:
    stats = Tally(engine).stats(7)

    assert [d.day for d in stats.days] == [TODAY - timedelta(days=n) for n in range(6, -1, -1)]
    six_days_ago, two_days_ago, today = stats.days[0], stats.days[4], stats.days[6]
    assert (six_days_ago.checked, six_days_ago.presend, six_days_ago.held) == (22, 3, 2)
    assert (two_days_ago.checked, two_days_ago.held) == (
        20 + 6 + 2,
        6 + 2,
    )  # wrong_thread; first_time_external
    assert (today.held, today.refused, today.returned) == (2, 1, 1)
    assert stats.days[5].rejected == 4 and stats.days[5].corrected == 1
    total = stats.total
    assert (total.checked, total.presend, total.held, total.refused) == (140 + 18 + 1, 21, 18, 1)
    assert (total.released, total.rejected, total.returned) == (9, 5, 1)  # not the corrected copy


def test_a_shorter_window_counts_only_the_holds_made_in_it(engine: Engine, week: Week) -> None:
    stats = Tally(engine).stats(3)
    assert stats.first == TODAY - timedelta(days=2)
    assert rule(stats.rules, "wrong_thread").held == 6
    assert rule(stats.rules, "first_time_external").held == 2  # those held two days ago


def test_the_running_totals_take_in_new_entries_and_start_again_after_a_purge(
    engine: Engine, week: Week
) -> None:
    tally = Tally(engine)
    assert tally.stats(7).total.checked == 159
    hold_id = week.on(0).held("wrong_thread")
    week.decide(Action.RELEASE, hold_id)
    later = tally.stats(7)
    assert later.total.checked == 160
    assert rule(later.rules, "wrong_thread").released == 1

    AuditTrail(engine).purge(
        datetime.combine(TODAY - timedelta(days=3), datetime.min.time(), UTC), "dpo"
    )
    purged = tally.stats(7)
    assert [d.checked for d in purged.days[:3]] == [0, 0, 0]
    assert purged.total.checked == Tally(engine).stats(7).total.checked


def test_an_empty_trail_is_all_zeros_and_no_rules(engine: Engine) -> None:
    stats = Tally(engine).stats()
    assert len(stats.days) == 30 and stats.rules == () and stats.waiting_now == 0
    assert stats.total.checked == 0 and stats.last == TODAY


@pytest.mark.parametrize(
    ("released", "decided", "text"),
    [(0, 0, "no decisions yet"), (3, 4, "3 of 4"), (17, 20, "85 % (17 of 20)")],
)
def test_a_rate_is_a_percentage_only_with_enough_decisions(
    released: int, decided: int, text: str
) -> None:
    counts = RuleCounts("r", decided + 1, released=released, rejected=decided - released)
    assert counts.rate_text == text


def test_day_boundaries_are_utc_dates(engine: Engine) -> None:
    late = datetime.combine(TODAY - timedelta(days=1), datetime.max.time(), UTC)
    trail = AuditTrail(engine, clock=lambda: late)
    trail.append("api", Action.VERDICT, "check-1", {"token": "t", "recipients": []})
    stats = Tally(engine).stats(2)
    assert [d.presend for d in stats.days] == [1, 0]
    assert stats.days[0].day == date.fromordinal(TODAY.toordinal() - 1)
