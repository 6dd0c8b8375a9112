"""The content filter: Postfix hands a message over SMTP; we scan it, then act per recipient.

For each envelope recipient the scan's verdict decides: deliver → re-injected to
the next hop (smtplib, exactly those recipients); confirm or hold → stored in the
quarantine; reject → refused. Postfix is answered only after every action is done:

    all delivered or held        250, after the next hop said 250 and holds are durable
    all rejected                 550, with the rules' one-line descriptions (never content);
                                 Postfix bounces it to the sender
    some rejected, others not    250, and mailwarden sends the sender a bounce for those
    our failure, or a timeout    451, so Postfix keeps the message queued and retries:
                                 a scan that failed, the knowledge store down, the
                                 quarantine or the next hop refusing

The actions run in this order, each only if the one before succeeded:

    1. learn the message as sent to the delivered recipients (the store is down → 451,
       before anything else is done; a retry learns it once)
    2. store the holds durably
    3. record: keep what a breach would need of the delivered copy (`record.sent`: the
       delivered recipients and the findings of a message with personal data in it, never
       the message; a retry is kept once), then the verdict in the audit trail (either
       cannot be written → 451: what was not recorded is not sent)
    4. re-inject for the delivered recipients
    5. notices: the sender's hold notice, the bounce for refused recipients (best
       effort: by then the message's fate is settled, so a failure is logged, not a 451)

An envelope recipient the headers do not name (Bcc) gets the most severe verdict of
the message; a message with no header recipients at all is held. A message whose
sender confirmed it before sending (an `X-Mailwarden-Confirmation` header from the
pre-send API, signed over this content, this sender and these recipients) has its
`confirm` verdicts delivered; `hold` and `reject` stand, and a header that does not
verify is ignored.

The duplicate window. A message is delivered twice only if Postfix does not hear our
250 after the next hop accepted the message: mailwarden killed between the two, or
the 250 lost on the wire. A timeout does not open it wider: when the time limit
passes, Postfix is answered 451 at once, and the worker thread, which cannot be
killed, checks before each action whether it was abandoned and stops there. What is
left is a worker already inside re-injection when the limit passed. A hold stored
before an abandonment or a failed re-injection is stored again on the retry (a
reviewer sees both; the other order could deliver twice). docs/deploy.md has the
measured figures.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from mailwarden.confirmation import ConfirmationError, apply_confirmation, confirmation_header
from mailwarden.gateway.learning import learn_delivered
from mailwarden.gateway.quarantine import HeldRecipient, Quarantine, QuarantineError
from mailwarden.gateway.replies import Reply
from mailwarden.knowledge.store import KnowledgeStore
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.sent import SentStore
from mailwarden.report import ScanReport
from mailwarden.rules.base import Verdict

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 120.0
"""Scan plus actions for one message; past it Postfix gets a 451 and retries."""


class ScansBytes(Protocol):
    """What the filter needs of a `Scanner`."""

    def scan_bytes(self, raw: bytes, source: str = "") -> ScanReport: ...


@dataclass(frozen=True, slots=True)
class Disposition:
    """One envelope recipient's verdict and why, in two registers."""

    address: str
    verdict: Verdict
    descriptions: tuple[str, ...] = ()
    """The rules' one-line descriptions: safe to send anywhere (an SMTP reply, a bounce)."""
    explanations: tuple[str, ...] = ()
    """The rules' own explanations, which may name people and cases: for the sender's
    notice and the reviewer only."""
    rules: tuple[str, ...] = ()
    """The names of the rules behind the verdict, for the audit trail."""


@dataclass(slots=True)
class Plan:
    """The envelope recipients sorted by what happens to them."""

    deliver: list[str] = field(default_factory=list)
    hold: list[Disposition] = field(default_factory=list)
    reject: list[Disposition] = field(default_factory=list)

    def reject_descriptions(self) -> list[str]:
        return list(dict.fromkeys(d for r in self.reject for d in r.descriptions))


class Notifies(Protocol):
    """Who tells the sender: `gateway.notifier.Notifier`."""

    def held(
        self, hold_id: str, sender: str, report: ScanReport, held: Sequence[Disposition]
    ) -> None:
        """The notice to the sender of a held message, with its signed link."""

    def refused(
        self,
        sender: str,
        report: ScanReport,
        refused: Sequence[Disposition],
        delivered: Sequence[str],
        held: Sequence[str],
    ) -> None:
        """The bounce for recipients refused while others of the message were not."""


class NextHopError(Exception):
    """The next hop did not accept the message for every recipient we gave it."""


class Abandoned(Exception):
    """Postfix was already told 451 (the time limit passed): do nothing more."""


def plan(report: ScanReport, recipients: Sequence[str], descriptions: dict[str, str]) -> Plan:
    """Each envelope recipient's verdict from the scan (see the module docstring for Bcc)."""
    by_address = {d.recipient.mailbox.address: d for d in report.decisions}
    worst = max((d.verdict for d in report.decisions), key=lambda v: v.rank, default=Verdict.HOLD)
    result = Plan()
    for recipient in recipients:
        decision = by_address.get(recipient.lower())
        if decision is not None:
            verdict, reasons = decision.verdict, list(decision.reasons)
        else:
            verdict = worst
            reasons = [r for d in report.decisions if d.verdict is worst for r in d.reasons]
        if verdict is Verdict.DELIVER:
            result.deliver.append(recipient)
            continue
        disposition = Disposition(
            recipient,
            verdict,
            tuple(dict.fromkeys(descriptions.get(r.rule, r.rule) for r in reasons)),
            tuple(dict.fromkeys(r.explanation for r in reasons)),
            tuple(dict.fromkeys(r.rule for r in reasons)),
        )
        (result.reject if verdict is Verdict.REJECT else result.hold).append(disposition)
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
        store: KnowledgeStore | None = None,
        notifier: Notifies | None = None,
        confirmation_key: bytes | None = None,
        audit: AuditTrail | None = None,
        actor: str = "gateway",
        sent: SentStore | None = None,
        relay: str = "",
    ) -> None:
        self.scanner = scanner
        self.quarantine = quarantine
        self.next_hop = next_hop
        self.timeout = timeout
        rules = getattr(scanner, "rules", ())
        self.descriptions = descriptions or {
            r.name: r.description.rstrip(".") for r in rules if hasattr(r, "description")
        }
        self.store = store
        """Where delivered mail is learned as it passes; None learns nothing."""
        self.notifier = notifier
        self.confirmation_key = confirmation_key
        """The installation key that pre-send confirmations are signed with; None ignores them."""
        self.audit = audit
        """Where every verdict is recorded before the message moves on; None records nothing."""
        self.actor = actor
        self.sent = sent
        """Where delivered messages' findings are kept for a breach; None keeps nothing."""
        self.relay = relay
        self.in_flight = 0
        """Messages received and not yet answered (a stopping server waits for them)."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        abandoned = threading.Event()
        self.in_flight += 1
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(
                    self.process, raw, envelope.mail_from or "", list(envelope.rcpt_tos), abandoned
                ),
                self.timeout,
            )
        except TimeoutError:
            abandoned.set()
            log.error("message from %s timed out after %gs", envelope.mail_from, self.timeout)
            return str(Reply.S451_INTERNAL)
        except Exception:
            log.exception("message from %s: internal failure", envelope.mail_from)
            return str(Reply.S451_INTERNAL)
        finally:
            self.in_flight -= 1

    def process(
        self,
        raw: bytes,
        sender: str,
        recipients: list[str],
        abandoned: threading.Event | None = None,
    ) -> str:
        """Scan, act, and the reply for Postfix; runs in a worker thread."""
        abandoned = abandoned or threading.Event()
        report = self.scanner.scan_bytes(raw, f"smtp:{sender}")
        if report.failed_internally:
            detail = "; ".join(p.detail for p in report.problems if p.kind == "internal")
            log.error("message from %s not judged: %s", sender, detail)
            knowledge = any(p.location == "knowledge" for p in report.problems)
            return str(Reply.S451_STORE if knowledge else Reply.S451_INTERNAL)
        report = self._confirmed(raw, sender, recipients, report)
        todo = plan(report, recipients, self.descriptions)
        if todo.reject and not todo.deliver and not todo.hold:
            if not self._recorded(sender, report, todo, ""):
                return str(Reply.S451_RECORD)
            return Reply.S550_REFUSED.with_reason("; ".join(todo.reject_descriptions()))
        try:
            return self._act(raw, sender, report, todo, abandoned)
        except Abandoned:
            log.warning("message from %s abandoned after the time limit", sender)
            return str(Reply.S451_INTERNAL)

    def _confirmed(
        self, raw: bytes, sender: str, recipients: list[str], report: ScanReport
    ) -> ScanReport:
        """The report with its `confirm` verdicts delivered when the sender confirmed exactly
        this content to these recipients before sending (docs/api.md); else as it was."""
        value = confirmation_header(raw) if self.confirmation_key is not None else None
        if value is None or self.confirmation_key is None:
            return report
        try:
            confirmed = apply_confirmation(
                report, value, self.confirmation_key, datetime.now(UTC), sender, recipients
            )
        except ConfirmationError as exc:
            log.warning("message from %s: its confirmation does not hold: %s", sender, exc)
            return report
        log.info("message from %s: confirmed before sending", sender)
        return confirmed

    def _act(
        self,
        raw: bytes,
        sender: str,
        report: ScanReport,
        todo: Plan,
        abandoned: threading.Event,
    ) -> str:
        if todo.deliver and self.store is not None:
            _unless(abandoned)
            try:
                learn_delivered(self.store, report, raw, todo.deliver)
            except Exception as exc:
                log.error("learning failed, message deferred: %r", exc)
                return str(Reply.S451_STORE)
        hold_id = ""
        if todo.hold:
            _unless(abandoned)
            held = [HeldRecipient(d.address, d.verdict, d.explanations) for d in todo.hold]
            try:
                hold_id = self.quarantine.hold(
                    raw,
                    sender,
                    held,
                    report.message.subject,
                    report.message.message_id,
                    report.findings,
                )
            except QuarantineError as exc:
                log.error("%s", exc)
                return str(Reply.S451_QUARANTINE)
            log.info("held %s for %s", hold_id, ", ".join(d.address for d in todo.hold))
        _unless(abandoned)
        if not self._kept(raw, sender, report, todo) or not self._recorded(
            sender, report, todo, hold_id
        ):
            return str(Reply.S451_RECORD)
        if todo.deliver:
            _unless(abandoned)
            try:
                self.reinject(raw, sender, todo.deliver)
            except (OSError, smtplib.SMTPException, NextHopError) as exc:
                log.error("re-injection to %s:%d failed: %s", *self.next_hop, exc)
                return str(Reply.S451_NEXT_HOP)
        self._notify(sender, report, todo, hold_id)
        if todo.hold or todo.reject:
            return str(Reply.S250_HELD if todo.hold else Reply.S250_ACCEPTED)
        return str(Reply.S250_DELIVERED)

    def _kept(self, raw: bytes, sender: str, report: ScanReport, todo: Plan) -> bool:
        """What a breach would need of the delivered copy, kept before it leaves; False when
        it cannot be written (then 451, as for the audit trail)."""
        if self.sent is None or not todo.deliver:
            return True
        try:
            self.sent.keep(report, raw, sender, todo.deliver, self.relay)
        except Exception as exc:
            log.error("could not keep the delivery of %s: %r", report.message.message_id, exc)
            return False
        return True

    def _recorded(self, sender: str, report: ScanReport, todo: Plan, hold_id: str) -> bool:
        """The verdict in the audit trail before anything leaves; False when it cannot be
        written (then 451: what was not recorded is not sent)."""
        if self.audit is None:
            return True
        recipients: list[dict[str, str | list[str]]] = [
            {"address": a, "verdict": Verdict.DELIVER.value} for a in todo.deliver
        ]
        recipients += [
            {"address": d.address, "verdict": d.verdict.value, "rules": list(d.rules)}
            for d in [*todo.hold, *todo.reject]
        ]
        details = {"sender": sender, "recipients": recipients, "hold": hold_id}
        subject = report.message.message_id or hold_id or "(no Message-ID)"
        try:
            self.audit.append(self.actor, Action.VERDICT, subject, details)
        except Exception as exc:
            log.error("could not record the verdict for %s: %r", subject, exc)
            return False
        return True

    def _notify(self, sender: str, report: ScanReport, todo: Plan, hold_id: str) -> None:
        """The sender's notices; the message's fate is settled, so a failure is only logged."""
        if self.notifier is None or not sender:
            return
        try:
            if todo.hold:
                self.notifier.held(hold_id, sender, report, todo.hold)
            if todo.reject:
                held = [d.address for d in todo.hold]
                self.notifier.refused(sender, report, todo.reject, todo.deliver, held)
        except Exception as exc:
            log.error("could not notify %s: %r", sender, exc)

    def reinject(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        """Hand the message to the next hop for exactly these recipients; raise unless all 250."""
        host, port = self.next_hop
        with smtplib.SMTP(host, port, timeout=self.timeout) as smtp:
            refused = smtp.sendmail(sender, recipients, raw)
        if refused:
            raise NextHopError(f"refused {', '.join(refused)}")


def _unless(abandoned: threading.Event) -> None:
    if abandoned.is_set():
        raise Abandoned
