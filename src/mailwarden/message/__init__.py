"""Parse stage: bytes or files → one typed `Message`."""

from mailwarden.message.model import (
    Address,
    AddressField,
    Message,
    ParseProblem,
    Part,
    Recipient,
)
from mailwarden.message.parse import ParseLimits, parse_message

__all__ = [
    "Address",
    "AddressField",
    "Message",
    "ParseLimits",
    "ParseProblem",
    "Part",
    "Recipient",
    "parse_message",
]
