"""The gateway's real peers: an SMTP sink (aiosmtpd) and a private Postfix in a temp dir.

The Postfix fixture follows /work/shared/notes/postfix-private-instance.md:
its own main.cf/master.cf in a temporary directory, smtpd on a loopback
port, mailwarden's filter (an in-process aiosmtpd Controller) as its
content_filter, configured with the lines `mailwarden postfix-config` prints:
the filter re-injects to Postfix's second, unfiltered smtpd, which relays to
the sink (the FILTER_README design end to end). Skipped when Postfix is not
installed, unless CI is set, where it must run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from mailwarden.cli_gateway import postfix_lines
from mailwarden.gateway.filter import FilterHandler
from mailwarden.gateway.quarantine import Quarantine
from mailwarden.scan import Scanner

POSTFIX = "/usr/sbin/postfix"


def free_port() -> int:
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """Distinct free loopback ports: all bound at once, so none is handed out twice."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class Sink:
    """The next hop: keeps every message it is given."""

    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 2.0.0 OK: kept"

    def wait_for(self, count: int, seconds: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler, port = Sink(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@dataclass
class Relay:
    """A private Postfix with mailwarden as its content filter."""

    directory: Path
    port: int
    sink: Sink
    quarantine: Quarantine

    def queued(self) -> str:
        return subprocess.run(
            ["postqueue", "-c", str(self.directory), "-p"], capture_output=True, text=True
        ).stdout


MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {dir}/queue
data_directory = {dir}/data
maillog_file = {dir}/maillog
maillog_file_prefixes = {dir}
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = relay.example.police.uk
mydestination =
relayhost = [127.0.0.1]:{sink_port}
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
alias_maps =
alias_database =
disable_dns_lookups = yes
smtp_dns_support_level = disabled
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
"""


def split_postfix_config(text: str) -> tuple[str, str]:
    """`mailwarden postfix-config` output → (main.cf lines, master.cf lines)."""
    main: list[str] = []
    master: list[str] = []
    target = main
    for line in text.splitlines():
        if line.startswith("# --- "):
            target = main if "main.cf" in line else master
        elif line and not line.startswith("#"):
            target.append(line)
    return "\n".join(main) + "\n", "\n".join(master) + "\n"


@pytest.fixture(scope="session")
def relay(scanner: Scanner, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Relay]:
    if not Path(POSTFIX).exists():
        if os.environ.get("CI"):
            pytest.fail("Postfix is not installed, and CI must run the gateway's Postfix tests")
        pytest.skip("Postfix is not installed (apt-get install postfix, or make postfix)")
    # Not under pytest's basetemp: a concurrent pytest session may prune that while Postfix runs.
    directory = Path(tempfile.mkdtemp(prefix="mailwarden-postfix-"))
    directory.chmod(0o755)
    for parent in directory.parents:
        if parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o011)
    sink_port, filter_port, reinject_port, smtpd_port = free_ports(4)
    sink_handler = Sink()
    sink_controller = Controller(sink_handler, hostname="127.0.0.1", port=sink_port)
    sink_controller.start()
    quarantine = Quarantine(directory / "quarantine")
    filter_controller = Controller(
        FilterHandler(scanner, quarantine, ("127.0.0.1", reinject_port), timeout=30),
        hostname="127.0.0.1",
        port=filter_port,
    )
    filter_controller.start()
    main_extra, master_extra = split_postfix_config(
        postfix_lines(f"127.0.0.1:{filter_port}", f"127.0.0.1:{reinject_port}")
    )
    (directory / "main.cf").write_text(
        MAIN_CF.format(dir=directory, sink_port=sink_port) + main_extra
    )
    master = Path("/etc/postfix/master.cf").read_text()
    master = master.replace(
        "smtp      inet  n       -       y       -       -       smtpd",
        f"127.0.0.1:{smtpd_port} inet  n       -       n       -       -       smtpd",
    )
    assert f"127.0.0.1:{smtpd_port}" in master, "unexpected /etc/postfix/master.cf"
    (directory / "master.cf").write_text(master + master_extra)
    for sub in ("queue", "data"):
        (directory / sub).mkdir()
    shutil.chown(directory / "data", "postfix")
    started = subprocess.run(
        [POSTFIX, "-c", str(directory), "start"], capture_output=True, text=True
    )
    if started.returncode != 0:
        log = (directory / "maillog").read_text() if (directory / "maillog").exists() else ""
        filter_controller.stop()
        sink_controller.stop()
        pytest.fail(f"postfix start failed; its log ends:\n{log[-3000:]}\n{started.stderr[-1000:]}")
    try:
        _wait_listening(smtpd_port)
        _wait_listening(reinject_port)
        yield Relay(directory, smtpd_port, sink_handler, quarantine)
    finally:
        subprocess.run([POSTFIX, "-c", str(directory), "stop"], capture_output=True)
        filter_controller.stop()
        sink_controller.stop()
        shutil.rmtree(directory, ignore_errors=True)


def _wait_listening(port: int, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"Postfix did not listen on 127.0.0.1:{port}")
