"""Durable holds: on disk and recorded before `hold` returns; a failure is a clear error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mailwarden.gateway.quarantine import Quarantine, QuarantineError

RAW = b"From: a@example.gov.uk\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nbody\r\n"


def test_held_message_is_on_disk_before_hold_returns(tmp_path: Path) -> None:
    quarantine = Quarantine(tmp_path / "q")
    hold_id = quarantine.hold(RAW, "a@example.gov.uk", ["b@example.com"], ["marked"])
    assert (tmp_path / "q" / f"{hold_id}.eml").read_bytes() == RAW
    assert quarantine.message(hold_id) == RAW
    [hold] = quarantine.held()
    assert (hold.id, hold.sender, hold.recipients, hold.reasons) == (
        hold_id,
        "a@example.gov.uk",
        ("b@example.com",),
        ("marked",),
    )
    assert not list((tmp_path / "q").glob(".*.tmp"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only folder")
def test_unwritable_folder_raises_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "q"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(QuarantineError, match="could not store a held message"):
            Quarantine(folder).hold(RAW, "a@x", ["b@y"])
    finally:
        folder.chmod(0o700)


def test_folder_that_is_a_file_raises_clear_error(tmp_path: Path) -> None:
    """Works as root too: the folder cannot be created."""
    blocker = tmp_path / "q"
    blocker.write_text("not a folder")
    with pytest.raises(QuarantineError, match="could not store a held message"):
        Quarantine(blocker / "sub").hold(RAW, "a@x", ["b@y"])


def test_full_disk_raises_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(QuarantineError, match="No space left on device"):
        Quarantine(tmp_path / "q").hold(RAW, "a@x", ["b@y"])
