"""Where messages come from: .eml and .msg files, mbox files, Maildir and plain folders.

Readers only find and read bytes, streaming one message at a time; parsing is
the parse stage's job. Each item says where it came from so a report can point
back at it.
"""

from __future__ import annotations

import mailbox
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MESSAGE_SUFFIXES = (".eml", ".msg")


class InputFormat(StrEnum):
    RFC822 = "rfc822"
    OUTLOOK_MSG = "msg"


@dataclass(frozen=True, slots=True)
class InputItem:
    """One message's bytes and where they came from (`index` inside an mbox or Maildir)."""

    source: str
    data: bytes
    format: InputFormat
    index: int | None = None


class InputError(Exception):
    """A path given on the command line cannot be read as mail."""


def iter_inputs(paths: list[Path]) -> Iterator[InputItem]:
    """Every message under the paths, in the order given (folders sorted by name)."""
    for path in paths:
        if not path.exists():
            raise InputError(f"no such file or folder: {path}")
        if path.is_dir():
            yield from _iter_folder(path)
        else:
            yield from _iter_file(path)


def count_inputs(paths: list[Path]) -> int | None:
    """How many messages `iter_inputs` will give, when that is cheap to know (no mbox)."""
    total = 0
    for path in paths:
        if path.is_dir():
            if _is_maildir(path):
                total += sum(len(os.listdir(path / sub)) for sub in ("cur", "new"))
            else:
                total += sum(1 for _ in _message_files(path))
        elif path.is_file():
            if _looks_like_mbox(path):
                return None
            total += 1
    return total


def _iter_file(path: Path) -> Iterator[InputItem]:
    if _looks_like_mbox(path):
        for index, data in enumerate(iter_mbox(path)):
            yield InputItem(f"{path}#{index}", data, InputFormat.RFC822, index)
        return
    data = path.read_bytes()
    kind = InputFormat.OUTLOOK_MSG if data.startswith(OLE_MAGIC) else InputFormat.RFC822
    yield InputItem(str(path), data, kind)


def iter_mbox(path: Path) -> Iterator[bytes]:
    """Each message of an mbox file, read in one pass, one message in memory at a time.

    The stdlib's `mailbox.mbox` first indexes the whole file, which grows with the
    archive; a 10 GB export must stream. A message starts at a "From " line at the
    start of the file or after a blank line; its own "From " line is dropped and
    ">From " quoting (mboxrd) is undone, as `mailbox` does.
    """
    lines: list[bytes] = []
    previous_blank = True
    with path.open("rb") as handle:
        for line in handle:
            if line.startswith(b"From ") and previous_blank:
                if lines:
                    yield _mbox_message(lines)
                lines = []
                previous_blank = False
                continue
            lines.append(line)
            previous_blank = line in (b"\n", b"\r\n")
    if lines:
        yield _mbox_message(lines)


def _mbox_message(lines: list[bytes]) -> bytes:
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]  # the blank line that separates it from the next "From " line
    return b"".join(_MBOXRD_QUOTED.sub(rb"\1", line) for line in lines)


_MBOXRD_QUOTED = re.compile(rb"^>(>*From )")


def _iter_folder(path: Path) -> Iterator[InputItem]:
    if _is_maildir(path):
        box = mailbox.Maildir(path, factory=None, create=False)
        keys = sorted(box.iterkeys())
        for index, key in enumerate(keys):
            yield InputItem(f"{path}#{index}", box.get_bytes(key), InputFormat.RFC822, index)
        return
    for file in _message_files(path):
        yield from _iter_file(file)


def _message_files(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(MESSAGE_SUFFIXES) or name.lower().endswith(".mbox"):
                yield Path(root) / name


def _is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


def _looks_like_mbox(path: Path) -> bool:
    if path.suffix.lower() == ".mbox":
        return True
    with path.open("rb") as handle:
        return handle.read(5) == b"From "
