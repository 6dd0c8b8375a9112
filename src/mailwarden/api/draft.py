"""A draft, JSON or MIME, as the bytes of the message the scanner reads: one pipeline.

A JSON draft becomes a real MIME message as a mail client writes one (the stdlib's
`EmailMessage`): text/plain, text/html or multipart/alternative of both, attachments
with their types and names, an attached .eml as message/rfc822. The From is the
sender the token may speak for (`auth.author`). A raw MIME draft is scanned as it is,
with a From added when it has none. Anything that cannot make a message is a
`DraftError` naming the field, which the API answers with 422.
"""

from __future__ import annotations

import binascii
import email.policy
import re
import secrets
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.parser import BytesParser

from mailwarden.api.models import Draft, DraftAttachment
from mailwarden.message.addresses import parse_address_header
from mailwarden.message.model import Address
from mailwarden.message.parse import ParseLimits, parse_message

_MEDIA_TYPE = re.compile(r"([a-z0-9][a-z0-9!#$&^_.+-]*)/([a-z0-9][a-z0-9!#$&^_.+-]*)", re.I)
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_LINE_BREAKS = re.compile(r"[\r\n\x00]")
_HEADER_BLOCK_LIMIT = 1024 * 1024
BASE64_LINE = 76
"""RFC 2045's longest base64 line."""


class DraftError(ValueError):
    """The draft cannot be made into a message; `field` says where ("cc[1]", "from")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def mailbox(text: str, field: str) -> Address:
    """Exactly one address, strictly parsed; `DraftError` otherwise."""
    found, problem = parse_address_header(text)
    if not found:
        raise DraftError(field, "is empty")
    if len(found) > 1:
        raise DraftError(field, "names more than one address")
    address: Address = found[0]
    if problem or not address.is_valid:
        raise DraftError(field, f"{text.strip()[:200]!r} is not an address")
    if not address.address.isascii():
        raise DraftError(field, "addresses that are not ASCII are not checked")
    return address


def mime_from_draft(draft: Draft, author: Address) -> bytes:
    """The message a mail client would send for this draft, from `author`."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = _header_address(author, "from")
    for name, addresses in (("To", draft.to), ("Cc", draft.cc), ("Bcc", draft.bcc)):
        field = name.lower()
        if addresses:
            message[name] = [
                _header_address(mailbox(a, f"{field}[{i}]"), f"{field}[{i}]")
                for i, a in enumerate(addresses)
            ]
    if draft.subject:
        message["Subject"] = _one_line(draft.subject, "subject")
    if draft.in_reply_to:
        message["In-Reply-To"] = _message_id(draft.in_reply_to, "in_reply_to")
    if draft.references:
        message["References"] = " ".join(
            _message_id(r, f"references[{i}]") for i, r in enumerate(draft.references)
        )
    if draft.html and draft.text is not None:
        message.set_content(draft.text)
        message.add_alternative(draft.html, subtype="html")
    elif draft.html:
        message.set_content(draft.html, subtype="html")
    else:
        message.set_content(draft.text or "")
    bodies: dict[bytes, bytes] = {}
    for index, attachment in enumerate(draft.attachments):
        _attach(message, attachment, f"attachments[{index}]", bodies)
    raw = message.as_bytes()
    for placeholder, body in bodies.items():
        raw = raw.replace(placeholder, body, 1)
    return raw


def with_author(raw: bytes, author: Address) -> bytes:
    """A MIME draft without a From, given one, in the line endings it uses."""
    first_line = raw.split(b"\n", 1)[0]
    newline = b"\r\n" if first_line.endswith(b"\r") else b"\n"
    header = _header_address(author, "from")
    return b"From: " + str(header).encode("ascii") + newline + raw


def mime_sender(raw: bytes, limits: ParseLimits) -> Address | None:
    """The From of a MIME draft (its first mailbox, as the scanner reads it); None if none."""
    ends = (raw.find(sep, 0, _HEADER_BLOCK_LIMIT) for sep in (b"\r\n\r\n", b"\n\n"))
    end = min((i for i in ends if i >= 0), default=min(len(raw), _HEADER_BLOCK_LIMIT))
    sender = parse_message(raw[:end] + b"\r\n\r\n", limits).sender
    if sender is not None and not sender.is_valid:
        raise DraftError("from", f"{sender.raw[:200]!r} is not an address")
    return sender


def _header_address(address: Address, field: str) -> HeaderAddress:
    try:
        return HeaderAddress(
            display_name=_one_line(address.display_name, field), addr_spec=address.address
        )
    except (ValueError, IndexError) as exc:
        raise DraftError(field, f"{address.address!r} is not an address") from exc


def _one_line(text: str, field: str) -> str:
    if _LINE_BREAKS.search(text):
        raise DraftError(field, "contains a line break")
    return text


def _message_id(text: str, field: str) -> str:
    value = text.strip()
    if not _MESSAGE_ID.fullmatch(value):
        raise DraftError(field, f"{value[:200]!r} is not a message ID like <id@host>")
    return value


def _attach(
    message: EmailMessage, attachment: DraftAttachment, field: str, bodies: dict[bytes, bytes]
) -> None:
    """Attach the file. Its body is the draft's own base64 (checked strictly, then cut into
    lines) put in place after the message is written, under a random placeholder: the
    stdlib encodes and writes base64 a line at a time, which took a third of a 2 MB PDF
    draft's check (bench/presend.py; now an eighth)."""
    filename = _one_line(attachment.filename, f"{field}.filename")
    encoded = "".join(attachment.content_base64.split())
    try:
        data = binascii.a2b_base64(encoded, strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise DraftError(f"{field}.content_base64", "is not base64") from exc
    media = _MEDIA_TYPE.fullmatch(attachment.content_type.split(";", 1)[0].strip())
    if media is None:
        raise DraftError(
            f"{field}.content_type",
            f"{attachment.content_type[:100]!r} is not a media type like application/pdf",
        )
    maintype, subtype = media.group(1).lower(), media.group(2).lower()
    if (maintype, subtype) == ("message", "rfc822"):
        # as a mail client attaches a message: the message itself, not its bytes in base64
        attached = BytesParser(policy=email.policy.default).parsebytes(data)
        message.add_attachment(attached, filename=filename)
        return
    if maintype in ("multipart", "message"):
        maintype, subtype = "application", "octet-stream"  # a part's type, not a container's
    message.add_attachment(b"", maintype=maintype, subtype=subtype, filename=filename)
    placeholder = f"mailwarden-attachment-{secrets.token_hex(16)}"
    parts = message.get_payload()
    assert isinstance(parts, list)
    part = parts[-1]
    assert isinstance(part, EmailMessage) and part["Content-Transfer-Encoding"] == "base64"
    part.set_payload(placeholder)
    lines = [encoded[i : i + BASE64_LINE] for i in range(0, len(encoded), BASE64_LINE)]
    bodies[placeholder.encode()] = "\r\n".join(lines).encode("ascii")
