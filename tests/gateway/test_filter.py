"""The filter handler at unit level: each outcome's reply, with a real sink as the next hop."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from types import SimpleNamespace

from mailwarden.gateway.filter import FilterHandler
from mailwarden.gateway.quarantine import Quarantine
from mailwarden.message.model import Address, AddressField, Message, Recipient
from mailwarden.policy.decide import RecipientDecision
from mailwarden.report import ScanReport
from mailwarden.rules.base import Reason, Verdict
from mailwarden.scan import Scanner

from .conftest import Sink, free_port

SENDER = "ann.smith@example.police.uk"


def mail(to: str, body: str) -> bytes:
    return (
        f"From: Ann Smith <{SENDER}>\r\nTo: {to}\r\nSubject: Notes\r\n"
        f"Message-ID: <1@example.police.uk>\r\nDate: Mon, 24 Nov 2026 10:00:00 +0000\r\n"
        f"\r\n{body}\r\n"
    ).encode()


CLEAN = mail("bob.jones@example.police.uk", "Lunch at noon?")
MARKED = mail(
    "claims@insurer.example.com",
    "OFFICIAL-SENSITIVE\r\n\r\nStrategy meeting notes for the working group.",
)


def deliver(handler: FilterHandler, raw: bytes, recipients: list[str]) -> str:
    envelope = SimpleNamespace(
        mail_from=SENDER, rcpt_tos=recipients, original_content=raw, content=raw
    )
    return asyncio.run(handler.handle_DATA(None, None, envelope))


class FailingScanner:
    def scan_bytes(self, raw: bytes, source: str = "") -> ScanReport:
        raise RuntimeError("boom")


class RejectingScanner:
    def scan_bytes(self, raw: bytes, source: str = "") -> ScanReport:
        mailbox = Address("claims@insurer.example.com")
        reason = Reason("protective_marking", Verdict.REJECT, "SECRET payroll of Ellie Marsh")
        decision = RecipientDecision(Recipient(mailbox, AddressField.TO), Verdict.REJECT, (reason,))
        return ScanReport("", Message(), [], [decision], [])


def test_clean_message_is_reinjected_then_250(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    received, port = sink
    handler = FilterHandler(scanner, Quarantine(tmp_path), ("127.0.0.1", port))
    reply = deliver(handler, CLEAN, ["bob.jones@example.police.uk"])
    assert reply.startswith("250 2.0.0")
    [message] = received.messages
    assert message.rcpt_tos == ["bob.jones@example.police.uk"]
    assert message.content == CLEAN


def test_marked_message_to_external_is_held_not_delivered(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    received, port = sink
    quarantine = Quarantine(tmp_path)
    handler = FilterHandler(scanner, quarantine, ("127.0.0.1", port))
    reply = deliver(handler, MARKED, ["claims@insurer.example.com"])
    assert reply.startswith("250 2.0.0")
    [hold] = quarantine.held()
    assert hold.recipients == ("claims@insurer.example.com",)
    assert any("protective marking" in r for r in hold.reasons)
    assert quarantine.message(hold.id) == MARKED
    assert not received.messages


def test_colleague_is_not_delayed_by_held_external(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    received, port = sink
    quarantine = Quarantine(tmp_path)
    handler = FilterHandler(scanner, quarantine, ("127.0.0.1", port))
    raw = MARKED.replace(b"\r\nSubject:", b"\r\nCc: bob.jones@example.police.uk\r\nSubject:")
    reply = deliver(handler, raw, ["claims@insurer.example.com", "bob.jones@example.police.uk"])
    assert reply.startswith("250 2.0.0")
    [hold] = quarantine.held()
    assert hold.recipients == ("claims@insurer.example.com",)
    [message] = received.messages
    assert message.rcpt_tos == ["bob.jones@example.police.uk"]


def test_bcc_recipient_gets_the_messages_most_severe_verdict(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    received, port = sink
    quarantine = Quarantine(tmp_path)
    handler = FilterHandler(scanner, quarantine, ("127.0.0.1", port))
    deliver(handler, MARKED, ["claims@insurer.example.com", "bob.jones@example.police.uk"])
    [hold] = quarantine.held()
    assert hold.recipients == ("claims@insurer.example.com", "bob.jones@example.police.uk")
    assert not received.messages


def test_internal_exception_is_451(sink: tuple[Sink, int], tmp_path: Path) -> None:
    handler = FilterHandler(FailingScanner(), Quarantine(tmp_path), ("127.0.0.1", sink[1]))
    assert deliver(handler, CLEAN, ["bob.jones@example.police.uk"]).startswith("451 4.3.0")
    assert not sink[0].messages


def test_next_hop_down_is_451(scanner: Scanner, tmp_path: Path) -> None:
    handler = FilterHandler(scanner, Quarantine(tmp_path), ("127.0.0.1", free_port()))
    assert deliver(handler, CLEAN, ["bob.jones@example.police.uk"]).startswith("451 4.4.2")


def test_quarantine_unusable_is_451(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("")
    handler = FilterHandler(scanner, Quarantine(tmp_path / "file" / "q"), ("127.0.0.1", sink[1]))
    assert deliver(handler, MARKED, ["claims@insurer.example.com"]).startswith("451 4.3.1")
    assert not sink[0].messages


def test_all_rejected_is_550_without_quoting_content(
    sink: tuple[Sink, int], tmp_path: Path
) -> None:
    handler = FilterHandler(
        RejectingScanner(),
        Quarantine(tmp_path),
        ("127.0.0.1", sink[1]),
        descriptions={"protective_marking": "A protective marking above the recipient's"},
    )
    reply = deliver(handler, MARKED, ["claims@insurer.example.com"])
    assert reply.startswith("550 5.7.1")
    assert "protective marking" in reply
    assert "Ellie" not in reply and "SECRET" not in reply
    assert not sink[0].messages


class MixedScanner:
    def scan_bytes(self, raw: bytes, source: str = "") -> ScanReport:
        [refused] = RejectingScanner().scan_bytes(raw, source).decisions
        colleague = Recipient(Address("bob.jones@example.police.uk"), AddressField.CC)
        decisions = [refused, RecipientDecision(colleague, Verdict.DELIVER, ())]
        return ScanReport("", Message(), [], decisions, [])


class SlowScanner:
    def scan_bytes(self, raw: bytes, source: str = "") -> ScanReport:
        time.sleep(1.0)
        raise AssertionError("should have timed out first")


def test_scan_timeout_is_451(sink: tuple[Sink, int], tmp_path: Path) -> None:
    handler = FilterHandler(
        SlowScanner(), Quarantine(tmp_path), ("127.0.0.1", sink[1]), timeout=0.1
    )
    assert deliver(handler, CLEAN, ["bob.jones@example.police.uk"]).startswith("451 4.3.0")


def test_mixed_refused_and_delivered_is_250_for_the_delivered_only(
    sink: tuple[Sink, int], tmp_path: Path
) -> None:
    """The refused recipient's bounce is not sent yet (issue 5's remaining work)."""
    handler = FilterHandler(MixedScanner(), Quarantine(tmp_path), ("127.0.0.1", sink[1]))
    reply = deliver(handler, MARKED, ["claims@insurer.example.com", "bob.jones@example.police.uk"])
    assert reply.startswith("250 2.0.0")
    [message] = sink[0].messages
    assert message.rcpt_tos == ["bob.jones@example.police.uk"]
