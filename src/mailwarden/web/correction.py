"""A sender's correction of a held recipient: the address they meant instead of the one held.

The rules (the route in `notice.py` checks first that the link is the sender's and that the
wrong address is still held on that hold):

1. the new address is one plain mail address (`mail_address`), not the old one and not
   already an addressee of the message; else `CorrectionError` (422 or 409);
2. the message is re-addressed (`readdress`): the old mailbox in To and Cc becomes the new
   address, the envelope goes to the new address only, nothing else changes;
3. the corrected copy is scanned for its new recipient as the gateway would (`judge`):
   `gateway.filter.plan`, with the app's scanner, its store and its policy;
4. then (`carry_out`) by the verdict: deliver → sent to the next hop (as a release sends);
   confirm or hold → held as a new hold of its own, for the sender to confirm or a reviewer
   to decide; reject → not sent. Only once that is done is the wrong recipient marked
   `returned` ("corrected to ...") and the correction recorded (`Action.CORRECT`, and
   `Action.RELEASE` for a delivered copy, whose findings are kept for a breach as a
   release's are), by the sender. A failure before leaves the hold
   as it was. Two corrections of the same recipient at the very same moment may both act;
   the record keeps the first, as a release does.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from email.headerregistry import Address, AddressHeader, Group
from email.utils import formataddr
from typing import Any

from mailwarden.gateway.filter import Disposition, plan
from mailwarden.gateway.quarantine import QuarantineError
from mailwarden.gateway.release import DEFAULT_TIMEOUT_SECONDS, ReleaseError, send_to_next_hop
from mailwarden.record.audit import Action
from mailwarden.record.holds import HeldRecipient, Hold, RecipientState
from mailwarden.record.sent import SentStore
from mailwarden.report import ScanReport
from mailwarden.rules.base import Verdict
from mailwarden.scan import Scanner
from mailwarden.web.context import WebContext

log = logging.getLogger(__name__)

ADDRESSEE_FIELDS = frozenset({"to", "cc"})
"""The header fields a correction rewrites."""
MAX_ADDRESS = 254
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")
FOLD_AT = 78


class CorrectionError(Exception):
    """A correction that cannot be made, in plain words, with the page's status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Corrected:
    """A held message re-addressed from `old` to `new`, and the verdict for `new`."""

    raw: bytes
    old: str
    new: str
    disposition: Disposition
    """The verdict for `new`, the rules' explanations and their names."""
    report: ScanReport


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of a corrected copy: its verdict, why, and its own hold if it was held."""

    new: str
    verdict: Verdict
    reasons: tuple[str, ...] = ()
    hold_id: str = ""


def mail_address(text: str) -> str:
    """`text` as one plain mail address (local@domain.tld, domain lower-cased); else
    `CorrectionError` (422). No display name, no quoted local part, no address literal."""
    text = text.strip()
    if len(text) > MAX_ADDRESS or not _ADDRESS.fullmatch(text):
        raise CorrectionError(422, f"{text or 'An empty field'!r} is not a mail address.")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def readdress(raw: bytes, old: str, new: str) -> bytes:
    """The message with the mailbox `old` in To and Cc replaced by the bare address `new`,
    and without the trace fields that name `old` (our own relay's `Received: ... for
    <old>`: the right recipient must not learn whom it went to first); every other byte
    as it was. `CorrectionError` (409) when a To or Cc naming `old` cannot be read strictly
    (a guess could send it anywhere)."""
    end = _header_end(raw)
    head, body = raw[:end], raw[end:]
    newline = b"\r\n" if b"\r\n" in head else b"\n"
    fields = _fields(head)
    out: list[bytes] = []
    for field in fields:
        name, _, value = field.partition(b":")
        lowered = name.strip().lower().decode("ascii", "replace")
        if lowered in ADDRESSEE_FIELDS:
            field = _rewritten(name, value, old, new, newline) or field
        elif lowered == "received" and old.lower().encode() in value.lower():
            continue
        out.append(field)
    return b"".join(out) + body


def addressees(raw: bytes) -> set[str]:
    """The addresses in the message's To and Cc, lower-cased (those that can be read)."""
    found: set[str] = set()
    for field in _fields(raw[: _header_end(raw)]):
        name, _, value = field.partition(b":")
        if name.strip().lower().decode("ascii", "replace") in ADDRESSEE_FIELDS:
            groups = _groups(_unfold(value))
            found.update(m.addr_spec.lower() for g in groups or () for m in g.addresses)
    return found


def judge(scanner: Scanner, raw: bytes, old: str, new: str, hold: Hold) -> Corrected:
    """Re-address the held message and scan it for `new`, as the gateway would; a
    `CorrectionError` for a correction that cannot be made (see the module's rules)."""
    if new.lower() == old.lower():
        raise CorrectionError(422, f"{new} is the address that was held; give the one you meant.")
    taken = {r.address.lower() for r in hold.recipients} | addressees(raw)
    if new.lower() in taken:
        raise CorrectionError(409, f"{new} is already a recipient of this message.")
    corrected = readdress(raw, old, new)
    report = scanner.scan_bytes(corrected, f"correction:{hold.id}")
    if report.failed_internally:
        raise CorrectionError(503, "The corrected message could not be checked now; try again.")
    descriptions = {r.name: r.description.rstrip(".") for r in scanner.rules}
    todo = plan(report, [new], descriptions)
    disposition = (todo.hold or todo.reject or [Disposition(new, Verdict.DELIVER)])[0]
    return Corrected(corrected, old, new, disposition, report)


def carry_out(web: WebContext, hold: Hold, old: str, new: str) -> Outcome:
    """Correct `old` to `new` on this hold, by its sender (the module's rules 2-4)."""
    try:
        raw = web.quarantine.message(hold.id)
        corrected = judge(web.scanner, raw, old, new, hold)
        decided = corrected.disposition
        new_hold = _act(web, hold, corrected)
        web.quarantine.mark(
            hold.id, [old], RecipientState.RETURNED, hold.sender, note=f"corrected to {new}"
        )
    except QuarantineError as exc:
        log.error("correcting %s on %s: %s", old, hold.id, exc)
        raise CorrectionError(503, "The held message cannot be corrected now; try again.") from exc
    _record(web, hold, corrected, new_hold)
    return Outcome(new, decided.verdict, decided.explanations, new_hold)


def _act(web: WebContext, hold: Hold, corrected: Corrected) -> str:
    """Send, hold or refuse the corrected copy; the new hold's ID ("" if not held)."""
    decided = corrected.disposition
    if decided.verdict is Verdict.DELIVER:
        try:
            refused = send_to_next_hop(
                corrected.raw, hold.sender, [corrected.new], web.next_hop, DEFAULT_TIMEOUT_SECONDS
            )
        except ReleaseError as exc:
            raise CorrectionError(502, f"The corrected message was not sent: {exc}.") from exc
        if refused:  # with one recipient, smtplib raises instead; never trust that alone
            why = ", ".join(refused.values())
            raise CorrectionError(502, f"The next hop refused {corrected.new} ({why}).")
        return ""
    if decided.verdict is Verdict.REJECT:
        return ""
    message = corrected.report.message
    held = HeldRecipient(corrected.new, decided.verdict, decided.explanations)
    return web.quarantine.hold(
        corrected.raw,
        hold.sender,
        [held],
        message.subject,
        message.message_id,
        corrected.report.findings,
    )


def _record(web: WebContext, hold: Hold, corrected: Corrected, new_hold: str) -> None:
    """The correction in the audit trail, and for a delivered copy its release and what a
    breach would need of it (`[gateway] keep_sent`), as a release keeps them. The hold is
    marked by then (and mail may be out), so a failure is logged, never raised."""
    decided, old, new = corrected.disposition, corrected.old, corrected.new
    details = {
        "from": old,
        "to": new,
        "verdict": decided.verdict.value,
        "rules": list(decided.rules),
        "hold": new_hold,
    }
    try:
        web.trail.append(hold.sender, Action.CORRECT, hold.id, details)
        if decided.verdict is Verdict.DELIVER:
            released = {"recipients": [new], "corrected_from": old}
            web.trail.append(hold.sender, Action.RELEASE, hold.id, released)
    except Exception:
        log.exception("corrected %s on %s, but the audit trail could not record it", old, hold.id)
    if decided.verdict is not Verdict.DELIVER or not web.config.gateway.keep_sent:
        return
    try:
        SentStore(web.engine).keep(
            corrected.report, corrected.raw, hold.sender, [new], web.quarantine.relay
        )
    except Exception:
        log.exception("corrected %s, but what it carried could not be kept", hold.id)


def _header_end(raw: bytes) -> int:
    """Where the header block ends (its blank line belongs to the body part)."""
    ends = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0]
    if not ends:
        return len(raw)
    first = min(ends)
    return first + (2 if raw.startswith(b"\r\n", first) else 1)


def _fields(head: bytes) -> list[bytes]:
    """The header block as whole fields, each with its folded lines and line endings."""
    fields: list[bytes] = []
    for line in head.splitlines(keepends=True):
        if fields and line[:1] in (b" ", b"\t"):
            fields[-1] += line
        else:
            fields.append(line)
    return fields


def _unfold(value: bytes) -> str:
    return value.decode("utf-8", "surrogateescape").replace("\r\n", "").replace("\n", "")


def _groups(value: str) -> tuple[Group, ...] | None:
    """The header's groups (a lone mailbox is a group without a name); None when the
    strict parser marks it defective."""
    kwds: dict[str, Any] = {}
    try:
        AddressHeader.parse(value, kwds)
    except Exception:  # the parser's own error types are not public
        return None
    if kwds.get("defects"):
        return None
    groups: tuple[Group, ...] = tuple(kwds.get("groups", ()))
    return groups


def _rewritten(name: bytes, value: bytes, old: str, new: str, newline: bytes) -> bytes | None:
    """The field with `old` replaced by `new`, or None when it does not name `old`."""
    text = _unfold(value)
    if old.lower() not in text.lower():
        return None
    groups = _groups(text)
    if groups is None:
        raise CorrectionError(409, "The message's recipients cannot be read to correct them.")
    if not any(m.addr_spec.lower() == old.lower() for g in groups for m in g.addresses):
        return None
    parts = []
    for group in groups:
        boxes = [
            new if m.addr_spec.lower() == old.lower() else _mailbox(m) for m in group.addresses
        ]
        if group.display_name is None:
            parts.extend(boxes)
        else:  # "Name:;" as the header registry quotes it, with the mailboxes put back in
            parts.append(str(Group(group.display_name))[:-1] + " " + ", ".join(boxes) + ";")
    return _folded(name.decode("ascii", "replace"), parts, newline)


def _mailbox(address: Address) -> str:
    """One mailbox as header text; a display name outside ASCII as an encoded word."""
    if address.display_name and not address.display_name.isascii():
        return formataddr((address.display_name, address.addr_spec), "utf-8")
    return str(address)


def _folded(name: str, parts: list[str], newline: bytes) -> bytes:
    """`Name: a, b, c` folded before a mailbox that would pass `FOLD_AT` characters."""
    lines = [f"{name}: {parts[0]}"] if parts else [f"{name}:"]
    for part in parts[1:]:
        if len(lines[-1]) + len(part) + 3 > FOLD_AT:  # room for ", " or a folded ","
            lines[-1] += ","
            lines.append(f" {part}")
        else:
            lines[-1] += f", {part}"
    text = newline.decode().join(lines) + newline.decode()
    return text.encode("utf-8", "surrogateescape")
