"""Bytes → `Message`, tolerant of what real mail contains and capped against hostile input.

The standard library's parser (modern policy) does the MIME work. Before it sees
the bytes we cap the header block (its size and line count), because the header
parser has had quadratic-time bugs; while walking the tree we cap depth and the
number of parts. What breaks a rule becomes a `ParseProblem`, never an exception.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
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

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_BODY_TYPES = frozenset({"text/plain", "text/html"})


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """Caps applied before and while the MIME tree is read."""

    max_header_bytes: int = 256 * 1024
    max_header_lines: int = 2000
    max_mime_depth: int = 20
    max_parts: int = 500


def parse_message(raw: bytes, limits: ParseLimits | None = None) -> Message:
    """Parse RFC 5322 bytes into a `Message`; never raises on malformed input."""
    limits = limits or ParseLimits()
    problems: list[ParseProblem] = []
    raw = _cap_header_block(raw, limits, problems)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    message = message_from_email(parsed, limits, problems)
    message.size = len(raw)
    return message


def message_from_email(
    parsed: EmailMessage, limits: ParseLimits, problems: list[ParseProblem] | None = None
) -> Message:
    """Build a `Message` from an already parsed `EmailMessage`."""
    problems = problems if problems is not None else []
    message = Message(problems=problems)
    message.subject = _header_text(parsed, "subject", problems)
    senders = _addresses(parsed, "from", problems)
    message.sender = senders[0] if senders else None
    for field in AddressField:
        for mailbox in _addresses(parsed, field.value, problems):
            message.recipients.append(Recipient(mailbox, field))
    message.message_id = _header_text(parsed, "message-id", problems).strip()
    message.in_reply_to = _header_text(parsed, "in-reply-to", problems).strip()
    message.references = _header_text(parsed, "references", problems).split()
    message.date = _date(parsed, problems)
    _collect_parts(parsed, message, limits, depth=0, counter=[0])
    for defect in parsed.defects:
        problems.append(ParseProblem("message", _defect_text(defect)))
    return message


def _cap_header_block(raw: bytes, limits: ParseLimits, problems: list[ParseProblem]) -> bytes:
    match = _HEADER_END.search(raw, 0, limits.max_header_bytes + 4)
    header_end = match.start() if match else min(len(raw), limits.max_header_bytes)
    headers, rest = raw[:header_end], raw[header_end:]
    if header_end >= limits.max_header_bytes and match is None:
        problems.append(
            ParseProblem("headers", f"header block over {limits.max_header_bytes} bytes; cut")
        )
        rest = b"\r\n\r\n" + rest
    lines = headers.splitlines()
    if len(lines) > limits.max_header_lines:
        problems.append(
            ParseProblem("headers", f"over {limits.max_header_lines} header lines; rest ignored")
        )
        headers = b"\n".join(lines[: limits.max_header_lines])
    return headers + rest


def _header_text(parsed: EmailMessage, name: str, problems: list[ParseProblem]) -> str:
    raw = _raw_header(parsed, name)
    if _has_8bit(raw):
        problems.append(ParseProblem(f"header:{name}", _EIGHT_BIT_NOTE))
        return _decode_8bit(raw)
    try:
        value = parsed.get(name)
    except Exception as exc:  # the header registry raises several kinds on garbage
        problems.append(ParseProblem(f"header:{name}", f"unreadable header: {exc!r}"))
        return _raw_header(parsed, name)
    return "" if value is None else str(value)


def _raw_header(parsed: EmailMessage, name: str) -> str:
    """The header's first value as written, without the header registry's parsing."""
    values = _raw_headers(parsed, name)
    return values[0] if values else ""


def _raw_headers(parsed: EmailMessage, name: str) -> list[str]:
    """Every value of the header as written, unfolded."""
    return [" ".join(str(v).split()) for k, v in parsed.raw_items() if k.lower() == name]


_EIGHT_BIT_NOTE = "raw 8-bit characters in a header; read as UTF-8, else Windows-1252"


def _has_8bit(text: str) -> bool:
    """True when the parser kept undecodable header bytes as surrogate escapes."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _decode_8bit(text: str) -> str:
    """Header text with raw 8-bit bytes: UTF-8 if it is, else Windows-1252 (UK mail's usual)."""
    data = text.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _addresses(parsed: EmailMessage, name: str, problems: list[ParseProblem]) -> list[Address]:
    raw_values = _raw_headers(parsed, name)
    if any(_has_8bit(v) for v in raw_values):
        problems.append(ParseProblem(f"header:{name}", _EIGHT_BIT_NOTE))
        raw_values = [_decode_8bit(v) for v in raw_values]
    else:
        try:
            raw_values = [str(v) for v in parsed.get_all(name) or []]
        except Exception as exc:
            problems.append(ParseProblem(f"header:{name}", f"unreadable address header: {exc}"))
    found: list[Address] = []
    for raw in raw_values:
        addresses, problem = parse_address_header(raw)
        found.extend(addresses)
        if problem:
            problems.append(ParseProblem(f"header:{name}", problem))
    return found


def _date(parsed: EmailMessage, problems: list[ParseProblem]) -> Any:
    raw = _header_text(parsed, "date", problems)
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        problems.append(ParseProblem("header:date", f"unreadable date {raw[:60]!r}"))
        return None


def _collect_parts(
    node: EmailMessage, message: Message, limits: ParseLimits, depth: int, counter: list[int]
) -> None:
    if depth > limits.max_mime_depth:
        message.problems.append(
            ParseProblem(
                "mime", f"MIME nesting deeper than {limits.max_mime_depth}; rest skipped", True
            )
        )
        return
    if node.is_multipart() and node.get_content_type() != "message/rfc822":
        _collect_text_outside_parts(node, message)
        for child in node.iter_parts():
            if counter[0] >= limits.max_parts:
                message.problems.append(
                    ParseProblem("mime", f"more than {limits.max_parts} parts; rest skipped", True)
                )
                return
            assert isinstance(child, EmailMessage)
            _collect_parts(child, message, limits, depth + 1, counter)
        return
    if node.get_content_maintype() == "multipart" and not node.is_multipart():
        if _recover_multipart(node, message, limits, depth, counter):
            return
        node = _as_plain_text(node)
    counter[0] += 1
    try:
        message.parts.append(_leaf(node, counter[0], message.problems, depth > 0))
    except Exception as exc:  # a header the registry cannot parse: keep the bytes, unlabelled
        message.problems.append(ParseProblem(f"part-{counter[0]}", f"unreadable part: {exc!r}"))
        payload = node.get_payload()
        raw = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
        message.parts.append(Part("application/octet-stream", raw, f"part-{counter[0]}"))


def _collect_text_outside_parts(node: EmailMessage, message: Message) -> None:
    """A multipart's preamble and epilogue: mail readers hide them, but a sender can put
    anything there, so they are scanned as body text."""
    for text in (node.preamble, node.epilogue):
        if text and text.strip():
            message.parts.append(
                Part("text/plain", text.encode("utf-8", "surrogateescape"), "", True, "utf-8")
            )


_DELIMITER_LINE = re.compile(r"^--([^\s]{1,70}?)(?:--)?[ \t]*\r?$", re.MULTILINE)


def _recover_multipart(
    node: EmailMessage, message: Message, limits: ParseLimits, depth: int, counter: list[int]
) -> bool:
    """A multipart whose boundary is missing or wrong: find the delimiter the body uses.

    Senders' software that drops the boundary parameter still writes the
    delimiter lines, so the first line that looks like one names it.
    """
    payload = node.get_payload()
    if not isinstance(payload, str):
        return False
    found = _DELIMITER_LINE.search(payload)
    if found is None:
        return False
    boundary = found.group(1)
    head = f'Content-Type: {node.get_content_type()}; boundary="{boundary}"\r\n\r\n'
    body = payload.encode("utf-8", "surrogateescape")
    rebuilt = email.message_from_bytes(head.encode() + body, policy=email.policy.default)
    if not rebuilt.is_multipart():
        return False
    message.problems.append(
        ParseProblem("mime", f"multipart without a usable boundary; read with {boundary!r}")
    )
    assert isinstance(rebuilt, EmailMessage)
    _collect_parts(rebuilt, message, limits, depth, counter)
    return True


def _as_plain_text(node: EmailMessage) -> EmailMessage:
    """An unreadable multipart's body, to be scanned as the plain text it is."""
    text = EmailMessage(policy=email.policy.default)
    text["Content-Type"] = "text/plain"
    payload = node.get_payload()
    text.set_payload(payload if isinstance(payload, str) else "")
    return text


def _leaf(
    node: EmailMessage, index: int, problems: list[ParseProblem], report_defects: bool = True
) -> Part:
    content_type = node.get_content_type()
    try:
        filename = node.get_filename() or ""
    except Exception:  # malformed RFC 2231 parameters
        filename = ""
    disposition = node.get_content_disposition()
    is_body = content_type in _BODY_TYPES and disposition != "attachment" and not filename
    payload = _payload_bytes(node, content_type, index, problems)
    if not filename and not is_body:
        filename = f"part-{index}{_extension_for(content_type)}"
    charset = node.get_content_charset()
    for defect in node.defects if report_defects else ():
        problems.append(ParseProblem(filename or "body", _defect_text(defect)))
    return Part(content_type, payload, filename, is_body, charset)


def _payload_bytes(
    node: EmailMessage, content_type: str, index: int, problems: list[ParseProblem]
) -> bytes:
    if content_type == "message/rfc822" or node.get_content_maintype() == "message":
        inner = node.get_payload()
        if isinstance(inner, list) and inner:
            first = inner[0]
            if not isinstance(first, email.message.Message):
                return b""
            try:
                return bytes(first.as_bytes(policy=email.policy.default.clone(linesep="\r\n")))
            except Exception as exc:
                problems.append(
                    ParseProblem(f"part-{index}", f"unreadable attached message: {exc}")
                )
                return b""
    try:
        payload = node.get_payload(decode=True)
    except Exception as exc:
        problems.append(ParseProblem(f"part-{index}", f"undecodable payload: {exc}"))
        return b""
    if isinstance(payload, bytes):
        return payload
    raw = node.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _extension_for(content_type: str) -> str:
    return {
        "text/plain": ".txt",
        "text/html": ".html",
        "message/rfc822": ".eml",
        "application/pdf": ".pdf",
        "text/calendar": ".ics",
        "text/csv": ".csv",
    }.get(content_type, "")


def _defect_text(defect: object) -> str:
    text = defect.__doc__ or type(defect).__name__
    return f"{type(defect).__name__}: {text.strip().splitlines()[0]}"
