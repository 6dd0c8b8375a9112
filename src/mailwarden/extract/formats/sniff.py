"""What a file's first bytes say it is, whatever its name and declared type claim.

Senders' clients label attachments loosely: a PDF as `notes.txt`, a DOCX as
application/octet-stream. Magic bytes, when they say anything, overrule the
label; when they say nothing (text formats), the label decides.
"""

from __future__ import annotations

PDF = "pdf"
ZIP = "zip"
OLE = "ole"
RTF = "rtf"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""A compound file: Outlook .msg, legacy .doc/.xls/.ppt, and password-protected OOXML."""

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def magic_kind(head: bytes) -> str | None:
    """The format the first bytes announce (`pdf`, `zip`, `ole`, `rtf`), or None."""
    if b"%PDF-" in head:  # readers accept junk before the header, so look past the start
        return PDF
    if head.startswith(_ZIP_MAGIC):
        return ZIP
    if head.startswith(OLE_MAGIC):
        return OLE
    if head.startswith(b"{\\rtf"):
        return RTF
    return None


def recognise(
    head: bytes,
    labelled: bool,
    *,
    magic: frozenset[str] = frozenset(),
    allowed: frozenset[str] = frozenset(),
) -> bool:
    """Whether an extractor should read a file.

    `magic`: kinds whose bytes alone claim the file (a PDF whatever its name).
    `allowed`: kinds the labelled format may carry (a .docx is zip, or OLE when
    password-protected). `labelled`: the content type or extension names the format.
    Bytes that announce some other format overrule the label.
    """
    kind = magic_kind(head)
    if kind in magic:
        return True
    if kind is not None and kind not in allowed:
        return False
    return labelled
