"""Durable holds: the file is fsynced before the row is committed, both before `hold` returns,
and any failure is a `QuarantineError` that leaves neither a row without its file nor a file
without its row."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.postgres import PostgresServer

from mailwarden.gateway.quarantine import (
    HeldRecipient,
    Quarantine,
    QuarantineError,
    RecipientState,
)
from mailwarden.record import HoldStore, open_record_database
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.rules.base import Verdict

SENDER = "ann.smith@example.police.uk"
RAW = (
    b"From: Ann Smith <ann.smith@example.police.uk>\r\n"
    b"To: j.smith@example.net, dsl@greenfield.sch.uk\r\n"
    b"Subject: Referral: the Evans children\r\n"
    b"Message-ID: <ref-0093@example.police.uk>\r\n"
    b"\r\n"
    b"Case AB/25/0093: Mia and Leo Evans, both at Greenfield School.\r\n"
)
WRONG = HeldRecipient("j.smith@example.net", Verdict.HOLD, ("names two children",))
RIGHT = HeldRecipient("dsl@greenfield.sch.uk", Verdict.CONFIRM, ("carries special category data",))


def hold_one(quarantine: Quarantine) -> str:
    return quarantine.hold(
        RAW, SENDER, [WRONG, RIGHT], "Referral: the Evans children", "<ref-0093@example.police.uk>"
    )


def rows(url: str) -> int:
    """Holds recorded, as a reviewer opening the database afresh sees them."""
    store = HoldStore(open_record_database(url))
    try:
        return len(store.list(None))
    finally:
        store.close()


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("holds.db"))


@pytest.fixture
def quarantine(tmp_path: Path) -> Iterator[Quarantine]:
    with Quarantine(tmp_path / "q") as q:
        yield q


# ---- a hold, and reading it back ----------------------------------------------------------


def test_a_held_message_is_a_file_and_a_row_before_hold_returns(
    quarantine: Quarantine, tmp_path: Path
) -> None:
    hold_id = hold_one(quarantine)
    assert (tmp_path / "q" / f"{hold_id}.eml").read_bytes() == RAW
    with Quarantine(tmp_path / "q") as reviewer:  # another process's view: only what is durable
        hold = reviewer.get(hold_id)
        assert reviewer.message(hold_id) == RAW
        assert reviewer.held() == [hold]
    assert (hold.sender, hold.subject, hold.message_id) == (
        SENDER,
        "Referral: the Evans children",
        "<ref-0093@example.police.uk>",
    )
    assert (hold.digest, hold.size, hold.path) == (
        hashlib.sha256(RAW).hexdigest(),
        len(RAW),
        f"{hold_id}.eml",
    )
    assert hold.recipients == (WRONG, RIGHT)
    assert hold.relay == socket.gethostname()
    assert datetime.now(UTC) - timedelta(minutes=1) < hold.held_at <= datetime.now(UTC)
    assert files(tmp_path / "q") == [f"{hold_id}.eml"]


def test_the_record_database_may_be_elsewhere(database_url: str, tmp_path: Path) -> None:
    with Quarantine(tmp_path / "q", database_url) as quarantine:
        hold_id = hold_one(quarantine)
        assert quarantine.message(hold_id) == RAW
        assert [r.address for r in quarantine.get(hold_id).still_held()] == [
            WRONG.address,
            RIGHT.address,
        ]
    assert files(tmp_path / "q") == [f"{hold_id}.eml"]
    assert not (tmp_path / "q" / "holds.db").exists()
    assert rows(database_url) == 1


def test_a_decision_is_recorded_and_the_hold_leaves_the_queue(quarantine: Quarantine) -> None:
    hold_id = hold_one(quarantine)
    quarantine.mark(hold_id, [WRONG.address], RecipientState.REJECTED, "r.khan", "wrong school")
    assert [h.id for h in quarantine.held()] == [hold_id]
    after = quarantine.mark(hold_id, [RIGHT.address], RecipientState.RELEASED, "r.khan")
    assert [(r.state, r.decided_by) for r in after.recipients] == [
        (RecipientState.REJECTED, "r.khan"),
        (RecipientState.RELEASED, "r.khan"),
    ]
    assert quarantine.held() == []
    assert quarantine.held(None) == [after]


def test_ids_are_distinct_unguessable_and_sort_by_time(quarantine: Quarantine) -> None:
    ids = [quarantine.hold(RAW, SENDER, [RIGHT]) for _ in range(30)]
    assert len(set(ids)) == 30
    for hold_id in ids:
        stamp, random = hold_id.split("-")
        assert datetime.strptime(stamp, "%Y%m%dT%H%M%S")
        assert len(random) == 16 and int(random, 16) >= 0
    assert [h.id for h in quarantine.held()] == ids


def test_a_recipient_named_twice_is_held_once(quarantine: Quarantine) -> None:
    twice = HeldRecipient(RIGHT.address.upper(), Verdict.HOLD, ("again",))
    hold_id = quarantine.hold(RAW, SENDER, [RIGHT, twice])
    assert quarantine.get(hold_id).recipients == (RIGHT,)


def test_what_no_database_can_store_is_cleaned_not_refused(
    database_url: str, tmp_path: Path
) -> None:
    """A NUL or undecodable bytes in a header must not make the hold fail for ever."""
    odd = HeldRecipient("x" * 400 + "@example.net", Verdict.HOLD, ("marked\x00",))
    with Quarantine(tmp_path / "q", database_url) as quarantine:
        hold_id = quarantine.hold(RAW, "ann\udcff@example.police.uk", [odd], "Re:\x00 \udce9t\xe9")
        hold = quarantine.get(hold_id)
    assert (hold.sender, hold.subject) == ("ann?@example.police.uk", "Re: ?t\xe9")
    assert hold.recipients[0].address == odd.address
    assert hold.recipients[0].reasons == ("marked",)


def test_a_hold_needs_a_recipient(quarantine: Quarantine, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        quarantine.hold(RAW, SENDER, [])
    assert files(tmp_path / "q") == []


def test_an_unknown_id_is_hold_not_found(quarantine: Quarantine) -> None:
    from mailwarden.gateway.quarantine import HoldNotFound

    with pytest.raises(HoldNotFound):
        quarantine.get("20261124T120000-0000000000000000")
    with pytest.raises(HoldNotFound):
        quarantine.message("../../etc/passwd")


# ---- the folder fails: QuarantineError, and no row ----------------------------------------


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only folder")
def test_an_unwritable_folder_is_an_error_and_records_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'holds.db'}"
    folder = tmp_path / "q"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with (
            Quarantine(folder, url) as quarantine,
            pytest.raises(QuarantineError, match="could not store a held message"),
        ):
            hold_one(quarantine)
    finally:
        folder.chmod(0o700)
    assert rows(url) == 0


def test_a_folder_gone_is_an_error_and_records_nothing_new(tmp_path: Path) -> None:
    """Works as root too: the folder was replaced by a file under a running gateway."""
    url = f"sqlite:///{tmp_path / 'holds.db'}"
    folder = tmp_path / "q"
    with Quarantine(folder, url) as quarantine:
        hold_one(quarantine)
        shutil.rmtree(folder)
        folder.write_text("not a folder")
        with pytest.raises(QuarantineError, match=f"could not store a held message in {folder}"):
            hold_one(quarantine)
    assert rows(url) == 1


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB file system (tmpfs); skipped where mounting is not allowed."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_is_an_error_and_leaves_nothing(tiny_disk: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'holds.db'}"
    with Quarantine(tiny_disk, url) as quarantine:
        small = quarantine.hold(RAW, SENDER, [RIGHT])
        with pytest.raises(QuarantineError, match="No space left on device"):
            quarantine.hold(RAW + b"x" * 200_000, SENDER, [RIGHT])
        assert [h.id for h in quarantine.held()] == [small]
    assert files(tiny_disk) == [f"{small}.eml"]


def test_a_failed_fsync_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """fsync can fail after every write succeeded (EIO); the hold is then not durable."""
    url = f"sqlite:///{tmp_path / 'holds.db'}"
    with Quarantine(tmp_path / "q", url) as quarantine:

        def failing(fd: int) -> None:
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(os, "fsync", failing)
        with pytest.raises(QuarantineError, match="Input/output error"):
            hold_one(quarantine)
        monkeypatch.undo()
    assert files(tmp_path / "q") == []
    assert rows(url) == 0


# ---- the database fails: QuarantineError, and no stray file -------------------------------


def test_a_commit_that_fails_removes_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "q"
    with Quarantine(folder) as quarantine:
        kept = hold_one(quarantine)
        with sqlite3.connect(folder / "holds.db") as admin:  # the recipients' table is gone
            admin.execute("DROP TABLE hold_recipients")
        with pytest.raises(QuarantineError, match="could not record a held message"):
            hold_one(quarantine)
    assert files(folder) == [f"{kept}.eml"]
    with sqlite3.connect(folder / "holds.db") as admin:
        assert admin.execute("SELECT id FROM holds").fetchall() == [(kept,)]


def test_postgresql_down_is_an_error_and_the_next_hold_works_again(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    """The store stopped mid-run: 451 (no stray file), and holds go through when it is back."""
    url = postgres_server.create_database()
    folder = tmp_path / "q"
    with Quarantine(folder, url) as quarantine:
        before = hold_one(quarantine)
        postgres_server.stop()
        try:
            with pytest.raises(QuarantineError, match="could not record a held message"):
                hold_one(quarantine)
            assert files(folder) == [f"{before}.eml"]
        finally:
            postgres_server.start()
        after = hold_one(quarantine)
        assert [h.id for h in quarantine.held()] == [before, after]
    assert files(folder) == sorted([f"{before}.eml", f"{after}.eml"])


def test_a_database_that_cannot_be_opened_is_a_quarantine_error(tmp_path: Path) -> None:
    with pytest.raises(QuarantineError, match="SQLite or PostgreSQL") as caught:
        Quarantine(tmp_path / "q", "mysql://warden:s3cret@db.example.police.uk/holds")
    assert "s3cret" not in str(caught.value)


# ---- retention ----------------------------------------------------------------------------------


def test_a_purge_deletes_decided_holds_with_their_files_and_keeps_the_undecided(
    quarantine: Quarantine, tmp_path: Path
) -> None:
    decided, waiting = hold_one(quarantine), hold_one(quarantine)
    quarantine.mark(decided, [WRONG.address], RecipientState.REJECTED, "r.khan")
    quarantine.mark(decided, [RIGHT.address], RecipientState.RELEASED, "r.khan")
    quarantine.mark(waiting, [RIGHT.address], RecipientState.RELEASED, "r.khan")
    later = datetime.now(UTC) + timedelta(seconds=1)

    assert quarantine.purge(later, "dpo@example.police.uk") == 1

    assert [h.id for h in quarantine.held(None)] == [waiting]
    assert files(tmp_path / "q") == [f"{waiting}.eml"]
    trail = AuditTrail(quarantine.store.engine)
    [entry] = [e for e in trail.entries() if e.action == Action.PURGE]
    assert (entry.actor, entry.details["deleted"]) == ("dpo@example.police.uk", 1)
    assert quarantine.purge(later, "dpo@example.police.uk") == 0


def test_a_purge_keeps_what_was_decided_after_the_cutoff(quarantine: Quarantine) -> None:
    decided = hold_one(quarantine)
    quarantine.mark(decided, [WRONG.address, RIGHT.address], RecipientState.RETURNED, "ann")

    assert quarantine.purge(datetime.now(UTC) - timedelta(days=1), "dpo") == 0
    assert [h.id for h in quarantine.held(None)] == [decided]
