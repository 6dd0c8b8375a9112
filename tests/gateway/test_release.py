"""Releasing a held message: it goes to the next hop (a real SMTP sink) for exactly the
recipients released, only then are they marked, and only they are taught; a refusing or
absent next hop marks nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from mailwarden.gateway.quarantine import HeldRecipient, Quarantine, RecipientState
from mailwarden.gateway.release import ReleaseError, release
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.rules.base import Verdict

from .conftest import Sink, free_port

SENDER = "ann.smith@example.police.uk"
RAW = (
    b"From: Ann Smith <ann.smith@example.police.uk>\r\n"
    b"To: j.smith@example.net, dsl@greenfield.sch.uk\r\n"
    b"Subject: Referral: the Evans children\r\n"
    b"Message-ID: <ref-0093@example.police.uk>\r\n"
    b"\r\n"
    b"Case AB/25/0093: Mia and Leo Evans, both at Greenfield School.\r\n"
    b".a line that starts with a dot\r\n"
)
WRONG = HeldRecipient("j.smith@example.net", Verdict.HOLD, ("names two children",))
RIGHT = HeldRecipient("dsl@greenfield.sch.uk", Verdict.CONFIRM, ("special category data",))


@pytest.fixture
def quarantine(tmp_path: Path) -> Iterator[Quarantine]:
    with Quarantine(tmp_path / "q") as q:
        yield q


@pytest.fixture
def held(quarantine: Quarantine) -> str:
    return quarantine.hold(RAW, SENDER, [WRONG, RIGHT], "Referral: the Evans children")


def states(quarantine: Quarantine, hold_id: str) -> dict[str, tuple[RecipientState, str]]:
    return {r.address: (r.state, r.decided_by) for r in quarantine.get(hold_id).recipients}


class Learner:
    """A teach callback that remembers what it was taught."""

    def __init__(self) -> None:
        self.taught: list[tuple[bytes, list[str]]] = []

    def __call__(self, raw: bytes, released: list[str]) -> None:
        self.taught.append((raw, released))


def test_release_to_one_of_two_delivers_to_that_one_only(
    quarantine: Quarantine, held: str, sink: tuple[Sink, int]
) -> None:
    received, port = sink
    learner = Learner()
    released = release(quarantine, held, [RIGHT.address], ("127.0.0.1", port), "r.khan", learner)
    assert released == [RIGHT.address]
    [message] = received.messages
    assert (message.mail_from, message.rcpt_tos, message.content) == (
        SENDER,
        [RIGHT.address],
        RAW,
    )
    assert states(quarantine, held) == {
        WRONG.address: (RecipientState.HELD, ""),
        RIGHT.address: (RecipientState.RELEASED, "r.khan"),
    }
    assert learner.taught == [(RAW, [RIGHT.address])]
    [entry] = AuditTrail(quarantine.store.engine).entries()
    assert (entry.actor, entry.action, entry.subject) == ("r.khan", Action.RELEASE, held)
    assert entry.details == {"recipients": [RIGHT.address], "refused": []}


def test_a_released_recipient_cannot_be_released_again(
    quarantine: Quarantine, held: str, sink: tuple[Sink, int]
) -> None:
    received, port = sink
    release(quarantine, held, [RIGHT.address], ("127.0.0.1", port), "r.khan")
    with pytest.raises(ReleaseError, match=f"{RIGHT.address} is no longer held.*released"):
        release(quarantine, held, [RIGHT.address], ("127.0.0.1", port), "someone.else")
    assert len(received.messages) == 1
    assert states(quarantine, held)[RIGHT.address] == (RecipientState.RELEASED, "r.khan")


def test_release_without_to_goes_to_everyone_still_held_then_nothing_is_left(
    quarantine: Quarantine, held: str, sink: tuple[Sink, int]
) -> None:
    received, port = sink
    release(quarantine, held, [RIGHT.address], ("127.0.0.1", port), "r.khan")
    assert release(quarantine, held, None, ("127.0.0.1", port), "r.khan") == [WRONG.address]
    assert [m.rcpt_tos for m in received.messages] == [[RIGHT.address], [WRONG.address]]
    with pytest.raises(ReleaseError, match="nothing left to release"):
        release(quarantine, held, None, ("127.0.0.1", port), "r.khan")
    assert len(received.messages) == 2


def test_addresses_match_in_any_case(
    quarantine: Quarantine, held: str, sink: tuple[Sink, int]
) -> None:
    received, port = sink
    to = ["DSL@Greenfield.sch.uk", "dsl@greenfield.sch.uk"]
    assert release(quarantine, held, to, ("127.0.0.1", port), "r.khan") == [RIGHT.address]
    assert received.messages[0].rcpt_tos == [RIGHT.address]


def test_an_address_the_message_was_not_held_for_is_named_and_nothing_is_sent(
    quarantine: Quarantine, held: str, sink: tuple[Sink, int]
) -> None:
    received, port = sink
    with pytest.raises(ReleaseError, match=r"head@greenfield\.sch\.uk is not a recipient"):
        release(
            quarantine,
            held,
            [RIGHT.address, "head@greenfield.sch.uk"],
            ("127.0.0.1", port),
            "r.khan",
        )
    assert received.messages == []
    assert len(quarantine.get(held).still_held()) == 2


def test_an_unknown_id_is_a_release_error(quarantine: Quarantine, sink: tuple[Sink, int]) -> None:
    with pytest.raises(ReleaseError, match="no held message has the ID 'nope'"):
        release(quarantine, "nope", None, ("127.0.0.1", sink[1]), "r.khan")


def test_next_hop_down_marks_nothing_and_teaches_nothing(quarantine: Quarantine, held: str) -> None:
    learner = Learner()
    nobody = ("127.0.0.1", free_port())
    with pytest.raises(ReleaseError, match=r"did not take the message.*nothing was released"):
        release(quarantine, held, None, nobody, "r.khan", learner)
    assert len(quarantine.get(held).still_held()) == 2
    assert learner.taught == []


class Refuser(Sink):
    """A next hop that refuses some recipients (all, by default) at RCPT."""

    def __init__(self, refused: set[str] | None = None) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.refused is None or address in self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"


@pytest.fixture
def refusing() -> Iterator[tuple[Refuser, int]]:
    handler, port = Refuser(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def test_next_hop_refusing_every_recipient_marks_nothing(
    quarantine: Quarantine, held: str, refusing: tuple[Refuser, int]
) -> None:
    handler, port = refusing
    with pytest.raises(ReleaseError, match="refused every recipient; nothing was released"):
        release(quarantine, held, None, ("127.0.0.1", port), "r.khan")
    assert handler.messages == []
    assert len(quarantine.get(held).still_held()) == 2


def test_next_hop_refusing_one_recipient_releases_the_other_only(
    quarantine: Quarantine, held: str, refusing: tuple[Refuser, int]
) -> None:
    handler, port = refusing
    handler.refused = {WRONG.address}
    learner = Learner()
    with pytest.raises(ReleaseError, match=f"refused {WRONG.address} \\(550 5.1.1"):
        release(quarantine, held, None, ("127.0.0.1", port), "r.khan", learner)
    assert [m.rcpt_tos for m in handler.messages] == [[RIGHT.address]]
    assert states(quarantine, held) == {
        WRONG.address: (RecipientState.HELD, ""),
        RIGHT.address: (RecipientState.RELEASED, "r.khan"),
    }
    assert learner.taught == [(RAW, [RIGHT.address])]


def test_a_failing_teach_does_not_undo_the_release(
    quarantine: Quarantine, held: str, sink: tuple[Sink, int], caplog: pytest.LogCaptureFixture
) -> None:
    def broken(raw: bytes, released: list[str]) -> None:
        raise RuntimeError("the knowledge store is down")

    with caplog.at_level(logging.ERROR, "mailwarden.gateway.release"):
        released = release(quarantine, held, None, ("127.0.0.1", sink[1]), "r.khan", broken)
    assert released == [WRONG.address, RIGHT.address]
    assert quarantine.get(held).still_held() == []
    assert f"released {held}, but learning from it failed" in caplog.text
    assert "the knowledge store is down" in caplog.text


def test_a_bounce_is_released_with_its_null_sender(
    quarantine: Quarantine, sink: tuple[Sink, int]
) -> None:
    received, port = sink
    hold_id = quarantine.hold(RAW, "", [RIGHT])
    release(quarantine, hold_id, None, ("127.0.0.1", port), "r.khan")
    assert received.messages[0].mail_from == "<>"
