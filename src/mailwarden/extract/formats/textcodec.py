"""Bytes → str for text whose charset is declared, wrong, unknown or missing."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

_DETECTION_MIN_BYTES = 2048


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode with the declared charset when it works, else the detected one, else lossy UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    for charset in (declared, "utf-8"):
        if not charset:
            continue
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    if len(data) >= _DETECTION_MIN_BYTES:  # detection is unreliable on short text
        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, "replace")
    try:
        return data.decode("cp1252")  # undeclared 8-bit text in UK mail is almost always this
    except UnicodeDecodeError:
        return data.decode("latin-1")
