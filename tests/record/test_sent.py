"""`SentStore.keep`: which delivered messages are kept for a breach, and how (on SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mailwarden.detect.finding import Finding, FindingType
from mailwarden.gateway.release import sent_recorder
from mailwarden.record import open_record_database
from mailwarden.record.sent import SentRecipient, SentStore
from mailwarden.scan import Scanner

SENDER = "ann.smith@example.police.uk"


def mail(body: str, to: str = "carol.white@example.police.uk") -> bytes:
    return (
        f"From: Ann Smith <{SENDER}>\r\nTo: {to}\r\nCc: bob.jones@example.police.uk\r\n"
        "Subject: Welfare visit\r\nMessage-ID: <welfare-1@example.police.uk>\r\n\r\n"
        f"{body}\r\n"
    ).encode()


VISIT = mail("We visited Mia Evans (aged 9) at home yesterday; she is doing well.")


@pytest.fixture
def sent(database_url: str) -> Iterator[SentStore]:
    engine = open_record_database(database_url)
    yield SentStore(engine)
    engine.dispose()


def test_a_delivered_message_naming_a_child_is_kept_with_the_header_that_named_each_recipient(
    sent: SentStore, scanner: Scanner
) -> None:
    report = scanner.scan_bytes(VISIT)
    delivered = ["carol.white@example.police.uk", "bob.jones@example.police.uk", "dci@x.org"]

    sent_id = sent.keep(report, VISIT, SENDER, delivered, "relay1")

    assert sent_id is not None
    record = sent.get(sent_id)
    assert record.recipients == (
        SentRecipient("carol.white@example.police.uk", "to"),
        SentRecipient("bob.jones@example.police.uk", "cc"),
        SentRecipient("dci@x.org", "bcc"),
    )
    assert {(f.type, f.text) for f in record.findings} >= {
        (FindingType.PERSON, "Mia Evans"),
        (FindingType.CHILD, "aged 9"),
    }
    assert (record.subject, record.message_id, record.relay) == (
        "Welfare visit",
        "<welfare-1@example.police.uk>",
        "relay1",
    )


def test_the_same_bytes_to_the_same_recipients_are_kept_once_to_others_again(
    sent: SentStore, scanner: Scanner
) -> None:
    report = scanner.scan_bytes(VISIT)
    first = sent.keep(report, VISIT, SENDER, ["carol.white@example.police.uk"])
    assert sent.keep(report, VISIT, SENDER, ["Carol.White@example.police.uk"]) == first
    released = sent.keep(report, VISIT, SENDER, ["bob.jones@example.police.uk"])
    assert released not in (None, first)
    assert len(sent.search()) == 2


@pytest.mark.parametrize(
    ("raw", "delivered"),
    [
        (mail("Lunch at noon?"), ["carol.white@example.police.uk"]),
        (mail("Write to mia.evans@example.net about lunch."), ["carol.white@example.police.uk"]),
        (VISIT, []),
    ],
    ids=["clean", "only-an-address", "delivered-to-no-one"],
)
def test_nothing_is_kept_without_personal_data_or_without_a_delivery(
    sent: SentStore, scanner: Scanner, raw: bytes, delivered: list[str]
) -> None:
    assert sent.keep(scanner.scan_bytes(raw), raw, SENDER, delivered) is None
    assert sent.search() == []


def test_a_release_keeps_the_findings_its_hold_kept_without_scanning_again(
    sent: SentStore, scanner: Scanner
) -> None:
    """The hold's findings (here one the scanner itself would never make) are what the
    released copy's record keeps; the message is only read again, for its headers."""
    kept = Finding(
        FindingType.KNOWN_RECORD, "CX-99017", "body", 1.0, "a case record", "known_record"
    )
    record_sent = sent_recorder(scanner, sent, "relay1", found=[kept])

    record_sent(VISIT, SENDER, ["carol.white@example.police.uk"])

    [record] = sent.search("welfare")
    assert [(f.type, f.text) for f in record.findings] == [(FindingType.KNOWN_RECORD, "CX-99017")]
    assert record.recipients == (SentRecipient("carol.white@example.police.uk", "to"),)


def test_a_release_of_a_hold_that_kept_no_findings_scans_the_message(
    sent: SentStore, scanner: Scanner
) -> None:
    sent_recorder(scanner, sent, "relay1")(VISIT, SENDER, ["carol.white@example.police.uk"])
    [record] = sent.search("welfare")
    assert (FindingType.PERSON, "Mia Evans") in {(f.type, f.text) for f in record.findings}
