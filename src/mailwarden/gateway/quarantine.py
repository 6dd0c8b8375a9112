"""Durable holds: a held message is on disk, and recorded, before anyone is told 250.

Each hold is two files in the quarantine folder, both written to a temporary
name, fsynced, renamed into place, and the folder fsynced after each rename:

    ID.eml    the message exactly as Postfix handed it over
    ID.json   the record: sender, the held recipients, why, when

The message goes first and the record second, so a record always has its
message; a crash between the two leaves an unrecorded .eml that an operator
can see (not a record pointing at nothing). Any OS failure (a full disk, a
folder we may not write) raises `QuarantineError`, which the filter turns
into a 4xx so Postfix keeps the message queued.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


class QuarantineError(Exception):
    """The quarantine could not store a message durably."""


@dataclass(frozen=True, slots=True)
class Hold:
    """One held message's record."""

    id: str
    sender: str
    recipients: tuple[str, ...]
    reasons: tuple[str, ...] = ()
    held_at: float = field(default_factory=time.time)


class Quarantine:
    """A folder of held messages; `hold` returns only once the hold is durable."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def hold(
        self, raw: bytes, sender: str, recipients: list[str], reasons: list[str] | None = None
    ) -> str:
        """Store one message for these recipients; its ID once message and record are durable."""
        hold_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + secrets.token_hex(8)
        record = Hold(hold_id, sender, tuple(recipients), tuple(reasons or ()))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._write(f"{hold_id}.eml", raw)
            self._write(f"{hold_id}.json", json.dumps(asdict(record), indent=1).encode())
        except OSError as exc:
            raise QuarantineError(
                f"could not store a held message in {self.folder}: {exc.strerror or exc}"
            ) from exc
        return hold_id

    def held(self) -> list[Hold]:
        """Every recorded hold, oldest first."""
        holds = []
        for path in sorted(self.folder.glob("*.json")):
            data = json.loads(path.read_text())
            holds.append(
                Hold(
                    data["id"],
                    data["sender"],
                    tuple(data["recipients"]),
                    tuple(data["reasons"]),
                    data["held_at"],
                )
            )
        return holds

    def message(self, hold_id: str) -> bytes:
        """The held message's bytes."""
        return (self.folder / f"{hold_id}.eml").read_bytes()

    def _write(self, name: str, data: bytes) -> None:
        final = self.folder / name
        temporary = self.folder / f".{name}.tmp"
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, final)
        directory = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
