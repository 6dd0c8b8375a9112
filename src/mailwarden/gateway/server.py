"""Serving the filter: one listening socket, shared by one or more worker processes.

A scan is CPU-bound Python, so one process uses one core. `serve` binds the port
once, then (with `processes > 1`) forks that many workers, which each build their own
handler (scanner, stores) and accept from the same socket; the parent only watches
them, starts a new one if one dies, and passes SIGTERM on. The workers keep no state
of their own (the stores and the quarantine are shared), so any worker may take any
message.

Stopping is graceful: a worker told SIGTERM stops accepting, lets the messages it is
working on finish (up to the per-message time limit), then exits; a message cut off
by a harder stop is retried by Postfix, since it never heard a 250.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import signal
import socket
import time
from collections.abc import Callable
from types import FrameType
from typing import Protocol

from aiosmtpd.smtp import SMTP

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when its parent dies."""
RESTART_PAUSE_SECONDS = 1.0
"""A worker that died is replaced after this pause (a crash loop stays slow)."""


class Handler(Protocol):
    """What a worker serves: an aiosmtpd handler that can say whether it is busy."""

    @property
    def in_flight(self) -> int: ...


def listening_socket(host: str, port: int) -> socket.socket:
    """The filter's port, bound once so every worker accepts from it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, so asyncio turns Nagle off on each connection (it checks the
    # protocol): an EHLO reply is several small writes, and with Nagle each waits out
    # the peer's delayed ACK, 40 ms a connection.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def run_worker(sock: socket.socket, make_handler: Callable[[], Handler], grace: float) -> None:
    """Serve SMTP on the shared socket until SIGTERM or SIGINT, then drain and return."""
    handler = make_handler()
    loop = asyncio.new_event_loop()
    name = socket.gethostname()

    def protocol() -> SMTP:
        # No size limit of our own: Postfix's message_size_limit already applies, and a
        # message too large to scan is the policy's `too_large` line, not a bounce.
        return SMTP(handler, data_size_limit=None, enable_SMTPUTF8=True, hostname=name)

    server = loop.run_until_complete(loop.create_server(protocol, sock=sock))
    stopping = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)

    async def until_stopped() -> None:
        await stopping.wait()
        server.close()
        deadline = loop.time() + grace
        while handler.in_flight and loop.time() < deadline:
            await asyncio.sleep(0.05)
        if handler.in_flight:
            log.warning(
                "stopping with %d message(s) unanswered: Postfix retries them", handler.in_flight
            )

    try:
        loop.run_until_complete(until_stopped())
    finally:
        loop.close()


def _forked_worker(
    parent: int, sock: socket.socket, make_handler: Callable[[], Handler], grace: float
) -> None:
    """A worker that dies with its parent: a gateway killed outright (SIGKILL) must not leave
    workers holding the port that its restart needs."""
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before we asked
        return
    # Not the parent's handlers: a SIGTERM while the models load simply ends the worker
    # (it has nothing in flight yet); `run_worker` takes the signals once it serves.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    run_worker(sock, make_handler, grace)


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: systemd's KillMode stops the workers
        log.warning("workers will not stop by themselves if the gateway is killed")


def serve(
    sock: socket.socket, make_handler: Callable[[], Handler], processes: int, grace: float
) -> None:
    """Run `processes` workers on the socket (in this process when 1) until SIGTERM/SIGINT."""
    if processes <= 1:
        run_worker(sock, make_handler, grace)
        return
    context = multiprocessing.get_context("fork")
    stopping = False

    parent = os.getpid()

    def start() -> multiprocessing.process.BaseProcess:
        worker = context.Process(
            target=_forked_worker, args=(parent, sock, make_handler, grace), daemon=False
        )
        worker.start()
        return worker

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    workers = [start() for _ in range(processes)]
    log.info("%d worker processes: %s", processes, ", ".join(str(w.pid) for w in workers))
    try:
        while not stopping:
            time.sleep(0.2)
            for index, worker in enumerate(workers):
                if not worker.is_alive() and not stopping:
                    log.error(
                        "worker %s ended (exit %s); starting another", worker.pid, worker.exitcode
                    )
                    time.sleep(RESTART_PAUSE_SECONDS)
                    workers[index] = start()
    finally:
        for worker in workers:
            if worker.is_alive() and worker.pid is not None:
                os.kill(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.join(grace + 5)
            if worker.is_alive():
                worker.kill()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
