"""Attached e-mail messages (message/rfc822, .eml): subject, body and attachments, recursively."""

from __future__ import annotations

from collections.abc import Iterator

from mailwarden.extract.base import ExtractContext, Segment
from mailwarden.message.model import Message
from mailwarden.message.parse import parse_message


class AttachedMessageExtractor:
    name = "rfc822"
    description = "Attached messages: their subject, bodies and attachments, recursively."

    def matches(self, content_type: str, filename: str, head: bytes) -> bool:
        return content_type == "message/rfc822" or filename.endswith(".eml")

    def extract(self, data: bytes, context: ExtractContext) -> Iterator[Segment]:
        context.budget.charge_bytes(len(data), context.location)
        yield from message_segments(parse_message(data), context)


def message_segments(inner: Message, context: ExtractContext) -> Iterator[Segment]:
    """An attached message's subject and bodies at the context's location, and its
    attachments nested below it (shared with the Outlook .msg extractor)."""
    if inner.subject:
        yield context.segment(inner.subject, "subject")
    for part in inner.parts:
        context.budget.check_time()
        if part.is_body:
            body = context.child(context.location, part.charset)
            for segment in context.dispatch(body, part.payload, part.name, part.content_type):
                yield Segment(segment.text, segment.location, "body")
        else:
            yield from context.nested(part.payload, part.name, part.content_type)


EXTRACTOR = AttachedMessageExtractor()
