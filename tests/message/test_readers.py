"""Readers find every message under the paths given, in order, streaming."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from mailwarden.message.readers import (
    OLE_MAGIC,
    InputError,
    InputFormat,
    count_inputs,
    iter_inputs,
)


def _eml(subject: str) -> bytes:
    return f"From: a@example.org\nTo: b@example.org\nSubject: {subject}\n\nbody\n".encode()


def test_mbox_messages_come_in_order_with_their_index(tmp_path: Path) -> None:
    path = tmp_path / "sent.mbox"
    box = mailbox.mbox(path)
    for subject in ("first", "second", "third"):
        box.add(_eml(subject))
    box.close()
    items = list(iter_inputs([path]))
    assert [i.index for i in items] == [0, 1, 2]
    assert [i.source for i in items] == [f"{path}#0", f"{path}#1", f"{path}#2"]
    assert b"Subject: second" in items[1].data
    assert count_inputs([path]) is None  # an mbox is not counted up front


def test_maildir_and_plain_folders(tmp_path: Path) -> None:
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    for subject in ("a", "b"):
        maildir.add(_eml(subject))
    folder = tmp_path / "exported"
    (folder / "sub").mkdir(parents=True)
    (folder / "2.eml").write_bytes(_eml("two"))
    (folder / "1.eml").write_bytes(_eml("one"))
    (folder / "sub" / "3.msg").write_bytes(OLE_MAGIC + b"rest")
    (folder / "notes.txt").write_text("not mail")

    from_maildir = list(iter_inputs([tmp_path / "Maildir"]))
    assert len(from_maildir) == 2 and all(i.index is not None for i in from_maildir)

    from_folder = list(iter_inputs([folder]))
    assert [Path(i.source).name for i in from_folder] == ["1.eml", "2.eml", "3.msg"]
    assert from_folder[2].format is InputFormat.OUTLOOK_MSG
    assert count_inputs([folder, tmp_path / "Maildir"]) == 5


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(iter_inputs([tmp_path / "nope.eml"]))


def test_mbox_is_streamed_with_the_same_messages_as_the_stdlib_reads(tmp_path: Path) -> None:
    path = tmp_path / "archive.mbox"
    box = mailbox.mbox(path)
    bodies = [b"first\n\nFrom the start, a quoted line\n", b"second\n", b"third, no newline"]
    for n, body in enumerate(bodies):
        box.add(f"From: a@example.org\nSubject: {n}\n\n".encode() + body)
    box.close()
    stdlib = [mailbox.mbox(path).get_bytes(key) for key in mailbox.mbox(path).iterkeys()]
    assert b"\n>From the start" in stdlib[0]  # the stdlib leaves its own quoting in
    expected = [data.replace(b"\n>From ", b"\nFrom ") for data in stdlib]
    assert [item.data for item in iter_inputs([path])] == expected
