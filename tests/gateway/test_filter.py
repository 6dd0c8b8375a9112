"""The filter handler at unit level: each outcome's reply, with a real sink as the next hop."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import create_engine, text

from mailwarden.config import Config
from mailwarden.confirmation import CONFIRMATION_HEADER, content_digest, sign_confirmation
from mailwarden.gateway.filter import FilterHandler
from mailwarden.gateway.links import LinkSigner
from mailwarden.gateway.notifier import Notifier
from mailwarden.gateway.quarantine import Quarantine
from mailwarden.knowledge.features import Keyer, normalise
from mailwarden.knowledge.model import FeatureKind
from mailwarden.knowledge.store import KnowledgeStore
from mailwarden.message.model import Address, AddressField, Message, Recipient
from mailwarden.policy.decide import RecipientDecision
from mailwarden.policy.schema import Notices, parse_policy
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.report import ScanReport
from mailwarden.rules.base import Reason, Verdict
from mailwarden.scan import Scanner

from .conftest import Sink, free_port

SENDER = "ann.smith@example.police.uk"
KEYER = Keyer(b"an installation key for the tests")
SIGNER = LinkSigner(b"an installation key for the tests")
LINK_BASE = "https://mailwarden.example.police.uk/held"


def notifier(port: int) -> Notifier:
    return Notifier(
        SIGNER, Notices(), "postmaster@example.police.uk", LINK_BASE, ("127.0.0.1", port)
    )


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
    [held] = hold.recipients
    assert (held.address, held.verdict) == ("claims@insurer.example.com", Verdict.HOLD)
    assert any("OFFICIAL-SENSITIVE" in r for r in held.reasons)
    assert (hold.subject, hold.message_id) == ("Notes", "<1@example.police.uk>")
    assert quarantine.message(hold.id) == MARKED
    assert not received.messages
    kept = quarantine.findings(hold.id)
    assert kept is not None
    assert [(f.type.value, f.text) for f in kept] == [("PROTECTIVE_MARKING", "OFFICIAL-SENSITIVE")]


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
    assert [r.address for r in hold.recipients] == ["claims@insurer.example.com"]
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
    assert [r.address for r in hold.recipients] == [
        "claims@insurer.example.com",
        "bob.jones@example.police.uk",
    ]
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
    quarantine = Quarantine(tmp_path / "q", f"sqlite:///{tmp_path / 'holds.db'}")
    (tmp_path / "q").write_text("the folder's place is taken")
    handler = FilterHandler(scanner, quarantine, ("127.0.0.1", sink[1]))
    assert deliver(handler, MARKED, ["claims@insurer.example.com"]).startswith("451 4.3.1")
    assert not sink[0].messages
    assert not quarantine.held()


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


def test_mixed_refused_and_delivered_is_250_and_the_sender_gets_a_bounce_without_content(
    sink: tuple[Sink, int], tmp_path: Path
) -> None:
    handler = FilterHandler(
        MixedScanner(),
        Quarantine(tmp_path),
        ("127.0.0.1", sink[1]),
        descriptions={"protective_marking": "A protective marking above the recipient's"},
        notifier=notifier(sink[1]),
    )
    reply = deliver(handler, MARKED, ["claims@insurer.example.com", "bob.jones@example.police.uk"])
    assert reply.startswith("250 2.0.0")
    original, bounce = sink[0].wait_for(2)
    assert original.rcpt_tos == ["bob.jones@example.police.uk"]
    assert (bounce.mail_from, bounce.rcpt_tos) == ("<>", [SENDER])
    report = email.message_from_bytes(bounce.content)
    assert report.get_content_type() == "multipart/report"
    text = bounce.content.decode()
    assert "claims@insurer.example.com" in text and "protective marking" in text
    assert "Ellie" not in text and "payroll" not in text


def test_the_sender_of_a_held_message_gets_a_notice_with_a_signed_link(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    quarantine = Quarantine(tmp_path)
    handler = FilterHandler(scanner, quarantine, ("127.0.0.1", sink[1]), notifier=notifier(sink[1]))
    deliver(handler, MARKED, ["claims@insurer.example.com"])
    [hold] = quarantine.held()
    [notice] = sink[0].wait_for(1)
    assert notice.rcpt_tos == [SENDER]
    body = email.message_from_bytes(notice.content, policy=email.policy.default)
    text = body.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "claims@insurer.example.com" in text
    token = text.split(LINK_BASE + "/")[1].split()[0]
    claim = SIGNER.verify(token, timedelta(days=7))
    assert (claim.hold_id, claim.sender) == (hold.id, SENDER)


def test_a_notice_that_cannot_be_sent_does_not_undo_the_hold(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    quarantine = Quarantine(tmp_path)
    handler = FilterHandler(
        scanner, quarantine, ("127.0.0.1", sink[1]), notifier=notifier(free_port())
    )
    assert deliver(handler, MARKED, ["claims@insurer.example.com"]).startswith("250 2.0.0")
    assert len(quarantine.held()) == 1


# ---- learning as mail passes ------------------------------------------------------------------


SCHOOL = "safeguarding@greenfield.sch.uk"
CASE_MAIL = mail(
    f"{SCHOOL}, claims@insurer.example.com",
    "OFFICIAL-SENSITIVE\r\n\r\nEllie Marsh, case AB/25/0093: the school's report is attached.",
)


def test_what_is_delivered_is_learned_and_what_is_held_is_not(
    police_config: Config, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    policy = parse_policy('[partners."greenfield.sch.uk"]\ncleared = "OFFICIAL-SENSITIVE"\n')
    store = KnowledgeStore.open(f"sqlite:///{tmp_path / 'k.db'}", KEYER, ["example.police.uk"])
    scanner = Scanner(police_config, knowledge=store, policy=policy)
    quarantine = Quarantine(tmp_path / "q")
    handler = FilterHandler(scanner, quarantine, ("127.0.0.1", sink[1]), store=store)

    reply = deliver(handler, CASE_MAIL, [SCHOOL, "claims@insurer.example.com"])

    assert reply.startswith("250 2.0.0")
    [held] = quarantine.held()[0].recipients
    assert held.address == "claims@insurer.example.com"
    report = scanner.scan_bytes(CASE_MAIL)
    known = store.knowledge_for(report.message, report.features)
    ellie = KEYER.key(FeatureKind.PERSON, normalise(FeatureKind.PERSON, "Ellie Marsh"))
    history = known.history(ellie)
    assert history is not None
    assert history.correspondents == {SENDER, SCHOOL}
    assert deliver(handler, CASE_MAIL, [SCHOOL]).startswith("250")
    assert store.stats().messages == 1
    store.close()


def test_a_knowledge_store_that_fails_defers_the_message(
    police_config: Config, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    store = KnowledgeStore.open(f"sqlite:///{tmp_path / 'k.db'}", KEYER, ["example.police.uk"])
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE correspondents"))
    scanner = Scanner(police_config, knowledge=store)
    quarantine = Quarantine(tmp_path / "q")
    handler = FilterHandler(scanner, quarantine, ("127.0.0.1", sink[1]), store=store)

    reply = deliver(handler, CLEAN, ["bob.jones@example.police.uk"])

    assert reply.startswith("451 4.3.0") and "knowledge store" in reply
    assert not sink[0].messages and not quarantine.held()
    store.close()


# ---- the time limit ---------------------------------------------------------------------------


class SlowThenDeliveringScanner:
    """A scan that outlives the time limit, then finds nothing wrong."""

    def __init__(self, scanner: Scanner) -> None:
        self.scanner = scanner

    def scan_bytes(self, raw: bytes, source: str = "") -> ScanReport:
        time.sleep(0.5)
        return self.scanner.scan_bytes(raw, source)


def test_after_a_timeout_the_abandoned_worker_neither_delivers_nor_holds(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    quarantine = Quarantine(tmp_path)
    handler = FilterHandler(
        SlowThenDeliveringScanner(scanner), quarantine, ("127.0.0.1", sink[1]), timeout=0.1
    )
    raw = MARKED.replace(b"\r\nSubject:", b"\r\nCc: bob.jones@example.police.uk\r\nSubject:")

    reply = deliver(handler, raw, ["claims@insurer.example.com", "bob.jones@example.police.uk"])
    time.sleep(1.0)  # the worker thread finishes its scan meanwhile

    assert reply.startswith("451 4.3.0")
    assert not sink[0].messages
    assert not quarantine.held()


# ---- confirmed before sending (the pre-send API's header) -------------------------------------

KEY = b"an installation key for the tests"
PATIENT = mail(
    "r.patel@gmail.com",
    "Dear Mr Patel,\r\n\r\nYour daughter Ellie Marsh (NHS 485 777 3457) is on the list.",
)


def confirmed(raw: bytes, scanner: Scanner, recipients: list[str], key: bytes = KEY) -> bytes:
    """The message with the header the pre-send API gives once the sender confirmed it."""
    report = scanner.scan_bytes(raw)
    digest = content_digest(report)
    value = sign_confirmation(
        key, SENDER, recipients, digest, datetime.now(UTC) + timedelta(minutes=15)
    )
    return f"{CONFIRMATION_HEADER}: {value}\r\n".encode() + raw


def test_a_confirm_verdict_the_sender_confirmed_before_sending_is_delivered(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    quarantine = Quarantine(tmp_path)
    handler = FilterHandler(scanner, quarantine, ("127.0.0.1", sink[1]), confirmation_key=KEY)
    assert scanner.scan_bytes(PATIENT).decisions[0].verdict is Verdict.CONFIRM

    reply = deliver(
        handler, confirmed(PATIENT, scanner, ["r.patel@gmail.com"]), ["r.patel@gmail.com"]
    )

    assert reply.startswith("250 2.0.0")
    assert [m.rcpt_tos for m in sink[0].messages] == [["r.patel@gmail.com"]]
    assert not quarantine.held()


def test_a_confirmation_for_other_content_or_recipients_is_ignored(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    quarantine = Quarantine(tmp_path)
    handler = FilterHandler(scanner, quarantine, ("127.0.0.1", sink[1]), confirmation_key=KEY)
    header = confirmed(PATIENT, scanner, ["r.patel@gmail.com"])
    altered = header.replace(b"is on the list", b"is on the list, with her brother Sam")
    added = header.replace(b"To: r.patel@gmail.com", b"To: r.patel@gmail.com, j.doe@gmail.com")
    forged = confirmed(
        PATIENT, scanner, ["r.patel@gmail.com"], key=b"someone else's key, 32 bytes!!"
    )

    deliver(handler, altered, ["r.patel@gmail.com"])
    deliver(handler, added, ["r.patel@gmail.com", "j.doe@gmail.com"])
    deliver(handler, forged, ["r.patel@gmail.com"])

    assert not sink[0].messages
    assert len(quarantine.held()) == 3


def test_a_confirmation_does_not_release_a_hold(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    quarantine = Quarantine(tmp_path)
    handler = FilterHandler(scanner, quarantine, ("127.0.0.1", sink[1]), confirmation_key=KEY)
    assert scanner.scan_bytes(MARKED).decisions[0].verdict is Verdict.HOLD

    deliver(
        handler,
        confirmed(MARKED, scanner, ["claims@insurer.example.com"]),
        ["claims@insurer.example.com"],
    )

    assert not sink[0].messages
    assert len(quarantine.held()) == 1


# ---- the audit trail ----------------------------------------------------------------------------


def test_every_verdict_is_recorded_before_the_message_moves_on(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    quarantine = Quarantine(tmp_path)
    trail = AuditTrail(quarantine.store.engine)
    handler = FilterHandler(
        scanner, quarantine, ("127.0.0.1", sink[1]), audit=trail, actor="gateway@relay1"
    )
    raw = MARKED.replace(b"\r\nSubject:", b"\r\nCc: bob.jones@example.police.uk\r\nSubject:")

    deliver(handler, raw, ["claims@insurer.example.com", "bob.jones@example.police.uk"])

    [entry] = list(trail.entries())
    [hold] = quarantine.held()
    assert (entry.actor, entry.action, entry.subject) == (
        "gateway@relay1",
        Action.VERDICT,
        "<1@example.police.uk>",
    )
    assert entry.details["hold"] == hold.id
    verdicts = {r["address"]: (r["verdict"], r.get("rules")) for r in entry.details["recipients"]}
    assert verdicts == {
        "bob.jones@example.police.uk": ("deliver", None),
        "claims@insurer.example.com": ("hold", ["protective_marking", "sensitive_to_external"]),
    }
    assert "OFFICIAL-SENSITIVE" not in json.dumps(entry.to_json())  # facts, never content
    assert trail.verify().ok


def test_a_verdict_that_cannot_be_recorded_is_not_sent(
    scanner: Scanner, sink: tuple[Sink, int], tmp_path: Path
) -> None:
    unmigrated = create_engine(f"sqlite:///{tmp_path / 'not-a-record.db'}")
    handler = FilterHandler(
        scanner, Quarantine(tmp_path / "q"), ("127.0.0.1", sink[1]), audit=AuditTrail(unmigrated)
    )

    reply = deliver(handler, CLEAN, ["bob.jones@example.police.uk"])

    assert reply.startswith("451 4.3.0") and "record could not be written" in reply
    assert not sink[0].messages
