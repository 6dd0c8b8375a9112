"""A hard stop for work that overruns its deadline, for the one call that never returns.

The stages check their budget cooperatively; this is the backstop for a library
call stuck in a loop on hostile input. It uses SIGALRM, so it works only in the
main thread of a POSIX process; elsewhere it does nothing and the cooperative
checks are the only limit. `HardStop` is a BaseException so that libraries'
broad `except Exception` blocks cannot swallow it.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class HardStop(BaseException):
    """The deadline passed while work was still running."""


@contextmanager
def hard_deadline(deadline: float) -> Iterator[None]:
    """Raise `HardStop` in the block when `time.monotonic()` passes `deadline`."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise HardStop

    outer_delay, _ = signal.getitimer(signal.ITIMER_REAL)
    outer_deadline = time.monotonic() + outer_delay if outer_delay else None
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_deadline is not None:  # give back an enclosing timer (a test timeout, say)
            signal.setitimer(signal.ITIMER_REAL, max(outer_deadline - time.monotonic(), 0.001))
