"""The content filter: Postfix hands a message over SMTP; we scan it, then act per recipient.

For each envelope recipient the scan's verdict decides: deliver → re-injected
to the next hop (smtplib, exactly those recipients); confirm or hold → stored
in the quarantine; reject → refused. Postfix is answered only after every
action is done:

    all delivered or held        250, after the next hop said 250 and holds are durable
    all rejected                 550, with the rules' plain-words descriptions (never content)
    some rejected, others not    250 (the refused recipients' bounce is still to come)
    any exception or timeout     451, so Postfix keeps the message queued and retries

Holds are written before re-injection: if re-injection then fails, Postfix
retries and the hold may be stored twice, which a reviewer can see; the other
order could deliver twice. An envelope recipient the headers do not name (Bcc)
gets the most severe verdict of the message; a message with no header
recipients at all is held.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from mailwarden.gateway.quarantine import Quarantine, QuarantineError
from mailwarden.gateway.replies import Reply
from mailwarden.report import ScanReport
from mailwarden.rules.base import Verdict

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 120.0
"""Scan plus actions for one message; past it Postfix gets a 451 and retries."""


class ScansBytes(Protocol):
    """What the filter needs of a `Scanner`."""

    def scan_bytes(self, raw: bytes, source: str = "") -> ScanReport: ...


class NextHopError(Exception):
    """The next hop did not accept the message for every recipient we gave it."""


@dataclass(slots=True)
class Plan:
    """The envelope recipients sorted by what happens to them, and why."""

    deliver: list[str] = field(default_factory=list)
    hold: list[str] = field(default_factory=list)
    reject: list[str] = field(default_factory=list)
    hold_reasons: list[str] = field(default_factory=list)
    reject_reasons: list[str] = field(default_factory=list)


def plan(report: ScanReport, recipients: Sequence[str], descriptions: dict[str, str]) -> Plan:
    """Each envelope recipient's verdict from the scan (see the module docstring for Bcc)."""
    by_address = {d.recipient.mailbox.address: d for d in report.decisions}
    worst = max((d.verdict for d in report.decisions), key=lambda v: v.rank, default=Verdict.HOLD)
    result = Plan()
    for recipient in recipients:
        decision = by_address.get(recipient.lower())
        verdict = decision.verdict if decision is not None else worst
        reasons = [r.rule for r in decision.reasons] if decision is not None else []
        if decision is None and verdict is not Verdict.DELIVER:
            reasons = [r.rule for d in report.decisions for r in d.reasons if d.verdict is worst]
        words = [descriptions.get(rule, rule) for rule in reasons]
        if verdict is Verdict.DELIVER:
            result.deliver.append(recipient)
        elif verdict is Verdict.REJECT:
            result.reject.append(recipient)
            result.reject_reasons.extend(w for w in words if w not in result.reject_reasons)
        else:
            result.hold.append(recipient)
            result.hold_reasons.extend(w for w in words if w not in result.hold_reasons)
    return result


class FilterHandler:
    """An aiosmtpd handler; the scanner is built once and shared by every message."""

    def __init__(
        self,
        scanner: ScansBytes,
        quarantine: Quarantine,
        next_hop: tuple[str, int],
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        descriptions: dict[str, str] | None = None,
    ) -> None:
        self.scanner = scanner
        self.quarantine = quarantine
        self.next_hop = next_hop
        self.timeout = timeout
        rules = getattr(scanner, "rules", ())
        self.descriptions = descriptions or {
            r.name: r.description.rstrip(".") for r in rules if hasattr(r, "description")
        }

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(
                    self.process, raw, envelope.mail_from or "", list(envelope.rcpt_tos)
                ),
                self.timeout,
            )
        except TimeoutError:
            log.error("message from %s timed out after %gs", envelope.mail_from, self.timeout)
            return str(Reply.S451_INTERNAL)
        except Exception:
            log.exception("message from %s: internal failure", envelope.mail_from)
            return str(Reply.S451_INTERNAL)

    def process(self, raw: bytes, sender: str, recipients: list[str]) -> str:
        """Scan, act, and the reply for Postfix; runs in a worker thread."""
        report = self.scanner.scan_bytes(raw, f"smtp:{sender}")
        todo = plan(report, recipients, self.descriptions)
        if todo.reject and not todo.deliver and not todo.hold:
            return Reply.S550_REFUSED.with_reason("; ".join(todo.reject_reasons))
        if todo.hold:
            try:
                hold_id = self.quarantine.hold(raw, sender, todo.hold, todo.hold_reasons)
            except QuarantineError as exc:
                log.error("%s", exc)
                return str(Reply.S451_QUARANTINE)
            log.info("held %s for %s", hold_id, ", ".join(todo.hold))
        if todo.deliver:
            try:
                self.reinject(raw, sender, todo.deliver)
            except (OSError, smtplib.SMTPException, NextHopError) as exc:
                log.error("re-injection to %s:%d failed: %s", *self.next_hop, exc)
                return str(Reply.S451_NEXT_HOP)
        if todo.reject:
            log.warning("refused %s (bounce not yet sent)", ", ".join(todo.reject))
        if todo.hold or todo.reject:
            return str(Reply.S250_HELD if todo.hold else Reply.S250_ACCEPTED)
        return str(Reply.S250_DELIVERED)

    def reinject(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        """Hand the message to the next hop for exactly these recipients; raise unless all 250."""
        host, port = self.next_hop
        with smtplib.SMTP(host, port, timeout=self.timeout) as smtp:
            refused = smtp.sendmail(sender, recipients, raw)
        if refused:
            raise NextHopError(f"refused {', '.join(refused)}")
