"""What the importers hand the store: plain-text records the store keys and forgets.

A directory export and a case list arrive as plain text (an address book, a case
management system's report). The importers (`importers.py`) parse them into these
records; `KnowledgeStore.add_directory_entries` and `KnowledgeStore.add_cases`
keep addresses as they are and reduce every case reference and person's name to
a keyed hash (`features.py`) before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """One contact from a directory of staff and partner organisations."""

    address: str
    display_name: str = ""
    organisation: str = ""
    internal: bool | None = None
    """True for staff, False for partners; None: decide by the organisation's domains."""


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """One case from a case list: its reference, the people in it, who may receive it."""

    reference: str
    """The case or crime reference as the case system writes it ("AB/25/0093")."""
    people: tuple[str, ...] = ()
    """Names of the people the case is about ("Ellie Marsh")."""
    allowed: tuple[str, ...] = ()
    """Addresses allowed to receive mail about the case."""
