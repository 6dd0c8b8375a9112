"""The queue's page of holds: oldest first, filtered by recipient state and by sender."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, and_, func, select

from mailwarden.gateway.quarantine import Quarantine
from mailwarden.record.holds import Hold, HoldNotFound, RecipientState
from mailwarden.record.schema import HoldRecipientRow, HoldRow

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """`state`: holds with a recipient in it (None: any); `search`: part of the sender's
    address; `sender`: exactly this sender (a sender's own view)."""

    state: RecipientState | None = RecipientState.HELD
    search: str = ""
    sender: str | None = None


def queue_page(
    quarantine: Quarantine, chosen: QueueFilter, page: int, size: int = PAGE_SIZE
) -> tuple[list[Hold], bool]:
    """One page (from 0) of the holds the filter chooses, oldest first; and whether more follow."""
    engine: Engine = quarantine.store.engine
    query = select(HoldRow.id, HoldRow.held_at).distinct()
    if chosen.state is not None:
        query = query.join(HoldRecipientRow, HoldRecipientRow.hold_id == HoldRow.id).where(
            HoldRecipientRow.state == chosen.state.value
        )
    conditions: list[ColumnElement[bool]] = []
    if chosen.search:
        escaped = (
            chosen.search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        )
        conditions.append(func.lower(HoldRow.sender).like(f"%{escaped}%", escape="\\"))
    if chosen.sender is not None:
        conditions.append(func.lower(HoldRow.sender) == chosen.sender.lower())
    if conditions:
        query = query.where(and_(*conditions))
    query = query.order_by(HoldRow.held_at, HoldRow.id).limit(size + 1).offset(page * size)
    with engine.connect() as conn:
        ids = [row[0] for row in conn.execute(query)]
    holds = []
    for hold_id in ids[:size]:
        try:
            holds.append(quarantine.get(hold_id))
        except HoldNotFound:
            continue  # purged between the two reads
    return holds, len(ids) > size
