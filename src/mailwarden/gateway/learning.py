"""Learning never stops: what the gateway delivers, and what a release confirms, is learned.

The filter learns each message for the recipients it delivers before it re-injects
(so a store that is down means a 451 and a retry, not mail that passed unlearned); a
release (`mailwarden release`, or the web app) teaches the recipients it released.
Both go through `learn_delivered`, which learns exactly those recipients and counts a
retried delivery once (`KnowledgeStore.teach`).
"""

from __future__ import annotations

from collections.abc import Sequence

from mailwarden.knowledge.store import KnowledgeStore
from mailwarden.report import ScanReport


def learn_delivered(
    store: KnowledgeStore, report: ScanReport, raw: bytes, recipients: Sequence[str]
) -> bool:
    """Learn the scanned message as sent to these recipients only; False when nothing was new."""
    return store.teach(report.message, report.features, recipients, raw)
