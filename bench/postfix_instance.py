"""A private mail relay for the gateway's tests and bench: Postfix in a temporary folder,
an SMTP sink as its next hop, and mailwarden's gateway as a child process.

One home for both users: tests/gateway/conftest.py puts this folder on its path, and
bench/gateway.py runs beside it. Nothing here imports mailwarden (the gateway runs as
`python -m mailwarden gateway`), so a bench never needs the test suite.

    sink = Sink(); server = serve_sink(sink, port)           # the next hop, in this process
    with running_postfix(relay_to=port, extra=filter_lines) as postfix:
        gateway = Gateway(listen_port, ["--next-hop", ..., "--quarantine", ...], log)
        gateway.start(); gateway.kill(); gateway.start()      # SIGKILL and restart
        postfix.queue(); postfix.flush()                      # what is still queued; retry now

Postfix needs root to start. What it takes is in /work/shared/notes/postfix-private-instance.md;
the retry settings below make a deferred message come back within about two seconds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

POSTFIX = "/usr/sbin/postfix"
MB = 1024 * 1024

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
relayhost = [127.0.0.1]:{relay_to}
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
alias_maps =
alias_database =
disable_dns_lookups = yes
smtp_dns_support_level = disabled
message_size_limit = {message_size_limit}
# A deferred message is retried within a second or two, and a destination that
# refused connections (a gateway being restarted) is tried again as soon.
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
transport_retry_time = 1s
"""


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


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_listening(port: int, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not listening(port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds:g}s")
        time.sleep(0.1)


def start_http_server(
    command: list[str], log: Path, ready_url: str, seconds: float = 120.0
) -> subprocess.Popen[bytes]:
    """Start a mailwarden HTTP server (`serve`, `web`) writing to `log`, and wait until
    `ready_url` answers 200; exits with the log when it dies or never answers."""
    output = log.open("wb")
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    output.close()
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(ready_url, timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:  # refused, reset, or an HTTP error status
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit(log.read_text(errors="replace"))
        time.sleep(0.2)


# --- the next hop -------------------------------------------------------------------------


_HEADER_END = re.compile(rb"\r?\n\r?\n")


def header(raw: bytes, name: str) -> str | None:
    """The first `name:` field of a message's own header (not of a message it attaches)."""
    end = _HEADER_END.search(raw)
    block = raw[: end.start() if end else len(raw)]
    found = re.search(
        rb"(?im)^" + re.escape(name.encode()) + rb":[ \t]*(.*(?:\r?\n[ \t].*)*)", block
    )
    return found.group(1).decode("utf-8", "replace").strip() if found else None


def message_id(raw: bytes) -> str:
    """A message's own Message-ID without its angle brackets; empty if it has none."""
    return (header(raw, "Message-ID") or "").strip("<>")


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    arrived: float = field(default_factory=time.monotonic)
    """`time.monotonic()` when the sink took it."""

    @property
    def message_id(self) -> str:
        return message_id(self.content)

    @property
    def automatic(self) -> bool:
        """A bounce or notice (null sender or Auto-Submitted), not a sender's own message."""
        auto = header(self.content, "Auto-Submitted")
        return self.mail_from in ("", "<>") or (auto is not None and auto.lower() != "no")


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

    def originals(self) -> list[Received]:
        """What senders sent, without bounces and notices."""
        return [m for m in list(self.messages) if not m.automatic]


def serve_sink(sink: Sink, port: int) -> Controller:
    """`sink` listening on 127.0.0.1:`port`, any size accepted; `.stop()` it when done."""
    controller = Controller(sink, hostname="127.0.0.1", port=port, data_size_limit=None)
    controller.start()
    return controller


# --- Postfix ------------------------------------------------------------------------------


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


@dataclass
class Postfix:
    """A running private Postfix: smtpd on `port`, relaying everything to one next hop."""

    directory: Path
    port: int

    def _run(self, *command: str) -> str:
        done = subprocess.run(
            [command[0], "-c", str(self.directory), *command[1:]],
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.stdout

    def queued(self) -> str:
        """`postqueue -p`: what is still queued, and why (deferred mail is how a 4xx shows)."""
        return self._run("postqueue", "-p")

    def queue(self) -> list[dict[str, Any]]:
        """`postqueue -j`: one entry per queued message (queue_name, recipients, delay_reason)."""
        return [json.loads(line) for line in self._run("postqueue", "-j").splitlines() if line]

    def flush(self) -> None:
        """Retry every deferred message now."""
        self._run("postqueue", "-f")

    def wait_empty(self, seconds: float) -> bool:
        """Whether the queue emptied within `seconds`."""
        deadline = time.monotonic() + seconds
        while self.queue():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.25)
        return True

    def log(self) -> str:
        path = self.directory / "maillog"
        return path.read_text(errors="replace") if path.exists() else ""


def _traversable(directory: Path) -> None:
    """Postfix's master opens its lock file as `postfix`: every folder above must let it in."""
    directory.chmod(0o755)
    for parent in directory.parents:
        if parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o011)


@contextmanager
def running_postfix(
    relay_to: int, extra: str = "", message_size_limit: int = 64 * MB
) -> Iterator[Postfix]:
    """A private Postfix relaying all mail to 127.0.0.1:`relay_to`, for as long as the block.

    `extra` is `mailwarden postfix-config` output (its main.cf and master.cf lines), or
    empty for plain Postfix. Raises RuntimeError, with the end of Postfix's log, if it
    does not start.
    """
    # Not under pytest's basetemp: a concurrent pytest session may prune that while Postfix runs.
    directory = Path(tempfile.mkdtemp(prefix="mailwarden-postfix-"))
    _traversable(directory)
    [port] = free_ports(1)
    main_extra, master_extra = split_postfix_config(extra) if extra else ("", "")
    (directory / "main.cf").write_text(
        MAIN_CF.format(dir=directory, relay_to=relay_to, message_size_limit=message_size_limit)
        + main_extra
    )
    master = Path("/etc/postfix/master.cf").read_text()
    master = master.replace(
        "smtp      inet  n       -       y       -       -       smtpd",
        f"127.0.0.1:{port} inet  n       -       n       -       -       smtpd",
    )
    if f"127.0.0.1:{port}" not in master:
        raise RuntimeError("/etc/postfix/master.cf has no `smtp inet` line to replace")
    (directory / "master.cf").write_text(master + master_extra)
    for sub in ("queue", "data"):
        (directory / sub).mkdir()
    shutil.chown(directory / "data", "postfix")
    postfix = Postfix(directory, port)
    started = subprocess.run(
        [POSTFIX, "-c", str(directory), "start"], capture_output=True, text=True, timeout=120
    )
    try:
        if started.returncode != 0:
            raise RuntimeError(
                f"postfix start failed; its log ends:\n{postfix.log()[-3000:]}\n"
                f"{started.stderr[-1000:]}"
            )
        wait_listening(port)
        for hop in re.findall(r"^127\.0\.0\.1:(\d+) +inet", master_extra, re.M):
            wait_listening(int(hop))
        yield postfix
    finally:
        subprocess.run([POSTFIX, "-c", str(directory), "stop"], capture_output=True, timeout=120)
        shutil.rmtree(directory, ignore_errors=True)


# --- the gateway, as the service it is ----------------------------------------------------


class Gateway:
    """`mailwarden gateway` in a child process, listening on 127.0.0.1:`port`.

    `start()` returns once the port accepts connections (the scanner is built by then);
    `kill()` is SIGKILL, as a crash or the OOM killer would; `stop()` is SIGTERM.
    Its output is appended to `log`.
    """

    def __init__(
        self,
        port: int,
        arguments: Sequence[str],
        log: Path,
        python: str = sys.executable,
        environment: dict[str, str] | None = None,
    ) -> None:
        self.port = port
        self.command = [
            python,
            "-m",
            "mailwarden",
            "gateway",
            "--listen",
            f"127.0.0.1:{port}",
            *arguments,
        ]
        self.log = log
        self.environment = environment
        self.process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, seconds: float = 120.0) -> None:
        with self._lock:
            if self.alive:
                raise RuntimeError("the gateway is already running")
            with open(self.log, "ab") as out:
                self.process = subprocess.Popen(
                    self.command,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, **(self.environment or {})},
                )
            deadline = time.monotonic() + seconds
            while not listening(self.port):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self._end(signal.SIGKILL)
                    tail = self.log.read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"mailwarden gateway did not start; its log ends:\n{tail}")
                time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no chance to finish a message or answer Postfix."""
        with self._lock:
            self._end(signal.SIGKILL)

    def stop(self) -> None:
        """SIGTERM: the gateway's own orderly shutdown."""
        with self._lock:
            self._end(signal.SIGTERM)

    def _end(self, how: signal.Signals) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(how)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


__all__ = [
    "MB",
    "POSTFIX",
    "Gateway",
    "Postfix",
    "Received",
    "Sink",
    "free_ports",
    "header",
    "listening",
    "message_id",
    "running_postfix",
    "serve_sink",
    "split_postfix_config",
    "wait_listening",
]
