"""Outlook .msg files → one typed `Message`.

extract-msg reads the compound file from bytes (nothing is written to disk).
Recipients come from the recipient table (To, Cc and Bcc, each with display
name and SMTP address), not from Outlook's display strings, and go through the
same strict parser as RFC 5322 headers: an Exchange-internal address (an X.500
DN) or a missing one becomes an `Address` with an empty `address`, a recipient
we cannot name, so the message is held, never read as "no recipient".

The body is the plain text when there is one, else the HTML, else the RTF body
(given as text/rtf for the extract stage). RTF is never de-encapsulated here
(extract-msg would do it with RTFDE). Attachments become `Part`s; an embedded
message is exported as .msg bytes (application/vnd.ms-outlook) so it is read
the same way, one nesting level at a time. An attachment that cannot be read
is a `ParseProblem` located at "attachment:NAME".
"""

from __future__ import annotations

import email.utils
from datetime import datetime
from typing import Any

from mailwarden.message.addresses import parse_address_header
from mailwarden.message.model import (
    Address,
    AddressField,
    Message,
    ParseProblem,
    Part,
    Recipient,
)

MSG_CONTENT_TYPE = "application/vnd.ms-outlook"
MAX_ATTACHMENTS = 500
ATTACHMENT_PROBLEM = "attachment:"
"""Prefix of the location of a problem with one attachment: "attachment:NAME"."""
TOO_MANY_ATTACHMENTS = "attachments"
"""Location of the problem recorded when attachments past `max_attachments` are skipped."""

_FIELDS = {1: AddressField.TO, 2: AddressField.CC, 3: AddressField.BCC}
_ATTACH_DATA, _ATTACH_MSG, _ATTACH_WEB, _ATTACH_SIGNED_EMBEDDED = 0, 1, 2, 6


class MsgError(Exception):
    """The bytes are not an Outlook message that can be read."""


class EncryptedMsg(MsgError):
    """An S/MIME-encrypted or rights-protected message: its content cannot be read."""


def message_from_msg_bytes(data: bytes, max_attachments: int = MAX_ATTACHMENTS) -> Message:
    """Read an Outlook .msg file into a `Message`.

    Raises `EncryptedMsg` when its content is encrypted and `MsgError` when the
    bytes are not a readable .msg; a damaged attachment or address is a
    `ParseProblem` in the returned message instead.
    """
    import extract_msg
    from extract_msg.enums import ErrorBehavior

    try:  # a broken attachment becomes an object to report, not an exception for the whole file
        msg = extract_msg.openMsg(
            data, delayAttachments=True, errorBehavior=ErrorBehavior.ATTACH_SUPPRESS_ALL
        )
    except Exception as exc:  # olefile and extract-msg raise many kinds on a bad file
        if "rpmsg" in str(exc).lower():
            raise EncryptedMsg(f"rights-protected Outlook message: {exc}") from exc
        raise MsgError(f"not a readable Outlook message: {exc}") from exc
    try:
        return _message(msg, max_attachments, len(data))
    except MsgError:
        raise
    except Exception as exc:
        raise MsgError(f"Outlook message cannot be read: {type(exc).__name__}: {exc}") from exc
    finally:
        msg.close()


def _message(msg: Any, max_attachments: int, size: int) -> Message:
    message = Message(size=size)
    message.subject = _text(getattr(msg, "subject", None))
    senders, problem = parse_address_header(_text(getattr(msg, "sender", None)))
    message.sender = senders[0] if senders else None
    if problem:
        message.problems.append(ParseProblem("header:from", problem))
    message.recipients = _recipients(msg, message.problems)
    message.message_id = _text(getattr(msg, "messageId", None)).strip()
    message.in_reply_to = _text(getattr(msg, "inReplyTo", None)).strip()
    message.references = _text(msg.getStringStream("__substg1.0_1039")).split()
    date = getattr(msg, "date", None)
    message.date = date if isinstance(date, datetime) else None
    class_type = _text(msg.classType).lower()
    if class_type.startswith("ipm.note.smime") and not class_type.endswith("multipartsigned"):
        raise EncryptedMsg("S/MIME-encrypted Outlook message: its content cannot be read")
    body = _body(msg)
    if body is not None:
        message.parts.append(body)
    message.parts.extend(_attachments(msg, max_attachments, message.problems))
    return message


def _recipients(msg: Any, problems: list[ParseProblem]) -> list[Recipient]:
    found: list[Recipient] = []
    for recipient in getattr(msg, "recipients", []):
        field = _FIELDS.get(int(recipient.type))
        if field is None:  # the originator's own row
            continue
        name, address = _text(recipient.name), _text(recipient.email)
        if address:
            raw = email.utils.formataddr((name, address))
            mailboxes, problem = parse_address_header(raw)
        else:
            raw, mailboxes = name, []
            problem = f"recipient {name!r} has no address"
        if not mailboxes:
            mailboxes = [Address("", name, raw)]
        if problem:
            problems.append(ParseProblem(f"header:{field.value}", problem))
        found.extend(Recipient(mailbox, field) for mailbox in mailboxes)
    return found


def _body(msg: Any) -> Part | None:
    plain = msg.getStringStream("__substg1.0_1000")
    if plain and plain.strip():
        return Part("text/plain", plain.encode("utf-8"), is_body=True, charset="utf-8")
    html = msg.getStream("__substg1.0_10130102")
    if html is None:
        html_text = msg.getStringStream("__substg1.0_1013")
        html = html_text.encode("utf-8") if html_text else None
    if html and html.strip():
        return Part("text/html", bytes(html), is_body=True)
    rtf = getattr(msg, "rtfBody", None)  # the compressed RTF stream, decompressed
    if rtf:
        return Part("text/rtf", bytes(rtf), is_body=True)
    return None


def _attachments(msg: Any, limit: int, problems: list[ParseProblem]) -> list[Part]:
    attachments = list(getattr(msg, "attachments", []))
    if len(attachments) > limit:
        problems.append(
            ParseProblem(TOO_MANY_ATTACHMENTS, f"more than {limit} attachments; rest skipped")
        )
    parts: list[Part] = []
    for index, attachment in enumerate(attachments[:limit], start=1):
        name = _attachment_name(attachment, index)
        try:
            part = _attachment(attachment, name)
        except Exception as exc:  # a damaged attachment must not lose the others
            problems.append(ParseProblem(f"{ATTACHMENT_PROBLEM}{name}", f"cannot be read: {exc}"))
            continue
        if part is not None:
            parts.append(part)
    return parts


def _attachment(attachment: Any, name: str) -> Part | None:
    kind = int(attachment.type)
    if kind == _ATTACH_WEB:
        return None  # a link to a file held elsewhere: nothing of it is in the message
    data = attachment.data
    if kind in (_ATTACH_MSG, _ATTACH_SIGNED_EMBEDDED) or hasattr(data, "exportBytes"):
        return Part(MSG_CONTENT_TYPE, bytes(data.exportBytes(allowBadEmbed=True)), name)
    if isinstance(data, bytes | bytearray):
        return Part(_text(getattr(attachment, "mimetype", None)).lower(), bytes(data), name)
    raise MsgError(f"attachment of type {type(attachment).__name__} holds no data")


def _attachment_name(attachment: Any, index: int) -> str:
    name = ""
    for attribute in ("longFilename", "shortFilename", "displayName"):
        try:
            name = _text(getattr(attachment, attribute, None)).strip()
        except Exception:  # a damaged property stream
            name = ""
        if name:
            break
    name = name.replace("\0", "").replace("/", "_").replace("\\", "_") or f"attachment-{index}"
    is_message = int(getattr(attachment, "type", -1)) in (_ATTACH_MSG, _ATTACH_SIGNED_EMBEDDED)
    if is_message and not name.lower().endswith(".msg"):
        name += ".msg"
    return name


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
