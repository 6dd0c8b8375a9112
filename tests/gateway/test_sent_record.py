"""What mailwarden keeps of delivered mail for a breach: a message that names people is
recorded with its findings and the recipients it reached, before it leaves; a clean one
is not; a record that cannot be written defers the message; a release keeps its copy too."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import create_engine

from mailwarden.detect.finding import FindingType
from mailwarden.gateway.filter import FilterHandler
from mailwarden.gateway.quarantine import Quarantine, RecipientState
from mailwarden.gateway.release import release, sent_recorder
from mailwarden.record.audit import AuditTrail
from mailwarden.record.sent import SentMessage, SentRecipient, SentStore
from mailwarden.scan import Scanner

from .conftest import Sink, StartRelay, wait_until

SENDER = "ann.smith@example.police.uk"
COLLEAGUE = "bob.jones@example.police.uk"
SCHOOL = "dsl@greenfield.sch.uk"
WELFARE = (
    f"From: Ann Smith <{SENDER}>\r\n"
    f"To: carol.white@example.police.uk\r\nCc: {COLLEAGUE}\r\n"
    "Subject: Welfare visit\r\nMessage-ID: <welfare-1@example.police.uk>\r\n"
    "Date: Mon, 24 Nov 2026 10:00:00 +0000\r\n\r\n"
    "Hi,\r\n\r\nWe visited Mia Evans (aged 9) at home yesterday; she is doing well.\r\n\r\nAnn\r\n"
).encode()
LUNCH = (
    f"From: Ann Smith <{SENDER}>\r\nTo: {COLLEAGUE}\r\n"
    "Subject: Lunch\r\nMessage-ID: <lunch-1@example.police.uk>\r\n"
    "Date: Mon, 24 Nov 2026 10:00:00 +0000\r\n\r\nLunch at noon?\r\n"
).encode()
TO_SCHOOL = WELFARE.replace(b"To: carol.white@example.police.uk", f"To: {SCHOOL}".encode())
"""The same visit note to a school's safeguarding lead: held for the sender to confirm."""


def deliver(handler: FilterHandler, raw: bytes, recipients: list[str]) -> str:
    envelope = SimpleNamespace(
        mail_from=SENDER, rcpt_tos=recipients, original_content=raw, content=raw
    )
    return asyncio.run(handler.handle_DATA(None, None, envelope))


def kept(engine_of: Quarantine) -> list[SentMessage]:
    return SentStore(engine_of.store.engine).search()


def named(record: SentMessage) -> set[tuple[FindingType, str]]:
    return {(f.type, f.text) for f in record.findings}


def test_through_postfix_a_message_naming_a_child_is_kept_with_its_recipients_a_clean_one_not(
    start_relay: StartRelay,
) -> None:
    relay = start_relay()
    bcc = "dci.hughes@example.police.uk"  # only in the envelope
    relay.send_all(
        [(WELFARE, ["carol.white@example.police.uk", COLLEAGUE, bcc]), (LUNCH, [COLLEAGUE])]
    )
    assert wait_until(lambda: len(relay.sink.originals()) == 2, 60), relay.diagnosis()

    with Quarantine(relay.quarantine_dir) as quarantine:
        [record] = kept(quarantine)
    assert (record.message_id, record.sender, record.subject) == (
        "<welfare-1@example.police.uk>",
        SENDER,
        "Welfare visit",
    )
    assert set(record.recipients) == {
        SentRecipient("carol.white@example.police.uk", "to"),
        SentRecipient(COLLEAGUE, "cc"),
        SentRecipient(bcc, "bcc"),
    }
    assert {(FindingType.PERSON, "Mia Evans"), (FindingType.CHILD, "aged 9")} <= named(record)
    assert len(record.digest) == 64 and record.relay


def test_only_the_recipients_it_reached_are_kept_and_a_retry_is_kept_once(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    quarantine = Quarantine(tmp_path, relay="relay1")
    handler = FilterHandler(
        scanner,
        quarantine,
        ("127.0.0.1", sink[1]),
        audit=AuditTrail(quarantine.store.engine),
        sent=SentStore(quarantine.store.engine),
        relay="relay1",
    )

    for _ in range(2):  # Postfix retries when it did not hear the first 250
        assert deliver(handler, TO_SCHOOL, [SCHOOL, COLLEAGUE]).startswith("250")

    [record] = kept(quarantine)
    assert record.recipients == (SentRecipient(COLLEAGUE, "cc"),)
    assert record.relay == "relay1"
    assert len(quarantine.held()) == 2  # the school's copy waits (once per try, as documented)


def test_a_record_that_cannot_be_written_defers_the_message_and_nothing_leaves(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    quarantine = Quarantine(tmp_path / "q")
    trail = AuditTrail(quarantine.store.engine)
    unmigrated = create_engine(f"sqlite:///{tmp_path / 'not-a-record.db'}")
    handler = FilterHandler(
        scanner, quarantine, ("127.0.0.1", sink[1]), audit=trail, sent=SentStore(unmigrated)
    )

    reply = deliver(handler, WELFARE, ["carol.white@example.police.uk"])

    assert reply.startswith("451 4.3.0")
    assert not sink[0].messages
    assert not list(trail.entries())  # not half recorded either


def test_a_clean_message_needs_no_record_so_a_broken_store_does_not_stop_it(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    unmigrated = create_engine(f"sqlite:///{tmp_path / 'not-a-record.db'}")
    handler = FilterHandler(
        scanner, Quarantine(tmp_path / "q"), ("127.0.0.1", sink[1]), sent=SentStore(unmigrated)
    )
    assert deliver(handler, LUNCH, [COLLEAGUE]).startswith("250")
    assert len(sink[0].messages) == 1


def test_a_release_keeps_the_copy_it_delivered(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    quarantine = Quarantine(tmp_path, relay="relay1")
    store = SentStore(quarantine.store.engine)
    handler = FilterHandler(scanner, quarantine, ("127.0.0.1", sink[1]), sent=store)
    deliver(handler, TO_SCHOOL, [SCHOOL, COLLEAGUE])
    [hold] = quarantine.held()

    released = release(
        quarantine,
        hold.id,
        None,
        ("127.0.0.1", sink[1]),
        "r.khan",
        record_sent=sent_recorder(scanner, store, quarantine.relay),
    )

    assert released == [SCHOOL]
    assert quarantine.get(hold.id).recipients[0].state is RecipientState.RELEASED
    by_release, by_gateway = store.search()  # newest first
    assert by_release.recipients == (SentRecipient(SCHOOL, "to"),)
    assert by_gateway.recipients == (SentRecipient(COLLEAGUE, "cc"),)
    assert by_release.digest == by_gateway.digest
    assert (FindingType.PERSON, "Mia Evans") in named(by_release)
