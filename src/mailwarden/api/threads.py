"""The worker threads the API's blocking work runs in, so the event loop stays free.

Drafts are scanned in at most `[api] scan_threads` at once (the scan holds the GIL:
more threads would slow every draft down, not finish more). Record database calls run
in at most `DATABASE_THREADS` at once, fewer than its connection pool holds, so each
call reuses a pooled connection instead of opening (and setting up) a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

DATABASE_THREADS = 4
"""Under SQLAlchemy's default pool of 5 connections."""

T = TypeVar("T")


class Threads:
    """The two thread limits; `start` makes them in the running event loop."""

    def __init__(self, scan_threads: int) -> None:
        self.scan_threads = scan_threads
        self._scan: anyio.CapacityLimiter | None = None
        self._database: anyio.CapacityLimiter | None = None

    def start(self) -> None:
        self._scan = anyio.CapacityLimiter(self.scan_threads)
        self._database = anyio.CapacityLimiter(DATABASE_THREADS)

    async def scan(self, call: Callable[..., T], *args: object) -> T:
        return await anyio.to_thread.run_sync(call, *args, limiter=self._scan)

    async def database(self, call: Callable[..., T], *args: object) -> T:
        return await anyio.to_thread.run_sync(call, *args, limiter=self._database)
