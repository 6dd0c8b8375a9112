"""Releasing a held message: re-inject it for some of its held recipients, then record it.

Holds: a release goes in this order, so that nothing is lost and nothing is marked
that did not happen:

1. check: the hold exists, and each recipient asked for is still held on it;
2. send: the message, byte for byte, from its original envelope sender, to the next
   hop (Postfix's unfiltered smtpd) for exactly those recipients;
3. mark: those the next hop accepted become released, by whom and when;
4. keep and teach: what a breach would need of the released copy is kept
   (`record_sent`, usually `sent_recorder`), and the knowledge store learns the
   association the release confirmed. Mail is out by then, so a failure here is logged,
   never raised.

If the next hop refuses or cannot be reached, nothing is marked and the recipients
stay held. A recipient released once cannot be released again; two releases of the
same recipient at the very same moment may both send, and the record keeps the first.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Sequence
from typing import Protocol

from mailwarden.detect.finding import Finding
from mailwarden.gateway.quarantine import HoldNotFound, Quarantine, QuarantineError
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.holds import Hold, RecipientState
from mailwarden.record.sent import SentStore
from mailwarden.report import ScanReport

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 60.0

Teach = Callable[[bytes, list[str]], None]
"""Called with the message and the addresses it was released to."""

RecordSent = Callable[[bytes, str, list[str]], None]
"""Called with the message, its envelope sender and the addresses it was released to."""


class ReleaseError(Exception):
    """A release that could not be done; the message says why in plain words."""


def release(
    quarantine: Quarantine,
    hold_id: str,
    to: Sequence[str] | None,
    next_hop: tuple[str, int],
    by: str,
    teach: Teach | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    record_sent: RecordSent | None = None,
) -> list[str]:
    """Deliver a held message to `to` (None: everyone still held on it); who it went to."""
    try:
        hold = quarantine.get(hold_id)
        chosen = _chosen(hold, to)
        raw = quarantine.message(hold_id)
    except HoldNotFound as exc:
        raise ReleaseError(f"no held message has the ID {hold_id!r}") from exc
    except QuarantineError as exc:
        raise ReleaseError(f"nothing was released: {exc}") from exc
    refused = send_to_next_hop(raw, hold.sender, chosen, next_hop, timeout)
    accepted = [address for address in chosen if address not in refused]
    try:
        quarantine.mark(hold_id, accepted, RecipientState.RELEASED, by)
    except QuarantineError as exc:
        raise ReleaseError(
            f"{hold_id} was delivered to {', '.join(accepted)}, but the release could not be "
            f"recorded (a second release would deliver it again): {exc}"
        ) from exc
    try:
        trail = AuditTrail(quarantine.store.engine)
        details = {"recipients": accepted, "refused": sorted(refused)}
        trail.append(by, Action.RELEASE, hold_id, details)
    except Exception:
        log.exception("released %s, but the audit trail could not record it", hold_id)
    if record_sent is not None and accepted:
        try:
            record_sent(raw, hold.sender, accepted)
        except Exception:
            log.exception("released %s, but what it carried could not be kept", hold_id)
    if teach is not None:
        try:
            teach(raw, accepted)
        except Exception:
            log.exception("released %s, but learning from it failed", hold_id)
    if refused:
        raise ReleaseError(
            f"{hold_id} was released to {', '.join(accepted)}; the next hop refused "
            + ", ".join(f"{address} ({why})" for address, why in refused.items())
            + ", which stay held"
        )
    return accepted


class Scans(Protocol):
    """What `sent_recorder` needs of a `Scanner`."""

    def scan_bytes(self, raw: bytes, source: str = "") -> ScanReport: ...

    def read_bytes(self, raw: bytes, source: str = "") -> ScanReport: ...


def sent_recorder(
    scanner: Scans, store: SentStore, relay: str = "", found: Sequence[Finding] | None = None
) -> RecordSent:
    """A `record_sent` that keeps the released message's findings (`SentStore.keep`):
    `found`, the ones its hold kept, with the message only read again; else a scan."""

    def record_sent(raw: bytes, sender: str, released: list[str]) -> None:
        if found is None:
            report = scanner.scan_bytes(raw, "release")
        else:
            report = scanner.read_bytes(raw, "release")
            report.findings = list(found)
        store.keep(report, raw, sender, released, relay)

    return record_sent


def _chosen(hold: Hold, to: Sequence[str] | None) -> list[str]:
    """The addresses to release, as the hold spells them; `ReleaseError` names a wrong one."""
    held = {r.address.lower(): r.address for r in hold.still_held()}
    if not held:
        raise ReleaseError(f"nothing left to release in {hold.id}: no recipient is still held")
    if to is None:
        return list(held.values())
    states = {r.address.lower(): r.state for r in hold.recipients}
    chosen: list[str] = []
    for address in to:
        key = address.strip().lower()
        if key not in states:
            raise ReleaseError(f"{address} is not a recipient of held message {hold.id}")
        if key not in held:
            raise ReleaseError(
                f"{address} is no longer held on {hold.id}: it was {states[key].value}"
            )
        if held[key] not in chosen:
            chosen.append(held[key])
    if not chosen:
        raise ReleaseError(f"release {hold.id} to whom? no address was given")
    return chosen


def send_to_next_hop(
    raw: bytes, sender: str, recipients: list[str], next_hop: tuple[str, int], timeout: float
) -> dict[str, str]:
    """Hand the message to the next hop; the recipients it refused (and why)."""
    host, port = next_hop
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            refused = smtp.sendmail(sender, recipients, raw)
    except smtplib.SMTPRecipientsRefused as exc:
        raise ReleaseError(
            f"the next hop {host}:{port} refused every recipient; nothing was released"
        ) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise ReleaseError(
            f"the next hop {host}:{port} did not take the message ({_why(exc)}); "
            "nothing was released"
        ) from exc
    return {address: _reply(*reply) for address, reply in refused.items()}


def _why(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}"
