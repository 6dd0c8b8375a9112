"""What the sender is told: a notice for a held message, a bounce for refused recipients.

Both are built by pure functions as `EmailMessage`s (policy SMTP: CRLF, folded
headers) and handed by `send` to the next hop, Postfix's unfiltered
re-injection listener, so they are not scanned again.

- `hold_notice` goes to the organisation's own staff member who sent the
  message. It may say what the rules found, in their explanations' plain words,
  with the signed link (`links.py`) to confirm or correct it. It quotes nothing
  else of the message; its Subject repeats the sender's own.
- `refusal_bounce` is an RFC 3464 delivery status notification, sent with the
  null envelope sender. A bounce can travel further than the sender (an alias,
  a forward, a list), so it carries *nothing* of the message: not its Subject
  (which can itself name a child), not its body, not the rules' explanations
  (which name what was found). Its reasons must be the rules' descriptions,
  what kind of problem it was; its headers part holds only Message-ID and Date.

Both carry Auto-Submitted (RFC 3834) and In-Reply-To/References to the
original Message-ID, so they thread with the sender's sent item.
"""

from __future__ import annotations

import re
import secrets
import smtplib
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

from mailwarden.config import Config
from mailwarden.gateway.replies import Reply
from mailwarden.policy.schema import Notices
from mailwarden.rules.base import Verdict

VERDICT_WORDS = {
    Verdict.DELIVER: "delivered",
    Verdict.CONFIRM: "waiting for your confirmation",
    Verdict.HOLD: "held for review",
    Verdict.REJECT: "refused",
}
"""What `{verdict}` says in a notice."""
NO_REASON = "The organisation's mail policy requires it."
"""`{reasons}` when no reason was recorded (a template still reads as a sentence)."""
SUBJECT_WITHHELD = "(subject not repeated)"
"""`{subject}` in a bounce: the Subject can carry a name, so a bounce never repeats it."""
NOTICE_FOOTER = "This notice was sent automatically by the organisation's outgoing-mail check."
BOUNCE_FOOTER = (
    "Nothing of the message's content is repeated here. "
    "This report was sent automatically by the organisation's outgoing-mail check."
)
WIDTH = 72
"""Plain-text paragraphs are wrapped here; a link or an address is never broken."""


class NoticeError(Exception):
    """The next hop did not take a notice or bounce for every recipient."""


@dataclass(frozen=True, slots=True)
class NoticeRecipient:
    """One held recipient of a message: its verdict, and the rules' explanations."""

    address: str
    verdict: Verdict
    reasons: tuple[str, ...] = ()


def hold_notice(
    *,
    sender: str,
    subject: str,
    message_id: str,
    recipients: Sequence[NoticeRecipient],
    notices: Notices,
    link: str,
    from_address: str,
) -> EmailMessage:
    """The notice to the sender of a held message: a paragraph per held recipient."""
    if not sender:
        raise ValueError("a message with the null sender has nobody to notify")
    templates = {Verdict.HOLD: notices.held, Verdict.CONFIRM: notices.confirm}
    unheld = [r.address for r in recipients if r.verdict not in templates]
    if unheld or not recipients:
        raise ValueError(f"a hold notice is for held recipients only, not {unheld or 'none'}")
    subject = _one_line(subject)
    paragraphs = [
        _fill(
            templates[r.verdict],
            recipient=r.address,
            sender=sender,
            subject=subject,
            reasons=_sentences(r.reasons),
            link=link,
            verdict=VERDICT_WORDS[r.verdict],
        )
        for r in recipients
    ]
    held = any(r.verdict is Verdict.HOLD for r in recipients)
    prefix = "Held" if held else "Please confirm"
    message = _envelope(from_address, sender, f"{prefix}: {subject or '(no subject)'}", message_id)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n\n".join([*paragraphs, _wrap(NOTICE_FOOTER)]) + "\n")
    return message


def refusal_bounce(
    *,
    sender: str,
    message_id: str,
    refused: Mapping[str, Sequence[str]],
    delivered: Sequence[str],
    held: Sequence[str],
    notices: Notices,
    reporting_mta: str,
    from_address: str,
    arrival: datetime,
    date: datetime | None = None,
) -> EmailMessage:
    """An RFC 3464 report to the sender: which recipients were refused and, in words, why.

    `refused` maps each refused address to the rules' *descriptions* (never their
    explanations); `date` is the original's Date, the only header of it repeated
    besides Message-ID. Send it with the null envelope sender ("").
    """
    if not sender:
        raise ValueError("a message with the null sender is never bounced")
    if not refused:
        raise ValueError("a refusal bounce needs at least one refused recipient")
    when = date or arrival
    message = _envelope(
        from_address, sender, f"Not sent: your message of {when:%d %b %Y %H:%M %z}", message_id
    )
    message["Auto-Submitted"] = "auto-replied"
    message["MIME-Version"] = "1.0"
    message["Content-Type"] = "multipart/report; report-type=delivery-status"
    message.attach(_human_part(sender, refused, delivered, held, notices))
    message.attach(_status_part(refused, reporting_mta, arrival))
    message.attach(_headers_part(message_id, date))
    return message


def notice_from(config: Config) -> str:
    """The From of notices and bounces: the configured one, else the organisation's postmaster."""
    if config.gateway.notice_from:
        return config.gateway.notice_from
    domains = config.organisation.domains
    return f"postmaster@{domains[0] if domains else 'localhost'}"


def send(
    message: EmailMessage,
    envelope_from: str,
    to: Sequence[str],
    next_hop: tuple[str, int],
    timeout: float = 30,
) -> None:
    """Hand a notice to the next hop; `NoticeError` unless every recipient was accepted.

    `envelope_from` is "" for a bounce (sent as MAIL FROM:<>).
    """
    if not to:
        raise ValueError("a notice needs at least one recipient")
    host, port = next_hop
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            refused = smtp.send_message(message, from_addr=envelope_from, to_addrs=list(to))
    except smtplib.SMTPRecipientsRefused as exc:
        refused = exc.recipients
    except (OSError, smtplib.SMTPException) as exc:
        raise NoticeError(f"{host}:{port} did not take the notice: {exc}") from exc
    if refused:
        said = "; ".join(f"{a} ({c} {m.decode(errors='replace')})" for a, (c, m) in refused.items())
        raise NoticeError(f"{host}:{port} refused {said}")


def _envelope(from_address: str, to: str, subject: str, original_id: str) -> EmailMessage:
    """The headers every notice has; threading headers only for a well-formed Message-ID."""
    message = EmailMessage(policy=SMTP)
    message["From"] = from_address
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<{secrets.token_hex(12)}.mailwarden@{domain}>"
    original = _message_id(original_id)
    if original:
        message["In-Reply-To"] = original
        message["References"] = original
    return message


def _human_part(
    sender: str,
    refused: Mapping[str, Sequence[str]],
    delivered: Sequence[str],
    held: Sequence[str],
    notices: Notices,
) -> EmailMessage:
    paragraphs = [
        _fill(
            notices.refused,
            recipient=address,
            sender=sender,
            subject=SUBJECT_WITHHELD,
            reasons=_sentences(reasons),
            link="",
            verdict=VERDICT_WORDS[Verdict.REJECT],
        )
        for address, reasons in refused.items()
    ]
    lines = []
    if delivered:
        lines.append(f"Delivered to: {', '.join(delivered)}.")
    if held:
        lines.append(f"Held (a separate notice says why): {', '.join(held)}.")
    if lines:
        paragraphs.append("\n".join(_wrap(line) for line in lines))
    part = EmailMessage(policy=SMTP)
    part.set_content("\n\n".join([*paragraphs, _wrap(BOUNCE_FOOTER)]) + "\n")
    del part["MIME-Version"]
    return part


def _status_part(
    refused: Mapping[str, Sequence[str]], reporting_mta: str, arrival: datetime
) -> EmailMessage:
    """message/delivery-status: the per-message block, then one block per refused recipient."""
    per_message = Message(policy=SMTP)
    per_message["Reporting-MTA"] = f"dns; {_one_line(reporting_mta)}"
    per_message["Arrival-Date"] = format_datetime(arrival)
    blocks: list[Message | str] = [per_message]
    for address, reasons in refused.items():
        block = Message(policy=SMTP)
        block["Final-Recipient"] = f"rfc822; {address}"
        block["Action"] = "failed"
        block["Status"] = Reply.S550_REFUSED.enhanced
        words = "; ".join(_one_line(r).rstrip(".") for r in reasons)
        block["Diagnostic-Code"] = f"smtp; {Reply.S550_REFUSED.with_reason(words)}"
        blocks.append(block)
    part = EmailMessage(policy=SMTP)
    part["Content-Type"] = "message/delivery-status"
    part.set_payload(blocks)
    return part


def _headers_part(message_id: str, date: datetime | None) -> EmailMessage:
    """text/rfc822-headers with only Message-ID and Date: nothing that can carry content."""
    lines = []
    original = _message_id(message_id)
    if original:
        lines.append(f"Message-ID: {original}")
    if date is not None:
        lines.append(f"Date: {format_datetime(date)}")
    part = EmailMessage(policy=SMTP)
    part["Content-Type"] = "text/rfc822-headers"
    part.set_payload("".join(f"{line}\r\n" for line in lines))
    return part


def _fill(template: str, **fields: str) -> str:
    """A template filled in and wrapped; the policy file has checked its placeholders."""
    text = template.format_map(fields)
    return "\n".join(_wrap(line) for line in text.splitlines())


def _wrap(line: str) -> str:
    return textwrap.fill(line, WIDTH, break_long_words=False, break_on_hyphens=False)


def _sentences(reasons: Sequence[str]) -> str:
    """Reasons as sentences, each ending in a full stop."""
    cleaned = [_one_line(r) for r in reasons if r.strip()]
    if not cleaned:
        return NO_REASON
    return " ".join(r if r.endswith((".", "!", "?")) else f"{r}." for r in cleaned)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _message_id(value: str) -> str:
    """`<id@host>` from a Message-ID header's text, or "" when it is not one."""
    value = value.strip()
    if re.fullmatch(r"[^<>\s@]+@[^<>\s@]+", value):
        value = f"<{value}>"
    return value if re.fullmatch(r"<[^<>\s@]+@[^<>\s@]+>", value) else ""
