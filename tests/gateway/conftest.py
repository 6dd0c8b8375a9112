"""The gateway's real peers: an SMTP sink (aiosmtpd), a private Postfix in a temp dir, and
mailwarden's gateway as the separate process it is in production.

The Postfix, sink and gateway-process code lives in bench/postfix_instance.py (the gateway
bench runs the same relay); this file puts that folder on the path and makes fixtures of it.

- `relay` (one per session): Postfix with mailwarden's filter as its content_filter, the
  filter an in-process aiosmtpd Controller configured with the lines `mailwarden
  postfix-config` prints; it re-injects to Postfix's second, unfiltered smtpd, which
  relays to the sink (the FILTER_README design end to end).
- `start_relay(...)`: the same with `mailwarden gateway` in a child process that a test
  can SIGKILL and restart, with its own quarantine and optionally a knowledge store.

Skipped when Postfix is not installed, unless CI is set, where it must run.
"""

from __future__ import annotations

import os
import smtplib
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from mailwarden.cli_gateway import postfix_lines
from mailwarden.gateway.filter import FilterHandler
from mailwarden.gateway.quarantine import Hold, Quarantine
from mailwarden.scan import Scanner

sys.path.append(str(Path(__file__).resolve().parents[2] / "bench"))

from postfix_instance import (
    POSTFIX,
    Gateway,
    Postfix,
    Received,
    Sink,
    free_ports,
    message_id,
    running_postfix,
    serve_sink,
)

__all__ = ["GatewayRelay", "Received", "Relay", "Sink", "free_port", "message_id", "relay_starter"]

SENDER = "ann.smith@example.police.uk"


def free_port() -> int:
    return free_ports(1)[0]


def _need_postfix() -> None:
    if not Path(POSTFIX).exists():
        if os.environ.get("CI"):
            pytest.fail("Postfix is not installed, and CI must run the gateway's Postfix tests")
        pytest.skip("Postfix is not installed (apt-get install postfix, or make postfix)")


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler, port = Sink(), free_port()
    controller = serve_sink(handler, port)
    yield handler, port
    controller.stop()


@dataclass
class Relay:
    """A private Postfix with mailwarden's filter, in this process, as its content filter."""

    directory: Path
    port: int
    sink: Sink
    quarantine: Quarantine
    postfix: Postfix

    def queued(self) -> str:
        return self.postfix.queued()


@pytest.fixture(scope="session")
def relay(scanner: Scanner) -> Iterator[Relay]:
    from aiosmtpd.controller import Controller

    _need_postfix()
    with ExitStack() as stack:
        sink_port, filter_port, reinject_port = free_ports(3)
        sink_handler = Sink()
        stack.callback(serve_sink(sink_handler, sink_port).stop)
        lines = postfix_lines(f"127.0.0.1:{filter_port}", f"127.0.0.1:{reinject_port}")
        postfix = stack.enter_context(_postfix(sink_port, lines))
        quarantine = Quarantine(postfix.directory / "quarantine")
        filter_controller = Controller(
            FilterHandler(scanner, quarantine, ("127.0.0.1", reinject_port), timeout=30),
            hostname="127.0.0.1",
            port=filter_port,
        )
        filter_controller.start()
        stack.callback(filter_controller.stop)
        yield Relay(postfix.directory, postfix.port, sink_handler, quarantine, postfix)


@contextmanager
def _postfix(relay_to: int, lines: str) -> Iterator[Postfix]:
    """`running_postfix`, a failed start failing the test with Postfix's log."""
    started = False
    try:
        with running_postfix(relay_to, lines) as postfix:
            started = True
            yield postfix
    except RuntimeError as exc:
        if started:
            raise
        pytest.fail(str(exc))


# --- the gateway as a process --------------------------------------------------------------


@dataclass
class GatewayRelay:
    """Postfix → `mailwarden gateway` (a child process) → Postfix's re-injection smtpd → sink."""

    postfix: Postfix
    gateway: Gateway
    sink: Sink
    quarantine_dir: Path

    @property
    def port(self) -> int:
        return self.postfix.port

    def send(self, raw: bytes, recipients: list[str], sender: str = SENDER) -> None:
        self.send_all([(raw, recipients)], sender)

    def send_all(self, messages: Iterable[tuple[bytes, list[str]]], sender: str = SENDER) -> int:
        """Submit each message to Postfix over one SMTP session; how many were accepted."""
        sent = 0
        with smtplib.SMTP("127.0.0.1", self.port, timeout=120) as smtp:
            for raw, recipients in messages:
                smtp.sendmail(sender, recipients, raw)
                sent += 1
        return sent

    def holds(self) -> list[Hold]:
        """Every hold the gateway has recorded."""
        if not self.quarantine_dir.exists():
            return []
        with Quarantine(self.quarantine_dir) as quarantine:
            return quarantine.held(state=None)

    def held(self) -> Counter[tuple[str, str]]:
        """(Message-ID, recipient) → how often held; more than once is a duplicate hold."""
        if not self.quarantine_dir.exists():
            return Counter()
        with Quarantine(self.quarantine_dir) as quarantine:
            return Counter(
                (message_id(quarantine.message(hold.id)), recipient.address.lower())
                for hold in quarantine.held(state=None)
                for recipient in hold.recipients
            )

    def delivered(self) -> Counter[tuple[str, str]]:
        """(Message-ID, recipient) → how often the sender's message reached the sink."""
        return Counter(
            (m.message_id, recipient.lower())
            for m in self.sink.originals()
            for recipient in m.rcpt_tos
        )

    def diagnosis(self) -> str:
        """What to print when an assertion fails: the queue and both logs' ends."""
        gateway_log = (
            self.gateway.log.read_text(errors="replace") if self.gateway.log.exists() else ""
        )
        return (
            f"\n--- postqueue -p\n{self.postfix.queued()[-3000:]}"
            f"\n--- gateway log\n{gateway_log[-3000:]}"
            f"\n--- maillog\n{self.postfix.log()[-3000:]}"
        )


StartRelay = Callable[..., GatewayRelay]


@pytest.fixture(scope="session")
def gateway_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gateway's config: the police organisation, and one key file for every process."""
    folder = tmp_path_factory.mktemp("gateway-config")
    path = folder / "mailwarden.toml"
    path.write_text(
        '[organisation]\ndomains = ["example.police.uk"]\n\n'
        f'[knowledge]\nkey_file = "{folder / "mailwarden.key"}"\n'
    )
    return path


def relay_starter(stack: ExitStack, config: Path, folder: Path) -> StartRelay:
    """`start(db=URL, quarantine=DIR, arguments=[...])`: a sink, a Postfix and a gateway
    process of their own, stopped when `stack` closes; logs and quarantines in `folder`."""
    _need_postfix()
    count = 0

    def start(
        db: str | None = None, quarantine: Path | None = None, arguments: Iterable[str] = ()
    ) -> GatewayRelay:
        nonlocal count
        count += 1
        sink_port, filter_port, reinject_port = free_ports(3)
        sink_handler = Sink()
        stack.callback(serve_sink(sink_handler, sink_port).stop)
        lines = postfix_lines(f"127.0.0.1:{filter_port}", f"127.0.0.1:{reinject_port}")
        postfix = stack.enter_context(_postfix(sink_port, lines))
        quarantine = quarantine or folder / f"quarantine-{count}"
        command = [
            *("--next-hop", f"127.0.0.1:{reinject_port}"),
            *("--quarantine", str(quarantine), "--config", str(config)),
            *(["--db", db] if db else []),
            *arguments,
        ]
        gateway = Gateway(filter_port, command, folder / f"gateway-{count}.log")
        stack.callback(gateway.stop)
        try:
            gateway.start()
        except RuntimeError as exc:
            pytest.fail(str(exc))
        return GatewayRelay(postfix, gateway, sink_handler, quarantine)

    return start


@pytest.fixture
def start_relay(gateway_config: Path, tmp_path: Path) -> Iterator[StartRelay]:
    """`start_relay(...)` (see `relay_starter`): relays with a gateway process, for one test."""
    with ExitStack() as stack:
        yield relay_starter(stack, gateway_config, tmp_path)


def wait_until(condition: Callable[[], bool], seconds: float, every: float = 0.25) -> bool:
    """Poll `condition` until true or `seconds` have passed; its last answer."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return condition()
        time.sleep(every)
    return True
