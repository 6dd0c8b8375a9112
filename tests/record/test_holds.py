"""HoldStore, on SQLite and PostgreSQL: a hold is written once, each recipient is decided
once, and a queue pages through the holds oldest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mailwarden.record import HeldRecipient, HoldNotFound, HoldStore, RecipientState
from mailwarden.rules.base import Verdict

from .conftest import RIGHT, WRONG, make_hold

NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_a_hold_reads_back_as_it_was_written(store: HoldStore) -> None:
    hold = make_hold("20261124T120000-aa", NOON)
    store.add(hold)
    assert store.get(hold.id) == hold
    assert store.get(hold.id).held_at.tzinfo is not None
    assert [r.address for r in store.get(hold.id).still_held()] == [WRONG.address, RIGHT.address]


def test_a_reviewer_releases_one_recipient_and_the_other_stays_held(store: HoldStore) -> None:
    store.add(make_hold("h1", NOON))
    before = datetime.now(UTC)
    after = store.mark("h1", [RIGHT.address], RecipientState.RELEASED, "r.khan", "DSL confirmed")
    (released,) = (r for r in after.recipients if r.address == RIGHT.address)
    assert (released.state, released.decided_by, released.note) == (
        RecipientState.RELEASED,
        "r.khan",
        "DSL confirmed",
    )
    assert released.decided_at is not None
    assert before - timedelta(seconds=1) <= released.decided_at <= datetime.now(UTC)
    assert after.still_held() == [WRONG]
    assert store.get("h1") == after
    assert [h.id for h in store.list(RecipientState.HELD)] == ["h1"]
    assert [h.id for h in store.list(RecipientState.RELEASED)] == ["h1"]


def test_a_decided_recipient_keeps_its_first_decision(store: HoldStore) -> None:
    store.add(make_hold("h1", NOON))
    first = store.mark("h1", [WRONG.address], RecipientState.REJECTED, "r.khan", "wrong person")
    again = store.mark("h1", [WRONG.address], RecipientState.RELEASED, "someone.else")
    assert again == first
    assert [r.state for r in again.recipients] == [RecipientState.REJECTED, RecipientState.HELD]


def test_recipients_are_matched_in_any_case_and_keep_their_spelling(store: HoldStore) -> None:
    store.add(make_hold("h1", NOON, [HeldRecipient("DSL@Greenfield.sch.uk", Verdict.HOLD, ())]))
    after = store.mark("h1", ["dsl@greenfield.SCH.UK"], RecipientState.RETURNED, "ann.smith")
    assert [(r.address, r.state) for r in after.recipients] == [
        ("DSL@Greenfield.sch.uk", RecipientState.RETURNED)
    ]


def test_a_hold_leaves_the_queue_when_no_recipient_is_held(store: HoldStore) -> None:
    store.add(make_hold("h1", NOON))
    store.mark("h1", [WRONG.address], RecipientState.REJECTED, "r.khan")
    store.mark("h1", [RIGHT.address], RecipientState.RELEASED, "r.khan")
    assert store.list() == []
    assert [h.id for h in store.list(None)] == ["h1"]
    assert [h.id for h in store.list(RecipientState.REJECTED)] == ["h1"]


def test_the_queue_pages_oldest_first(store: HoldStore) -> None:
    minutes = [30, 5, 50, 0, 20]
    for n, minute in enumerate(minutes):
        store.add(make_hold(f"h{n}", NOON + timedelta(minutes=minute)))
    store.mark("h3", [WRONG.address, RIGHT.address], RecipientState.RELEASED, "r.khan")
    assert [h.id for h in store.list(limit=2)] == ["h1", "h4"]
    assert [h.id for h in store.list(limit=2, offset=2)] == ["h0", "h2"]
    assert [h.id for h in store.list(offset=4)] == []
    assert [h.id for h in store.list(None)] == ["h3", "h1", "h4", "h0", "h2"]


def test_a_long_queue_reads_in_one_call(store: HoldStore) -> None:
    """More holds than one IN (...) list carries."""
    for n in range(1200):
        store.add(make_hold(f"h{n:04}", NOON + timedelta(seconds=n), [RIGHT]))
    holds = store.list()
    assert [h.id for h in holds] == [f"h{n:04}" for n in range(1200)]
    assert all(h.recipients == (RIGHT,) for h in holds)


def test_an_unknown_id_is_hold_not_found(store: HoldStore) -> None:
    with pytest.raises(HoldNotFound, match="nope"):
        store.get("nope")
    with pytest.raises(HoldNotFound, match="nope"):
        store.mark("nope", [RIGHT.address], RecipientState.RELEASED, "r.khan")


def test_reasons_keep_their_words(store: HoldStore) -> None:
    reasons = ("names 2 children — one under 13", "marked OFFICIAL‑SENSITIVE")
    store.add(make_hold("h1", NOON, [HeldRecipient(RIGHT.address, Verdict.HOLD, reasons)]))
    assert store.get("h1").recipients[0].reasons == reasons


@pytest.mark.parametrize(
    "recipients",
    [
        (),
        (RIGHT, HeldRecipient(RIGHT.address.upper(), Verdict.HOLD, ())),
        (HeldRecipient(RIGHT.address, Verdict.DELIVER, ()),),
    ],
    ids=["no recipient", "a recipient twice", "a delivered recipient"],
)
def test_what_is_not_a_hold_is_refused_and_not_written(
    store: HoldStore, recipients: tuple[HeldRecipient, ...]
) -> None:
    with pytest.raises(ValueError):
        store.add(make_hold("h1", NOON, recipients))
    assert store.list(None) == []


def test_a_decision_cannot_be_undone_to_held(store: HoldStore) -> None:
    store.add(make_hold("h1", NOON))
    with pytest.raises(ValueError):
        store.mark("h1", [RIGHT.address], RecipientState.HELD, "r.khan")
