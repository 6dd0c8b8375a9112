"""The typed message every later stage reads: addressing, thread identity and parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class AddressField(StrEnum):
    """The header a recipient was named in."""

    TO = "to"
    CC = "cc"
    BCC = "bcc"


@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox from a header.

    `address` is the lower-cased addr-spec; it is empty when the header could
    not be parsed strictly, and `raw` keeps what the header said so a rule can
    hold the message rather than treat an unparseable recipient as no one.
    """

    address: str
    display_name: str = ""
    raw: str = ""

    @property
    def is_valid(self) -> bool:
        return bool(self.address) and "@" in self.address

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2] if self.is_valid else ""


@dataclass(frozen=True, slots=True)
class Recipient:
    """A recipient and the header that named it."""

    mailbox: Address
    field: AddressField


@dataclass(frozen=True, slots=True)
class Part:
    """A leaf of the MIME tree: a body text or an attachment, already decoded.

    `name` is the attachment's file name (or a generated one such as
    `part-3.html` for an unnamed non-body part); body parts have `is_body`.
    """

    content_type: str
    payload: bytes
    name: str = ""
    is_body: bool = False
    charset: str | None = None


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """Something in the message that could not be read as the standards say."""

    location: str
    detail: str
    skipped: bool = False
    """Content was left unread (MIME nested too deep, too many parts): the scan reports the
    message as not fully scannable, not merely as malformed."""


@dataclass(slots=True)
class Message:
    """A parsed message: what the later stages need, nothing MIME-specific."""

    subject: str = ""
    sender: Address | None = None
    recipients: list[Recipient] = field(default_factory=list)
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    date: datetime | None = None
    parts: list[Part] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    size: int = 0

    @property
    def body_parts(self) -> list[Part]:
        return [p for p in self.parts if p.is_body]

    @property
    def attachments(self) -> list[Part]:
        return [p for p in self.parts if not p.is_body]

    def display_names(self) -> set[str]:
        """Every display name in the addressing headers (sender and recipients)."""
        names = {r.mailbox.display_name for r in self.recipients}
        if self.sender is not None:
            names.add(self.sender.display_name)
        return {n for n in names if n}
