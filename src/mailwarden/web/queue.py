"""The queue's page of holds: oldest first, filtered by recipient state and by sender."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, and_, func, select

from mailwarden.gateway.quarantine import Quarantine
from mailwarden.record.holds import Hold, RecipientState
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
    """One page (from 0) of the holds the filter chooses, oldest first; and whether more
    follow. A state filter walks the (state, held_at, hold_id) index; the page's holds are
    then read in one go."""
    engine: Engine = quarantine.store.engine
    conditions: list[ColumnElement[bool]] = []
    if chosen.search:
        escaped = (
            chosen.search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        )
        conditions.append(func.lower(HoldRow.sender).like(f"%{escaped}%", escape="\\"))
    if chosen.sender is not None:
        conditions.append(func.lower(HoldRow.sender) == chosen.sender.lower())
    if chosen.state is not None:
        query = (
            select(HoldRecipientRow.hold_id)
            .where(HoldRecipientRow.state == chosen.state.value)
            .group_by(HoldRecipientRow.held_at, HoldRecipientRow.hold_id)
            .order_by(HoldRecipientRow.held_at, HoldRecipientRow.hold_id)
        )
        if conditions:
            query = query.join(HoldRow, HoldRow.id == HoldRecipientRow.hold_id).where(
                and_(*conditions)
            )
    else:
        query = select(HoldRow.id).order_by(HoldRow.held_at, HoldRow.id)
        if conditions:
            query = query.where(and_(*conditions))
    query = query.limit(size + 1).offset(page * size)
    with engine.connect() as conn:
        ids = [row[0] for row in conn.execute(query)]
    return quarantine.store.get_many(ids[:size]), len(ids) > size
