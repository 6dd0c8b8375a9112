"""A hold keeps what the gateway found in the message, so that the review page marks
exactly what the verdict rested on without scanning the message again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mailwarden.detect.finding import Finding, FindingType
from mailwarden.record import HoldStore, RecipientState
from mailwarden.record.holds import FINDINGS_KEPT

from .conftest import WRONG, make_hold

ELLIE = Finding(
    FindingType.PERSON,
    "Ellie Marsh",
    "attachment:report.docx",
    0.85,
    "a known first name and surname",
    "person",
    position="paragraph 2",
    start=14,
    end=25,
)
AGED = Finding(
    FindingType.CHILD, "aged 12", "body", 0.9, "an age under 18", "child", "", 3, 10, "age"
)


def test_the_findings_a_hold_was_made_for_come_back_as_they_were(store: HoldStore) -> None:
    store.add(make_hold("h1"), [ELLIE, AGED])
    assert store.findings("h1") == [ELLIE, AGED]


def test_a_hold_added_without_findings_has_none_kept(store: HoldStore) -> None:
    store.add(make_hold("h1"))
    assert store.findings("h1") is None
    assert store.findings("no-such-hold") is None


def test_a_clean_scan_keeps_an_empty_list_not_nothing(store: HoldStore) -> None:
    store.add(make_hold("h1"), [])
    assert store.findings("h1") == []


def test_a_spreadsheet_of_thousands_keeps_the_first_ones(store: HoldStore) -> None:
    many = [ELLIE] * (FINDINGS_KEPT + 10)
    store.add(make_hold("h1"), many)
    kept = store.findings("h1")
    assert kept is not None and len(kept) == FINDINGS_KEPT


def test_purging_a_hold_deletes_its_findings(store: HoldStore) -> None:
    old = datetime.now(UTC) - timedelta(days=40)
    store.add(make_hold("h1", held_at=old, recipients=[WRONG]), [ELLIE])
    store.mark("h1", [WRONG.address], RecipientState.REJECTED, "reviewer")
    store.purge(datetime.now(UTC))
    assert store.findings("h1") is None
