"""Limits against hostile input, and the per-message budget that enforces them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from mailwarden.extract.errors import BombDetected, TimeLimitExceeded, TooDeep, TooManyParts


@dataclass(frozen=True, slots=True)
class ExtractionLimits:
    """Safe defaults; every value can be set in the config's `[limits]` table."""

    max_total_bytes: int = 256 * 1024 * 1024
    """Decompressed bytes across the whole message (archives, office files, nested mail)."""
    max_file_bytes: int = 64 * 1024 * 1024
    """Decompressed bytes of any one file or archive member."""
    max_compression_ratio: float = 100.0
    """Uncompressed/compressed size above which a zip member is a bomb."""
    max_depth: int = 5
    """Nesting of archives and attached messages inside each other."""
    max_archive_members: int = 2000
    """Members of one archive (zip, or an office file's container)."""
    max_text_chars: int = 10_000_000
    """Characters of text kept from one message; the rest is not scanned and is reported."""
    seconds_per_message: float = 20.0
    """Wall-clock time for extracting one message."""


@dataclass(slots=True)
class Budget:
    """What one message has used of its limits; shared by every extractor it reaches."""

    limits: ExtractionLimits
    started: float = field(default_factory=time.monotonic)
    bytes_used: int = 0
    chars_used: int = 0
    chars_dropped: int = 0
    """Text past `max_text_chars`, not scanned: the extract stage reports it as a problem."""
    first_cut: str = ""
    """Where text was first dropped for the character limit."""

    @property
    def deadline(self) -> float:
        return self.started + self.limits.seconds_per_message

    def check_time(self) -> None:
        """Raise when the message's time budget has run out."""
        if time.monotonic() > self.deadline:
            raise TimeLimitExceeded(
                f"time limit of {self.limits.seconds_per_message:g}s per message reached"
            )

    def charge_bytes(self, count: int, what: str) -> None:
        """Account for `count` decompressed bytes; raise past the file or total limit."""
        if count > self.limits.max_file_bytes:
            raise BombDetected(f"{what} decompresses to over {self.limits.max_file_bytes:,} bytes")
        self.bytes_used += count
        if self.bytes_used > self.limits.max_total_bytes:
            raise BombDetected(
                f"message decompresses to over {self.limits.max_total_bytes:,} bytes"
            )

    def check_ratio(self, uncompressed: int, compressed: int, what: str) -> None:
        """Raise when a member's compression ratio marks it as a bomb."""
        ratio = uncompressed / max(compressed, 1)
        if uncompressed > 1024 * 1024 and ratio > self.limits.max_compression_ratio:
            raise BombDetected(
                f"{what} has compression ratio {ratio:,.0f}:1 "
                f"(limit {self.limits.max_compression_ratio:g}:1)"
            )

    def check_depth(self, depth: int, what: str) -> None:
        if depth > self.limits.max_depth:
            raise TooDeep(f"{what} is nested {depth} levels deep (limit {self.limits.max_depth})")

    def check_members(self, count: int, what: str) -> None:
        if count > self.limits.max_archive_members:
            raise TooManyParts(
                f"{what} has {count} members (limit {self.limits.max_archive_members})"
            )

    def take_text(self, text: str, where: str = "") -> str:
        """Return as much of `text` as the message's character budget allows."""
        room = self.limits.max_text_chars - self.chars_used
        kept = text if len(text) <= room else text[: max(room, 0)]
        self.chars_used += len(kept)
        if len(kept) < len(text):
            self.chars_dropped += len(text) - len(kept)
            self.first_cut = self.first_cut or where
        return kept
