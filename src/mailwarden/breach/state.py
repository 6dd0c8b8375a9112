"""A breach's states: open, then reported to the regulator, then closed (or closed without
reporting, when the DPO decides it need not be)."""

from __future__ import annotations

from enum import StrEnum


class BreachState(StrEnum):
    OPEN = "open"
    REPORTED = "reported"
    CLOSED = "closed"


NEXT: dict[BreachState, frozenset[BreachState]] = {
    BreachState.OPEN: frozenset({BreachState.REPORTED, BreachState.CLOSED}),
    BreachState.REPORTED: frozenset({BreachState.CLOSED}),
    BreachState.CLOSED: frozenset({BreachState.OPEN}),
}
"""Where each state may go: a closed breach may be reopened, a report not taken back."""
