"""The installation key: made once, private, and refused when it is not a key."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mailwarden.knowledge.keyfile import KEY_BYTES, KeyFileError, load_or_create_key


def test_the_first_run_makes_a_private_random_key_and_later_runs_read_it(tmp_path: Path) -> None:
    path = tmp_path / "etc" / "mailwarden" / "mailwarden.key"

    first = load_or_create_key(path)

    assert len(first) == KEY_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == first
    assert load_or_create_key(tmp_path / "other.key") != first
    assert [p.name for p in path.parent.iterdir()] == ["mailwarden.key"]  # no temporary left


def test_a_key_the_administrator_made_is_used_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "site.key"
    path.write_bytes(b"0123456789abcdef0123")
    assert load_or_create_key(path) == b"0123456789abcdef0123"


def test_a_key_too_short_to_be_secret_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "short.key"
    path.write_bytes(b"secret")
    with pytest.raises(KeyFileError, match=r"short\.key is too short \(6 bytes"):
        load_or_create_key(path)


def test_an_empty_key_file_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "empty.key"
    path.touch()
    with pytest.raises(KeyFileError, match="too short"):
        load_or_create_key(path)
    assert path.read_bytes() == b""


def test_a_key_path_that_is_a_folder_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="cannot read the installation key"):
        load_or_create_key(tmp_path)


def test_a_key_path_through_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the key's folder should be")
    with pytest.raises(KeyFileError, match=r"installation key .*not-a-folder/mailwarden\.key"):
        load_or_create_key(blocker / "mailwarden.key")
