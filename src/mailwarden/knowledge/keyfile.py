"""The installation key: the secret every keyed hash in the store is made with.

Created on first use (32 random bytes, mode 0600, parent folders made), then read
as it is. Losing it makes every key in the store unmatchable, as if forgotten;
a copy of it with a copy of the store makes the store's hashes guessable again
(a name list run through the HMAC), so keep it out of the database's backups.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_BYTES = 32
"""What a new key is made of."""
MIN_KEY_BYTES = 16
"""Shorter than this is not a key (`Keyer` refuses it too)."""


class KeyFileError(Exception):
    """The installation key cannot be read or made; the message names the file."""


def load_or_create_key(path: Path) -> bytes:
    """The key in `path`, made first when there is no file there."""
    try:
        secret = path.read_bytes()
    except FileNotFoundError:
        return _create(path)
    except OSError as exc:
        raise KeyFileError(f"cannot read the installation key {path}: {exc.strerror}") from exc
    if len(secret) < MIN_KEY_BYTES:
        raise KeyFileError(
            f"the installation key {path} is too short ({len(secret)} bytes; "
            f"at least {MIN_KEY_BYTES} are needed)"
        )
    return secret


def _create(path: Path) -> bytes:
    """Written whole to a private temporary file, then linked into place: a process that
    races us reads either no file or the whole key, never half of one."""
    secret = secrets.token_bytes(KEY_BYTES)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secret)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
    except FileExistsError:  # another process made it first: use theirs
        return load_or_create_key(path)
    except OSError as exc:
        raise KeyFileError(f"cannot create the installation key {path}: {exc.strerror}") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return secret
