"""Build small, valid Outlook .msg files (MS-OXMSG) in code, for tests.

No library writes .msg from scratch, but extract-msg ships an OLE compound-file
writer (`extract_msg.ole_writer.OleWriter`). On top of it this module lays out
what MS-OXMSG asks of a message: the property stream with its header, string
properties as UTF-16 `__substg1.0_XXXX001F` streams, one storage per recipient
and per attachment, and embedded messages as `__substg1.0_3701000D` storages.
Outlook's own files carry many more properties; these are the ones a reader
needs, and extract-msg reads the result as it reads real mail.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime

from extract_msg.ole_writer import OleWriter

PT_LONG = 0x0003
PT_BOOLEAN = 0x000B
PT_OBJECT = 0x000D
PT_UNICODE = 0x001F
PT_SYSTIME = 0x0040
PT_BINARY = 0x0102

RECIPIENT_TYPES = {"to": 1, "cc": 2, "bcc": 3}
ATTACH_BY_VALUE = 1
ATTACH_EMBEDDED_MSG = 5
MSGFLAG_READ_SUBMITTED = 0x0001 | 0x0004  # read, and submitted (so it counts as sent)
STORE_UNICODE_OK = 0x00040000


@dataclass
class Attachment:
    filename: str
    data: bytes = b""
    mime_type: str = ""
    message: MsgSpec | None = None
    """An embedded message instead of file data."""


@dataclass
class MsgSpec:
    subject: str = ""
    body: str | None = None
    html: bytes | None = None
    sender_name: str = ""
    sender_address: str = ""
    recipients: list[tuple[str, str, str]] = field(default_factory=list)
    """(kind "to"/"cc"/"bcc", display name, SMTP address)."""
    message_id: str = ""
    sent: datetime | None = None
    attachments: list[Attachment] = field(default_factory=list)
    message_class: str = "IPM.Note"


def build_msg(spec: MsgSpec) -> bytes:
    """The bytes of a .msg file holding `spec`."""
    writer = OleWriter()
    _write_message(writer, [], spec, top_level=True)
    for stream in ("__substg1.0_00020102", "__substg1.0_00030102", "__substg1.0_00040102"):
        writer.addEntry(["__nameid_version1.0", stream], b"")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _write_message(writer: OleWriter, prefix: list[str], spec: MsgSpec, top_level: bool) -> None:
    props = _Props(writer, prefix)
    props.string(0x001A, spec.message_class)
    props.long(0x340D, STORE_UNICODE_OK)
    props.long(0x0E07, MSGFLAG_READ_SUBMITTED if spec.sent else 0)
    if spec.subject:
        props.string(0x0037, spec.subject)
    if spec.body is not None:
        props.string(0x1000, spec.body)
    if spec.html is not None:
        props.binary(0x1013, spec.html)
    if spec.sender_name:
        props.string(0x0C1A, spec.sender_name)
    if spec.sender_address:
        props.string(0x5D01, spec.sender_address)
        props.string(0x0C1F, spec.sender_address)
        props.string(0x0C1E, "SMTP")
    if spec.message_id:
        props.string(0x1035, spec.message_id)
    if spec.sent is not None:
        props.time(0x0039, spec.sent)
        props.time(0x0E06, spec.sent)
    for number, (kind, name, address) in enumerate(spec.recipients):
        recipient = _Props(writer, [*prefix, f"__recip_version1.0_#{number:08X}"])
        recipient.long(0x0C15, RECIPIENT_TYPES[kind])
        recipient.long(0x3000, number)
        recipient.string(0x3001, name)
        recipient.string(0x3002, "SMTP")
        recipient.string(0x3003, address)
        recipient.string(0x39FE, address)
        recipient.finish(b"\0" * 8)
    for number, attachment in enumerate(spec.attachments):
        storage = [*prefix, f"__attach_version1.0_#{number:08X}"]
        attach = _Props(writer, storage)
        attach.long(0x0E21, number)
        attach.string(0x3707, attachment.filename)
        attach.string(0x3704, attachment.filename[:12])
        attach.string(0x3001, attachment.filename)
        if attachment.mime_type:
            attach.string(0x370E, attachment.mime_type)
        if attachment.message is not None:
            attach.long(0x3705, ATTACH_EMBEDDED_MSG)
            attach.add(0x3701, PT_OBJECT, struct.pack("<II", 0xFFFFFFFF, 0))
            embedded = [*storage, "__substg1.0_3701000D"]
            writer.addEntry(embedded, storage=True)
            _write_message(writer, embedded, attachment.message, top_level=False)
        else:
            attach.long(0x3705, ATTACH_BY_VALUE)
            attach.binary(0x3701, attachment.data)
        attach.finish(b"\0" * 8)
    recipients, attachments = len(spec.recipients), len(spec.attachments)
    header = b"\0" * 8 + struct.pack("<IIII", recipients, attachments, recipients, attachments)
    props.finish(header + (b"\0" * 8 if top_level else b""))


class _Props:
    """A `__properties_version1.0` stream and the streams of its variable-size values."""

    def __init__(self, writer: OleWriter, prefix: list[str]) -> None:
        self.writer, self.prefix, self.entries = writer, prefix, b""

    def add(self, prop_id: int, prop_type: int, value: bytes) -> None:
        self.entries += struct.pack("<II", (prop_id << 16) | prop_type, 0x6) + value

    def long(self, prop_id: int, value: int) -> None:
        self.add(prop_id, PT_LONG, struct.pack("<Ii", value, 0))

    def time(self, prop_id: int, value: datetime) -> None:
        epoch = datetime(1601, 1, 1, tzinfo=UTC)
        ticks = int((value - epoch).total_seconds() * 10_000_000)
        self.add(prop_id, PT_SYSTIME, struct.pack("<Q", ticks))

    def string(self, prop_id: int, value: str) -> None:
        # the stream holds no terminating NUL; the size in the entry counts it
        self._stream(prop_id, PT_UNICODE, value.encode("utf-16-le"), terminator=2)

    def binary(self, prop_id: int, value: bytes) -> None:
        self._stream(prop_id, PT_BINARY, value)

    def _stream(self, prop_id: int, prop_type: int, data: bytes, terminator: int = 0) -> None:
        name = f"__substg1.0_{prop_id:04X}{prop_type:04X}"
        self.writer.addEntry([*self.prefix, name], data)
        self.add(prop_id, prop_type, struct.pack("<II", len(data) + terminator, 0))

    def finish(self, header: bytes) -> None:
        self.writer.addEntry([*self.prefix, "__properties_version1.0"], header + self.entries)
