"""Extract stage entry point: a `Message` → every text `Segment` in it, plus what could not be read.

The order of `EXTRACTORS` is the order they are tried: the first whose
`matches()` says yes reads the file. Formats are recognised by content type,
extension and magic bytes together, because senders' clients label attachments
loosely (a DOCX as application/octet-stream, a CSV as text/plain).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from mailwarden.extract.base import (
    ExtractContext,
    ExtractionProblem,
    Extractor,
    Segment,
    problem_from_error,
)
from mailwarden.extract.errors import ExtractionError, LimitExceeded, TimeLimitExceeded
from mailwarden.extract.formats import ALL_EXTRACTORS
from mailwarden.extract.limits import Budget, ExtractionLimits
from mailwarden.message.model import Message

EXTRACTORS: tuple[Extractor, ...] = ALL_EXTRACTORS


@dataclass(slots=True)
class ExtractionResult:
    """All the text of a message, and every part that could not be read."""

    segments: list[Segment] = field(default_factory=list)
    problems: list[ExtractionProblem] = field(default_factory=list)


def find_extractor(content_type: str, filename: str, head: bytes) -> Extractor | None:
    """The first extractor that reads this file, or None for a format we do not read."""
    for extractor in EXTRACTORS:
        if extractor.matches(content_type.lower(), filename.lower(), head):
            return extractor
    return None


def dispatch(
    context: ExtractContext, data: bytes, name: str, content_type: str
) -> Iterator[Segment]:
    """Read one file with the extractor for its format (used for parts and container members)."""
    context.budget.check_time()
    extractor = find_extractor(content_type, name, data[:16])
    if extractor is None:
        context.problems.append(_unread_format(context.location, content_type, name))
        return
    try:
        yield from extractor.extract(data, context)
    except ExtractionError:
        raise
    except RecursionError as exc:
        raise LimitExceeded(f"{extractor.name}: structure too deeply nested") from exc
    except Exception as exc:  # last line of defence: a library bug must not lose the message
        raise ExtractionError(f"{extractor.name} could not read it: {type(exc).__name__}") from exc


_MEDIA_TYPES = ("image/", "audio/", "video/", "font/")
_MEDIA_SUFFIXES = (
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".svg", ".ico", ".tif", ".tiff",
    ".heic", ".mp3", ".wav", ".m4a", ".mp4", ".mov", ".avi", ".ttf", ".otf", ".woff",
)  # fmt: skip


def _unread_format(location: str, content_type: str, name: str) -> ExtractionProblem:
    """A file no extractor reads: media is merely unsupported; a document may hide text.

    A legacy .doc, an S/MIME .p7m or an unknown binary could carry anything, so
    it is unscannable (the rules see it); pictures, sound and fonts are not
    read for text (no OCR) and are noted without flagging the message.
    """
    kind = content_type or "unknown type"
    lowered = name.lower()
    if content_type.startswith(_MEDIA_TYPES) or lowered.endswith(_MEDIA_SUFFIXES):
        return ExtractionProblem(location, "unsupported", f"{kind} is not read for text")
    return ExtractionProblem(location, "unreadable", f"{kind} is a format mailwarden cannot read")


def extract_message(
    message: Message,
    limits: ExtractionLimits | None = None,
    budget: Budget | None = None,
    into: ExtractionResult | None = None,
) -> ExtractionResult:
    """Every text segment in the message: subject, body parts, attachments (recursively).

    `into` receives the segments as they are read, so a caller that has to
    stop the work early keeps what was read so far.
    """
    budget = budget or Budget(limits or ExtractionLimits())
    result = into if into is not None else ExtractionResult()
    root = ExtractContext("", budget, dispatch, problems=result.problems)
    if message.subject:
        result.segments.append(root.child("header:subject").segment(message.subject))
    seen_body_texts: set[str] = set()
    for part in message.parts:
        location = "body" if part.is_body else f"attachment:{part.name}"
        context = root.child(location, part.charset)
        try:
            budget.check_time()
            for segment in dispatch(context, part.payload, part.name, part.content_type):
                if part.is_body:
                    key = " ".join(segment.text.split())
                    if key in seen_body_texts:  # the plain twin of an HTML body, say
                        continue
                    seen_body_texts.add(key)
                if segment.text.strip():
                    result.segments.append(segment)
        except ExtractionError as exc:
            result.problems.append(problem_from_error(location, exc))
            if isinstance(exc, TimeLimitExceeded):
                break
    if budget.chars_dropped:
        result.problems.append(
            ExtractionProblem(
                budget.first_cut or "message",
                "limit",
                f"{budget.chars_dropped:,} characters of text past the "
                f"{budget.limits.max_text_chars:,}-character limit were not scanned",
            )
        )
    return result
