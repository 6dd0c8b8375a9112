"""Telling the sender: the filter's decisions turned into a hold notice or a bounce, sent.

The filter calls `held` after a hold is durable and `refused` when some recipients were
refused while others were delivered or held (when every recipient is refused, Postfix
bounces the 550 itself). Notices go to the next hop, Postfix's unfiltered listener.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from mailwarden.gateway.filter import Disposition
from mailwarden.gateway.links import LinkSigner
from mailwarden.gateway.notices import NoticeRecipient, hold_notice, refusal_bounce, send
from mailwarden.policy.schema import Notices
from mailwarden.report import ScanReport

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Notifier:
    """Builds and sends the sender's notices; one per gateway process."""

    signer: LinkSigner
    notices: Notices
    from_address: str
    link_base_url: str
    next_hop: tuple[str, int]
    reporting_mta: str = socket.getfqdn()

    def held(
        self, hold_id: str, sender: str, report: ScanReport, held: Sequence[Disposition]
    ) -> None:
        """The notice for a held message, with the signed link to confirm or correct it."""
        notice = hold_notice(
            sender=sender,
            subject=report.message.subject,
            message_id=report.message.message_id,
            recipients=[NoticeRecipient(d.address, d.verdict, d.explanations) for d in held],
            notices=self.notices,
            link=self.signer.url(self.link_base_url, hold_id, sender),
            from_address=self.from_address,
        )
        send(notice, self.from_address, [sender], self.next_hop)
        log.info("told %s that %s is held", sender, hold_id)

    def refused(
        self,
        sender: str,
        report: ScanReport,
        refused: Sequence[Disposition],
        delivered: Sequence[str],
        held: Sequence[str],
    ) -> None:
        """The bounce for the refused recipients: the rules' descriptions, no content."""
        bounce = refusal_bounce(
            sender=sender,
            message_id=report.message.message_id,
            refused={d.address: d.descriptions for d in refused},
            delivered=delivered,
            held=held,
            notices=self.notices,
            reporting_mta=self.reporting_mta,
            from_address=self.from_address,
            arrival=datetime.now(UTC),
            date=report.message.date,
        )
        send(bounce, "", [sender], self.next_hop)
        log.info("bounced %s for %s", ", ".join(d.address for d in refused), sender)
