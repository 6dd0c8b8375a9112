"""Real mail through a real Postfix with mailwarden as its content filter (see conftest.py).

Postfix → mailwarden → Postfix's re-injection smtpd → the sink: a delivered
message crosses Postfix twice, as in production.
"""

from __future__ import annotations

import smtplib
import time

from .conftest import Relay
from .test_filter import CLEAN, MARKED, SENDER


def send(relay: Relay, raw: bytes, recipients: list[str]) -> None:
    with smtplib.SMTP("127.0.0.1", relay.port, timeout=10) as smtp:
        smtp.sendmail(SENDER, recipients, raw)


def test_clean_internal_message_arrives_at_the_sink(relay: Relay) -> None:
    raw = CLEAN.replace(b"<1@", b"<clean-postfix@")
    send(relay, raw, ["bob.jones@example.police.uk"])
    arrived = [
        m
        for m in relay.sink.wait_for(1)
        if b"clean-postfix@" in m.content and m.rcpt_tos == ["bob.jones@example.police.uk"]
    ]
    assert arrived, relay.queued()
    assert b"Lunch at noon?" in arrived[0].content
    # once from the sender, once more from mailwarden's re-injection
    assert (
        arrived[0].content.count(b"\nReceived: ") + arrived[0].content.startswith(b"Received: ")
        == 2
    )


def test_marked_message_to_external_is_held_not_delivered(relay: Relay) -> None:
    raw = MARKED.replace(b"<1@", b"<marked-postfix@")
    before = len(relay.quarantine.held()) if relay.quarantine.folder.exists() else 0
    send(relay, raw, ["claims@insurer.example.com"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if relay.quarantine.folder.exists() and len(relay.quarantine.held()) > before:
            break
        time.sleep(0.05)
    held = [
        h for h in relay.quarantine.held() if b"marked-postfix@" in relay.quarantine.message(h.id)
    ]
    assert [[r.address for r in h.recipients] for h in held] == [["claims@insurer.example.com"]], (
        relay.queued()
    )
    assert not [m for m in relay.sink.messages if b"marked-postfix@" in m.content]
