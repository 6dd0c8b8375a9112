"""Signed confirmations: the sender said "send anyway" to a `confirm` verdict, for exactly
this content and these recipients. Pure; the pre-send API signs, the gateway verifies.

    check (API) ── content_digest(report) ──▶ sign_confirmation ──▶ header on the sent message
    gateway     ── content_digest(report) ──▶ apply_confirmation: verify, then the signed
                                              recipients' `confirm` verdicts become deliver;
                                              `hold` and `reject` stand

The digest is taken over what survives a mail client's re-encoding of the draft it
checked: the sender's address, the subject and the visible body text (each with
whitespace collapsed, case kept, Unicode NFC), and the SHA-256 of each attachment's
bytes with line endings made LF (sorted). The body is the text/plain alternative when
there is one, else the text of the HTML; a multipart's "This is a multi-part message
in MIME format." preamble is not body text. Not covered: file names, content types,
transfer encodings, the MIME structure, Date and Message-ID.

The header's value is `v1.PAYLOAD.SIGNATURE`: PAYLOAD is URL-safe base64 of JSON
`{"c": check ID, "s": sender, "d": digest, "e": expiry (Unix seconds), "r": keyed
8-byte hashes of the signed recipients}`, SIGNATURE an HMAC-SHA256 (itsdangerous) under a
key derived from the installation key for this purpose alone. The recipients are hashed,
not listed, so a copy of the header in the delivered message does not name the Bcc
recipients. Whitespace in the value is ignored (a folded header still verifies).

Errors::

    ConfirmationError          plain words: why the gateway did not honour the header
     └── ConfirmationExpired   genuine, but past its expiry
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header
from email.parser import BytesHeaderParser
from email.policy import compat32

from itsdangerous import BadSignature, Signer

from mailwarden.extract.formats.html import html_to_text
from mailwarden.extract.formats.textcodec import decode_text
from mailwarden.knowledge.keyfile import MIN_KEY_BYTES
from mailwarden.message.model import Message
from mailwarden.report import ScanReport
from mailwarden.rules.base import Verdict

CONFIRMATION_HEADER = "X-Mailwarden-Confirmation"
PURPOSE = b"mailwarden pre-send confirmations"
"""What the signing key is derived for; another purpose gets another key."""
VERSION = "v1"
DIGEST_VERSION = "mailwarden content v1"
RECIPIENT_HASH_BYTES = 8
"""Per recipient in the header: 64 keyed bits; a forger without the key cannot aim at one."""
SIGNED_VERDICTS = (Verdict.DELIVER, Verdict.CONFIRM)
"""The recipients a confirmation covers: those the check let through or asked about."""
_HEADER_BLOCK_LIMIT = 1024 * 1024
_LATEST = 253402300799
"""9999-12-31T23:59:59Z: no genuine expiry is later."""
_PREAMBLE = re.compile(r"this is a multi-?part message in mime format\.?", re.IGNORECASE)


class ConfirmationError(Exception):
    """A confirmation that is not honoured; the message says why, in plain words."""


class ConfirmationExpired(ConfirmationError):
    """A genuine confirmation, past its expiry."""


@dataclass(frozen=True, slots=True)
class Confirmed:
    """A verified confirmation: this sender confirmed this content to these recipients."""

    check_id: str
    sender: str
    recipients: tuple[str, ...]
    """The message's recipients, every one of them covered by the signature."""
    expires: datetime


# ── the content digest ────────────────────────────────────────────────────────────────────


def content_digest(report: ScanReport) -> str:
    """SHA-256 (hex) of the message's sender, subject, visible body and attachments."""
    return message_digest(report.message)


def message_digest(message: Message) -> str:
    """`content_digest` of a parsed message (see the module docstring for what it covers)."""
    sender = message.sender.address if message.sender is not None else ""
    attachments = sorted(
        hashlib.sha256(_lf(part.payload)).hexdigest() for part in message.attachments
    )
    fields = [DIGEST_VERSION, sender.lower(), normalise(message.subject), body_text(message)]
    encoded = json.dumps([*fields, attachments], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def body_text(message: Message) -> str:
    """The body as a reader sees it, normalised: the plain alternative, else the HTML's text."""
    bodies = [p for p in message.body_parts if p.content_type in ("text/plain", "text/html")]
    plain = [
        text
        for p in bodies
        if p.content_type == "text/plain"
        and (text := normalise(decode_text(p.payload, p.charset)))
        and not _PREAMBLE.fullmatch(text)
    ]
    if plain:
        return " ".join(plain)
    html = [normalise(html_to_text(decode_text(p.payload, p.charset))) for p in bodies]
    return " ".join(text for text in html if text)


def normalise(text: str) -> str:
    """Whitespace runs as one space, no space at the ends, Unicode NFC; case kept."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _lf(data: bytes) -> bytes:
    """Line endings as LF: mail may carry a text file in canonical CRLF form."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


# ── signing and verifying ─────────────────────────────────────────────────────────────────


def sign_confirmation(
    key: bytes,
    sender: str,
    recipients: Iterable[str],
    digest: str,
    expires: datetime,
    check_id: str = "",
) -> str:
    """The header value confirming this content (`digest`) from `sender` to `recipients`."""
    signing_key = _derived(key)
    hashes = b"".join(sorted({_recipient_hash(signing_key, r) for r in recipients}))
    payload = {
        "c": check_id,
        "s": sender.strip().lower(),
        "d": digest,
        "e": int(expires.timestamp()),
        "r": base64.urlsafe_b64encode(hashes).decode("ascii").rstrip("="),
    }
    data = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
    encoded = base64.urlsafe_b64encode(data).rstrip(b"=")
    return f"{VERSION}.{_signer(signing_key).sign(encoded).decode('ascii')}"


def verify_confirmation(
    key: bytes,
    value: str,
    sender: str,
    recipients: Iterable[str],
    digest: str,
    now: datetime,
) -> Confirmed:
    """The confirmation if `value` is genuine, unexpired, and covers this sender, content
    and every one of these recipients; else `ConfirmationError` saying which failed."""
    signing_key = _derived(key)
    claim = _claim(signing_key, value)
    expires = datetime.fromtimestamp(claim.expires, UTC)
    if now > expires:
        raise ConfirmationExpired(f"the confirmation expired at {expires:%Y-%m-%d %H:%M:%S} UTC")
    if claim.sender != sender.strip().lower():
        raise ConfirmationError(f"the confirmation was made for another sender than {sender}")
    if not hmac.compare_digest(claim.digest, digest):
        raise ConfirmationError("the message's content is not what was confirmed")
    wanted = tuple(dict.fromkeys(r.strip().lower() for r in recipients))
    if not wanted:
        raise ConfirmationError("the message has no recipients to confirm")
    unconfirmed = [r for r in wanted if _recipient_hash(signing_key, r) not in claim.recipients]
    if unconfirmed:
        raise ConfirmationError(f"not confirmed for {', '.join(unconfirmed)}")
    return Confirmed(claim.check_id, claim.sender, wanted, expires)


def apply_confirmation(
    report: ScanReport,
    value: str,
    key: bytes,
    now: datetime,
    sender: str | None = None,
    recipients: Iterable[str] = (),
) -> ScanReport:
    """For the gateway: the report with each `confirm` verdict delivered, when `value` (the
    message's `X-Mailwarden-Confirmation`) confirms this content from this sender to every
    recipient. `sender` and `recipients` are the envelope's when known (the header's
    recipients count too, so a Bcc must have been confirmed). `hold` and `reject` stand.
    Raises `ConfirmationError` with the reason it was refused; the report is then to be
    used as it was."""
    if report.failed_internally:
        raise ConfirmationError("the message was not judged in full")
    if sender is None:
        sender = report.message.sender.address if report.message.sender is not None else ""
    named = [d.recipient.mailbox.address or d.recipient.mailbox.raw for d in report.decisions]
    confirmed = verify_confirmation(
        key, value, sender, [*named, *recipients], content_digest(report), now
    )
    by = f"confirmed by {confirmed.sender} before sending"
    if confirmed.check_id:
        by += f" (check {confirmed.check_id})"
    decisions = [
        dataclasses.replace(d, verdict=Verdict.DELIVER, decided_by=by)
        if d.verdict is Verdict.CONFIRM
        else d
        for d in report.decisions
    ]
    return dataclasses.replace(report, decisions=decisions)


def confirmation_header(raw: bytes) -> str | None:
    """The first `X-Mailwarden-Confirmation` in a message's header block, unfolded; None
    when there is none."""
    ends = (raw.find(sep, 0, _HEADER_BLOCK_LIMIT) for sep in (b"\r\n\r\n", b"\n\n"))
    end = min((i for i in ends if i >= 0), default=_HEADER_BLOCK_LIMIT)
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:end] + b"\r\n\r\n")
    value = headers.get(CONFIRMATION_HEADER)
    if value is None:
        return None
    # A client's mail library may fold the long value into RFC 2047 encoded words
    # (Python's email package does): decode them, then drop the folding whitespace.
    decoded = "".join(
        part.decode(charset or "ascii", "replace") if isinstance(part, bytes) else part
        for part, charset in decode_header(str(value))
    )
    return "".join(decoded.split())


def _derived(key: bytes) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the installation key is too short ({len(key)} bytes)")
    return hmac.new(key, PURPOSE, hashlib.sha256).digest()


def _signer(signing_key: bytes) -> Signer:
    return Signer(signing_key, salt=b"mailwarden.confirmation", digest_method=hashlib.sha256)


def _recipient_hash(signing_key: bytes, address: str) -> bytes:
    digest = hmac.new(signing_key, b"recipient:" + address.strip().lower().encode(), "sha256")
    return digest.digest()[:RECIPIENT_HASH_BYTES]


@dataclass(frozen=True, slots=True)
class _Claim:
    """What a genuine header value says."""

    check_id: str
    sender: str
    digest: str
    expires: int
    recipients: frozenset[bytes]


def _claim(signing_key: bytes, value: str) -> _Claim:
    """The signed claim of a well-formed, genuine value; else `ConfirmationError`."""
    invalid = ConfirmationError("the confirmation is not valid (altered, or another key)")
    version, _, signed = "".join(value.split()).partition(".")
    if version != VERSION:
        raise ConfirmationError("this is not a mailwarden confirmation")
    try:
        encoded = _signer(signing_key).unsign(signed.encode("ascii"))
        data = json.loads(_unbase64(encoded))
        hashes = _unbase64(data["r"].encode("ascii"))
        claim = _Claim(
            data["c"],
            data["s"],
            data["d"],
            data["e"],
            frozenset(
                hashes[i : i + RECIPIENT_HASH_BYTES]
                for i in range(0, len(hashes), RECIPIENT_HASH_BYTES)
            ),
        )
    except (BadSignature, binascii.Error, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise invalid from exc
    fields = (claim.check_id, claim.sender, claim.digest)
    if not all(isinstance(f, str) for f in fields) or type(claim.expires) is not int:
        raise invalid
    if not 0 < claim.expires < _LATEST:
        raise invalid
    return claim


def _unbase64(data: bytes) -> bytes:
    return base64.urlsafe_b64decode(data + b"=" * (-len(data) % 4))
