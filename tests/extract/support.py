"""Shared by the extract tests: run a file through the extract stage as an attachment."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from mailwarden.extract import ExtractionLimits, ExtractionResult, extract_message
from mailwarden.message import Message, Part


def extract_attachment(
    data: bytes, name: str, content_type: str = "", limits: ExtractionLimits | None = None
) -> ExtractionResult:
    """What the extract stage makes of a message with this one attachment."""
    message = Message(parts=[Part(content_type, data, name)])
    return extract_message(message, limits)


def positioned(result: ExtractionResult) -> list[tuple[str, str]]:
    """(position, text) of every segment, in order."""
    return [(segment.position, segment.text) for segment in result.segments]


def text_at(result: ExtractionResult, position: str) -> str:
    """All the text found at one position, joined by newlines."""
    return "\n".join(s.text for s in result.segments if s.position == position)


def all_text(result: ExtractionResult) -> str:
    return "\n".join(segment.text for segment in result.segments)


def rewritten_zip(
    data: bytes,
    change: Callable[[str, bytes], bytes | None] = lambda name, content: content,
    add: dict[str, bytes] | None = None,
) -> bytes:
    """The zip with each member put through `change(name, content)` (None drops it), plus `add`."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()
