"""Plain text (text/plain, .txt, and text of any unlisted text/* type)."""

from __future__ import annotations

from collections.abc import Iterator

from mailwarden.extract.base import ExtractContext, Segment
from mailwarden.extract.formats.textcodec import decode_text

_TEXT_SUFFIXES = (".txt", ".text", ".log", ".md", ".ics", ".vcf", ".json", ".xml", ".eml.txt")
_TEXT_APPLICATION_TYPES = frozenset({"application/json", "application/xml", "text/x-vcard"})
"""Text under an application/ type: read as it stands (calendar invites, vCards, data)."""


class PlainTextExtractor:
    name = "plain"
    description = "Plain text in any charset, declared or detected."

    def matches(self, content_type: str, filename: str, head: bytes) -> bool:
        return (
            content_type.startswith("text/")
            or content_type in _TEXT_APPLICATION_TYPES
            or filename.endswith(_TEXT_SUFFIXES)
        )

    def extract(self, data: bytes, context: ExtractContext) -> Iterator[Segment]:
        context.budget.charge_bytes(len(data), context.location)
        yield context.segment(decode_text(data, context.charset))


EXTRACTOR = PlainTextExtractor()
