"""No message is ever lost (issue 5): the gateway's promise under real faults.

Each test runs `mailwarden gateway` as the separate process it is in production, behind a
private Postfix (conftest.py, `start_relay`), sends real mail with smtplib, breaks one
thing for real (the process SIGKILLed, PostgreSQL shut down, the quarantine's disk full,
hostile mail, two processes on one store) and then accounts for every recipient of every
message by its Message-ID: delivered (it reached the sink), held (it is in the
quarantine) or, while the fault lasts, still in Postfix's queue with a 4xx. Never none of
these. A recipient may be served twice only in the window the design names (killed after
re-injection, before Postfix heard 250); those duplicates are counted and printed.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import os
import re
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.postgres import PostgresServer
from tests.security.test_zip_bomb import deflated_zeros, raw_zip

from mailwarden.gateway.replies import Reply
from mailwarden.knowledge.features import Keyer
from mailwarden.knowledge.keyfile import load_or_create_key
from mailwarden.knowledge.schema import CorrespondentRow
from mailwarden.knowledge.store import KnowledgeStore

from .conftest import GatewayRelay, StartRelay, relay_starter, wait_until
from .test_filter import SENDER, mail

COLLEAGUE = "bob.jones@example.police.uk"
INSURER = "claims@insurer.example.com"
PUBLIC = "j.smith@gmail.com"
MARKED = "OFFICIAL-SENSITIVE\r\n\r\nStrategy meeting notes for the working group, item {n}."
CHILD = (
    "Ellie Marsh (DOB 03/04/2015), NHS number 943 476 5919, lives at 12 Mill Lane, LS6 2QT. "
    "Reference {n}."
)
ORDINARY = "Lunch at noon? We can go over item {n} then."

IN_FLIGHT = 10
"""Messages Postfix hands the gateway at once (`mailwarden unix ... 10 smtp` in
postfix-config): a crash can catch at most these mid-way."""


@dataclass(frozen=True)
class Sent:
    """One message submitted to Postfix, and its recipients by the verdict expected."""

    id: str
    raw: bytes
    deliver: tuple[str, ...] = ()
    hold: tuple[str, ...] = ()
    unpredicted: tuple[str, ...] = ()
    """Recipients a test lets the policy decide for (hostile mail: any verdict will do)."""

    @property
    def recipients(self) -> list[str]:
        return [*self.deliver, *self.hold, *self.unpredicted]


def letter(
    token: str, body: str, deliver: tuple[str, ...] = (), hold: tuple[str, ...] = ()
) -> Sent:
    """From Ann Smith, Message-ID <token@example.police.uk>, the first recipient in To, the
    others in Cc."""
    first, *others = [*hold, *deliver]
    raw = mail(first, body).replace(b"<1@", f"<{token}@".encode())
    if others:
        raw = raw.replace(b"\r\nSubject:", f"\r\nCc: {', '.join(others)}\r\nSubject:".encode())
    return Sent(f"{token}@example.police.uk", raw, deliver, hold)


MIX = {
    3: (MARKED, (), (INSURER,)),
    8: (CHILD, (), (PUBLIC,)),
    13: (MARKED, (COLLEAGUE,), (INSURER,)),
    18: (ORDINARY, (INSURER,), ()),
}
"""n % 25 → (body, delivered, held); the other 21 in 25 are ordinary mail to a colleague."""


def mixed_stream(count: int, run: str) -> list[Sent]:
    """Mostly ordinary mail to a colleague; one in 25 each: marked to an insurer, a child's
    details to a member of the public (both held), marked to the insurer and the colleague
    (held for the insurer only), ordinary mail to the insurer (delivered)."""
    stream = []
    for n in range(count):
        body, deliver, hold = MIX.get(n % 25, (ORDINARY, (COLLEAGUE,), ()))
        stream.append(letter(f"{run}-{n}", body.format(n=n), deliver, hold))
    return stream


def submit(relay: GatewayRelay, messages: Sequence[Sent], per_session: int = 100) -> int:
    """Hand every message to Postfix, `per_session` to an SMTP session; how many it took."""
    taken = 0
    for start in range(0, len(messages), per_session):
        batch = messages[start : start + per_session]
        taken += relay.send_all((m.raw, m.recipients) for m in batch)
    return taken


@dataclass
class Tally:
    """Where every (Message-ID, recipient) ended up, over one or more relays."""

    delivered: Counter[tuple[str, str]]
    held: Counter[tuple[str, str]]

    @classmethod
    def of(cls, *relays: GatewayRelay) -> Tally:
        delivered: Counter[tuple[str, str]] = Counter()
        held: Counter[tuple[str, str]] = Counter()
        for relay in relays:
            delivered += relay.delivered()
            held += relay.held()
        return cls(delivered, held)

    def lost(self, sent: Sequence[Sent]) -> list[tuple[str, str]]:
        """Recipients neither delivered nor held."""
        return [
            (m.id, r)
            for m in sent
            for r in m.recipients
            if (m.id, r) not in self.delivered and (m.id, r) not in self.held
        ]

    def misrouted(self, sent: Sequence[Sent]) -> list[tuple[str, str]]:
        """Recipients given another fate than the policy's: a held one delivered, or the reverse."""
        leaked = [(m.id, r) for m in sent for r in m.hold if (m.id, r) in self.delivered]
        return leaked + [(m.id, r) for m in sent for r in m.deliver if (m.id, r) in self.held]

    def duplicates(self) -> tuple[int, int]:
        """Extra deliveries, extra holds."""
        return (
            sum(n - 1 for n in self.delivered.values()),
            sum(n - 1 for n in self.held.values()),
        )


def settled(relays: Sequence[GatewayRelay], sent: Sequence[Sent]) -> bool:
    """Every recipient delivered or held, and nothing left in any Postfix queue."""
    return not Tally.of(*relays).lost(sent) and not any(r.postfix.queue() for r in relays)


def deferred_by_4xx(relay: GatewayRelay) -> list[dict[str, Any]]:
    """Postfix's queue entries (`postqueue -j`) waiting because mailwarden answered 4xx."""
    return [
        entry
        for entry in relay.postfix.queue()
        if entry["recipients"]
        and all(" said: 4" in r.get("delay_reason", "") for r in entry["recipients"])
    ]


def reasons(entries: list[dict[str, Any]]) -> str:
    return " | ".join(r.get("delay_reason", "") for e in entries for r in e["recipients"])


# --- SIGKILL -------------------------------------------------------------------------------


@pytest.mark.slow
def test_sigkill_mid_stream_loses_nothing_and_counts_duplicates(start_relay: StartRelay) -> None:
    relay = start_relay()
    stream = mixed_stream(1000, "kill")
    with ThreadPoolExecutor(1) as pool:
        sending = pool.submit(submit, relay, stream)
        assert wait_until(lambda: len(relay.sink.messages) >= 250, 120), relay.diagnosis()
        queued_at_kill = len(relay.postfix.queue())
        relay.gateway.kill()
        time.sleep(1.0)  # Postfix finds the filter gone and defers what it was handing over
        relay.gateway.start()
        assert sending.result() == len(stream)
    assert queued_at_kill > 0, "the kill came after the stream had drained"

    assert wait_until(lambda: settled([relay], stream), 180, every=1.0), relay.diagnosis()
    tally = Tally.of(relay)
    assert tally.lost(stream) == []
    assert tally.misrouted(stream) == []
    extra_deliveries, extra_holds = tally.duplicates()
    print(
        f"\nSIGKILL with {queued_at_kill} messages queued: {len(stream)} sent, "
        f"{sum(tally.delivered.values())} deliveries and {sum(tally.held.values())} holds "
        f"for {sum(len(m.deliver) for m in stream)} and {sum(len(m.hold) for m in stream)} "
        f"expected; duplicates: {extra_deliveries} delivered, {extra_holds} held"
    )
    assert extra_deliveries + extra_holds <= IN_FLIGHT


# --- the knowledge store down ------------------------------------------------------------------


def test_store_down_defers_with_4xx_then_delivers_when_it_is_back(
    start_relay: StartRelay, postgres_server: PostgresServer
) -> None:
    relay = start_relay(db=postgres_server.create_database())
    before = mixed_stream(5, "store-up")
    submit(relay, before)
    assert wait_until(lambda: settled([relay], before), 60), relay.diagnosis()

    during = mixed_stream(25, "store-down")
    postgres_server.stop()
    try:
        submit(relay, during)
        assert wait_until(lambda: len(deferred_by_4xx(relay)) == len(during), 60), relay.diagnosis()
        assert str(Reply.S451_STORE) in reasons(deferred_by_4xx(relay))
        tally = Tally.of(relay)
        assert not [key for key in tally.delivered if key[0].startswith("store-down")]
        assert not [key for key in tally.held if key[0].startswith("store-down")]
    finally:
        postgres_server.start()

    relay.postfix.flush()
    assert wait_until(lambda: settled([relay], during), 60), relay.diagnosis()
    assert Tally.of(relay).duplicates() == (0, 0)


# --- a full disk for the quarantine ----------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs of its own (root may mount one; Postfix's tests run as root anyway)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        message = f"cannot mount a small tmpfs: {done.stderr.strip()}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(folder: Path) -> list[Path]:
    """Write to `folder` until its file system is full; the files that hold the space."""
    filler, crumbs = folder / "filler", folder / "crumbs"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    with contextlib.suppress(OSError), open(crumbs, "wb") as out:
        while True:  # the last partial block, too
            out.write(b"\0" * 512)
            out.flush()
    return [filler, crumbs]


def test_a_full_disk_under_the_quarantine_and_its_record_defers_mail_until_space_returns(
    start_relay: StartRelay, small_disk: Path
) -> None:
    """The holds' files and the record database (holds, the audit trail) share the disk:
    with it full, no verdict can be recorded, and what was not recorded is not sent. Every
    message waits in Postfix's queue with a 4xx; none is lost, and all go once there is
    space again."""
    relay = start_relay(quarantine=small_disk / "quarantine")
    warm = mixed_stream(10, "disk-warm")  # holds work before the disk fills
    submit(relay, warm)
    assert wait_until(lambda: settled([relay], warm), 60), relay.diagnosis()

    space = fill(small_disk)
    during = mixed_stream(25, "disk-full")
    submit(relay, during)
    assert wait_until(lambda: len(deferred_by_4xx(relay)) == len(during), 60), relay.diagnosis()
    said = reasons(deferred_by_4xx(relay))
    assert str(Reply.S451_RECORD) in said or str(Reply.S451_QUARANTINE) in said
    assert not [key for key in relay.delivered() if key[0] in {m.id for m in during}]

    for path in space:
        path.unlink(missing_ok=True)
    relay.postfix.flush()
    assert wait_until(lambda: settled([relay], during), 60), relay.diagnosis()
    tally = Tally.of(relay)
    assert tally.misrouted(during) == []
    assert tally.duplicates() == (0, 0)


# --- malformed, hostile and huge mail -------------------------------------------------------

MiB = 1024 * 1024
CHILD_BYTES = CHILD.format(n=0).encode()
MULTIPART = b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="%s"\r\n'


def attached(body: bytes, content_type: str, data: bytes) -> bytes:
    """A multipart body (boundary "b"): `body` as text, then `data` in base64."""
    return (
        b"--b\r\nContent-Type: text/plain\r\n\r\n"
        + body
        + f"\r\n--b\r\nContent-Type: {content_type}\r\n".encode()
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(data).replace(b"\n", b"\r\n")
        + b"--b--\r\n"
    )


def zip_bomb() -> bytes:
    """1 GiB of zeros in a 1 MB zip (built as tests/security/test_zip_bomb.py builds it)."""
    stream, crc = deflated_zeros(1024 * MiB)
    return raw_zip([("figures.csv", stream, crc, 1024 * MiB)])


HOSTILE: dict[str, tuple[bytes, Callable[[], bytes]]] = {
    # name: (header fields, body). Each carries a child's details where its structure may
    # hide them from a scan, or content that cannot be read at all.
    "start-boundary-never-found": (
        MULTIPART % b"outer",
        lambda: b"--inner\r\nContent-Type: text/plain\r\n\r\n" + CHILD_BYTES + b"\r\n--inner--\r\n",
    ),
    "close-boundary-missing": (
        MULTIPART % b"outer",
        lambda: b"--outer\r\nContent-Type: text/plain\r\n\r\n" + CHILD_BYTES + b"\r\n",
    ),
    "text-outside-the-boundaries": (
        MULTIPART % b"outer",
        lambda: (
            CHILD_BYTES
            + b"\r\n--outer\r\nContent-Type: text/plain\r\n\r\nSee you Tuesday.\r\n--outer--\r\n"
            + CHILD_BYTES
            + b"\r\n"
        ),
    ),
    "mime-nested-500-deep": (
        MULTIPART % b"b0",
        lambda: (
            b"".join(
                b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (i, i + 1)
                for i in range(500)
            )
            + b"--b500\r\nContent-Type: text/plain\r\n\r\n"
            + CHILD_BYTES
            + b"\r\n"
        ),
    ),
    "zip-bomb": (
        MULTIPART % b"b",
        lambda: attached(b"The figures, attached.", "application/zip", zip_bomb()),
    ),
    "thirty-megabytes": (
        MULTIPART % b"b",
        lambda: attached(b"The scans.", "application/octet-stream", os.urandom(22 * MiB)),
    ),
    "over-32-mib": (  # under Postfix's message_size_limit here and the scan's 100 MB limit
        MULTIPART % b"b",
        lambda: attached(b"The scans.", "application/octet-stream", os.urandom(26 * MiB)),
    ),
    "a-header-of-10000-lines": (
        b"X-Notes: start\r\n" + b" more\r\n" * 10_000,
        lambda: CHILD_BYTES + b"\r\n",
    ),
    "10000-header-fields": (
        b"".join(b"X-Field-%d: %d\r\n" % (i, i) for i in range(10_000)),
        lambda: CHILD_BYTES + b"\r\n",
    ),
    "nul-bytes": (b"", lambda: b"Before\0after.\r\n" + CHILD_BYTES.replace(b" ", b"\0 ") + b"\r\n"),
    "8-bit-headers": (
        "Comments: \u00dcberweisung f\u00fcr J\u00f6rg M\u00fcller\r\n".encode()
        + b"X-Latin-1: J\xf6rg M\xfcller\r\n",
        lambda: CHILD_BYTES + b"\r\n",
    ),
    "a-line-of-one-megabyte": (b"", lambda: b"x" * MiB + b" " + CHILD_BYTES + b"\r\n"),
}


def hostile(name: str) -> Sent:
    """To a colleague and to an outside address, both of its own: Postfix's queue shows
    recipients, not Message-IDs."""
    headers, body = HOSTILE[name]
    inside, outside = f"{name}@example.police.uk", f"{name}@insurer.example.com"
    head = (
        f"From: Ann Smith <{SENDER}>\r\nTo: {inside}\r\nCc: {outside}\r\nSubject: {name}\r\n"
        f"Message-ID: <{name}@example.police.uk>\r\nDate: Mon, 24 Nov 2026 10:00:00 +0000\r\n"
    )
    raw = head.encode() + headers + b"\r\n" + body()
    return Sent(f"{name}@example.police.uk", raw, unpredicted=(inside, outside))


def bounced(content: bytes, message: str, recipient: str) -> bool:
    """Whether a delivery status notification reports this recipient of this message failed."""
    final = rb"(?i)final-recipient:\s*rfc822;\s*" + re.escape(recipient.encode())
    return message.encode() in content and re.search(final, content) is not None


def fates(relay: GatewayRelay, messages: Sequence[Sent]) -> dict[str, str]:
    """Recipient → delivered, held, refused (a bounce reports it) or tempfail (queued after a
    4xx from mailwarden); recipients with none of these yet are left out."""
    tally = Tally.of(relay)
    automatic = [m.content for m in list(relay.sink.messages) if m.automatic]
    waiting = {r["address"] for e in deferred_by_4xx(relay) for r in e["recipients"]}
    result = {}
    for m in messages:
        for recipient in m.recipients:
            if (m.id, recipient) in tally.delivered:
                result[recipient] = "delivered"
            elif (m.id, recipient) in tally.held:
                result[recipient] = "held"
            elif any(bounced(content, m.id, recipient) for content in automatic):
                result[recipient] = "refused"
            elif recipient in waiting:
                result[recipient] = "tempfail"
    return result


@dataclass
class HostileRun:
    relay: GatewayRelay
    sent: list[Sent]
    fates: dict[str, str]


@pytest.fixture(scope="module")
def hostile_run(
    gateway_config: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HostileRun]:
    """Every message of HOSTILE through one relay, one SMTP session each, until each
    recipient has a fate (or 150 s have passed: the tests below then say which has none)."""
    with ExitStack() as stack:
        relay = relay_starter(stack, gateway_config, tmp_path_factory.mktemp("hostile"))()
        sent = [hostile(name) for name in HOSTILE]
        submit(relay, sent, per_session=1)
        everyone = sum(len(m.recipients) for m in sent)
        wait_until(lambda: len(fates(relay, sent)) == everyone, 150, every=1.0)
        run = HostileRun(relay, sent, fates(relay, sent))
        print("\n" + "\n".join(f"{r:50} {fate}" for r, fate in run.fates.items()))
        yield run


@pytest.mark.slow
def test_hostile_messages_each_get_a_verdict_or_a_tempfail(hostile_run: HostileRun) -> None:
    everyone = [r for m in hostile_run.sent for r in m.recipients]
    assert [r for r in everyone if r not in hostile_run.fates] == [], hostile_run.relay.diagnosis()


@pytest.mark.slow
def test_the_gateway_serves_on_after_hostile_messages(hostile_run: HostileRun) -> None:
    relay = hostile_run.relay
    assert relay.gateway.alive, relay.diagnosis()
    after = mixed_stream(1, "after-hostile")
    submit(relay, after)
    assert wait_until(lambda: not Tally.of(relay).lost(after), 30), relay.diagnosis()
    assert relay.gateway.alive


@pytest.mark.slow
def test_a_message_over_32_mib_is_judged_like_any_other_not_bounced(
    hostile_run: HostileRun,
) -> None:
    inside, outside = hostile("over-32-mib").recipients
    assert (hostile_run.fates.get(inside), hostile_run.fates.get(outside)) == ("delivered", "held")


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_structure_does_not_carry_a_childs_details_outside_unchecked(
    hostile_run: HostileRun, name: str
) -> None:
    outside = f"{name}@insurer.example.com"
    assert hostile_run.fates.get(outside) in ("held", "refused", "tempfail")


# --- two gateways, one PostgreSQL --------------------------------------------------------------


@pytest.mark.slow
def test_two_gateways_on_one_store_learn_each_delivered_message_once(
    start_relay: StartRelay, postgres_server: PostgresServer, gateway_config: Path
) -> None:
    url = postgres_server.create_database()
    first, second = start_relay(db=url), start_relay(db=url)
    stream = mixed_stream(200, "two")
    through_first = stream[0::2]
    through_second = stream[1::2]
    # one in four is submitted again through the other relay, as a client's retry would be
    through_first += stream[1::4]
    through_second += stream[0::4]
    with ThreadPoolExecutor(2) as pool:
        done = [
            pool.submit(submit, first, through_first),
            pool.submit(submit, second, through_second),
        ]
        assert [d.result() for d in done] == [len(through_first), len(through_second)]
    relays = [first, second]
    assert wait_until(lambda: settled(relays, stream), 120, every=1.0), (
        first.diagnosis() + second.diagnosis()
    )

    delivered = set(Tally.of(*relays).delivered)
    keyer = Keyer(load_or_create_key(gateway_config.parent / "mailwarden.key"))
    store = KnowledgeStore.open(url, keyer, ["example.police.uk"])
    try:
        learned = store.stats().messages
        with store.engine.connect() as conn:
            rows = conn.execute(select(CorrespondentRow.address, CorrespondentRow.sent_to))
            sent_to = {address: count for address, count in rows}
    finally:
        store.close()
    per_recipient = Counter(recipient for _, recipient in delivered)
    print(
        f"\ntwo gateways: {len(through_first) + len(through_second)} submissions of "
        f"{len(stream)} messages; learned {learned}, delivered {len(delivered)} "
        f"(message, recipient) pairs; sent_to {sent_to}"
    )
    assert learned == len({message for message, _ in delivered})
    assert {address: sent_to.get(address, 0) for address in per_recipient} == per_recipient
