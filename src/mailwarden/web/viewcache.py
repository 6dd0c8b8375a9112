"""The message views the review pages have built, kept so that a held message (a 5 MB
attachment, say) is read once, not on every view.

`hold_view(scanner, quarantine, hold)` is what a route calls: the view of a held message,
marked with the findings the gateway kept with the hold (read again, not scanned: a
fraction of the cost); `cached_view(scanner, digest, load)` scans bytes of its own. Both
build only when the view of that SHA-256 (`Hold.digest`) is not kept. Each scanner (one
per app) has its own `ViewCache`: least recently used out first once its views hold more
than `MAX_CHARS` characters; thread-safe (routes run in a thread pool); a view is built
once however many reviewers open it at the same moment (the others wait for it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from weakref import WeakKeyDictionary

from mailwarden.gateway.quarantine import Quarantine
from mailwarden.record.holds import Hold
from mailwarden.scan import Scanner
from mailwarden.web.findings import MessageView, message_view

MAX_CHARS = 50_000_000
"""Characters of views kept per app (about 50 MB of text, plus Python's overhead)."""


class ViewCache:
    """Message views by digest, bounded by the characters they hold."""

    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self.max_chars = max_chars
        self.chars = 0
        self.builds = 0
        """Views built (misses): what a test or a measurement counts."""
        self._views: OrderedDict[str, MessageView] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}

    def view(self, digest: str, build: Callable[[], MessageView]) -> MessageView:
        """The kept view for `digest`, else `build()`'s, kept. `build`'s errors pass to the
        caller (and the next caller tries again)."""
        with self._lock:
            if (kept := self._hit(digest)) is not None:
                return kept
            building = self._building.setdefault(digest, threading.Lock())
        with building:
            with self._lock:
                if (kept := self._hit(digest)) is not None:
                    return kept
            built: MessageView | None = None
            try:
                built = build()
            finally:
                with self._lock:
                    if built is not None:
                        self.builds += 1
                        self._keep(digest, built)
                    self._building.pop(digest, None)
            return built

    def _hit(self, digest: str) -> MessageView | None:
        kept = self._views.get(digest)
        if kept is not None:
            self._views.move_to_end(digest)
        return kept

    def _keep(self, digest: str, view: MessageView) -> None:
        size = view.size
        if size > self.max_chars or digest in self._views:
            return
        self._views[digest] = view
        self.chars += size
        while self.chars > self.max_chars:
            _, oldest = self._views.popitem(last=False)
            self.chars -= oldest.size


_CACHES: WeakKeyDictionary[Scanner, ViewCache] = WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def views_of(scanner: Scanner) -> ViewCache:
    """This scanner's cache (views depend on the scanner's config); gone with it."""
    with _CACHES_LOCK:
        cache = _CACHES.get(scanner)
        if cache is None:
            cache = _CACHES[scanner] = ViewCache()
        return cache


def cached_view(scanner: Scanner, digest: str, load: Callable[[], bytes]) -> MessageView:
    """The view of the message with this digest; `load` gives its bytes, called only when
    the view is not kept. Errors from `load` pass to the caller."""
    return views_of(scanner).view(digest, lambda: message_view(scanner, load()))


def hold_view(scanner: Scanner, quarantine: Quarantine, hold: Hold) -> MessageView:
    """The view of a held message with the findings it was held for (scanned anew only for
    a hold that kept none). Raises `QuarantineError` when it cannot be read."""
    return views_of(scanner).view(
        hold.digest,
        lambda: message_view(scanner, quarantine.message(hold.id), quarantine.findings(hold.id)),
    )
