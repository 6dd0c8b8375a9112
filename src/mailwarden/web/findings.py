"""A message as a reviewer reads it: each part's text with its findings marked where they
stand, a numbered list of the findings, the parts that could not be read, and the HTML
body rendered safe.

`message_view(scanner, raw, found)` marks the findings a hold kept (`found`), else scans
the bytes with the app's scanner: a finding's
`start`/`end` index into the text of the segment at its `location` and `position`
(`ScanReport.segments`), and a part is every segment at one location, joined by newlines.
The template macro `message(view)` in `_message.html` renders it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from markupsafe import Markup

from mailwarden.detect.finding import LABELS, Finding, FindingType
from mailwarden.extract.base import Segment
from mailwarden.extract.formats.textcodec import decode_text
from mailwarden.message.model import Message
from mailwarden.scan import Scanner
from mailwarden.web.text import safe_html

PART_LIMIT = 100_000
"""Characters of one part's text shown; its findings past the cut are still listed."""
HTML_LIMIT = 2_000_000
"""Characters of an HTML body rendered formatted; a longer one is shown as text only."""
LIST_LIMIT = 1_000
"""Findings listed; the rest are counted (a spreadsheet of pupils may name thousands)."""
_CONTROLS = {c: "\ufffd" for c in [*range(0x20), 0x7F] if chr(c) not in "\t\n\r"}
"""Control characters (a binary part read as text) shown as U+FFFD, one for one, so the
marks' offsets still hold."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A finding's span in a part's shown text; `index` is its number in the list."""

    index: int
    start: int
    end: int
    label: str
    explanation: str

    @property
    def anchor(self) -> str:
        """The id of the `<mark>` the findings list links to."""
        return f"f-{self.index}"


class Piece(NamedTuple):
    """A run of a part's text: inside `mark` (the latest begun, where marks overlap) or not;
    `first` when the run begins its mark (it carries the anchor and the spoken label)."""

    text: str
    mark: Mark | None
    first: bool


@dataclass(frozen=True, slots=True)
class PartView:
    """One part of the message (the subject, the body, an attachment, a member of an
    archive or an attached message) and its marks; `cut` characters were not shown."""

    location: str
    title: str
    text: str
    marks: tuple[Mark, ...]
    cut: int = 0

    @property
    def truncated(self) -> bool:
        return self.cut > 0

    def pieces(self) -> list[Piece]:
        """The text as runs, each inside at most one mark (the latest begun, where marks
        overlap); a mark hidden wholly under another (the same span) gets an empty run of
        its own, so that every mark's anchor is on the page."""
        bounds = sorted({0, len(self.text)} | {p for m in self.marks for p in (m.start, m.end)})
        waiting = sorted(self.marks, key=lambda m: (m.start, -m.end))
        next_mark = 0
        active: list[Mark] = []
        begun: set[int] = set()
        pieces: list[Piece] = []
        for start, end in pairwise(bounds):
            while next_mark < len(waiting) and waiting[next_mark].start <= start:
                active.append(waiting[next_mark])
                next_mark += 1
            active = [m for m in active if m.end > start]
            for hidden in active[:-1]:
                if hidden.index not in begun:
                    begun.add(hidden.index)
                    pieces.append(Piece("", hidden, True))
            mark = active[-1] if active else None
            first = mark is not None and mark.index not in begun
            if mark is not None:
                begun.add(mark.index)
            pieces.append(Piece(self.text[start:end], mark, first))
        return pieces


@dataclass(frozen=True, slots=True)
class FindingView:
    """One finding as the list shows it; `anchor` is "" when its text is not shown."""

    index: int
    label: str
    text: str
    where: str
    explanation: str
    anchor: str


@dataclass(frozen=True, slots=True)
class Unread:
    """A part that could not be read (or was read only in part), and why."""

    location: str
    title: str
    kind: str
    detail: str


@dataclass(frozen=True, slots=True)
class MessageView:
    """What the review page shows of one message."""

    parts: tuple[PartView, ...]
    findings: tuple[FindingView, ...]
    html: Markup | None
    """The HTML body, sanitised (`text.safe_html`); None when the message has none."""
    problems: tuple[Unread, ...]
    unlisted: int = 0
    """Findings past `LIST_LIMIT`, counted but not listed."""

    @property
    def size(self) -> int:
        """Characters held: what a cache counts."""
        return (
            sum(len(p.text) for p in self.parts)
            + len(self.html or "")
            + sum(len(f.text) + len(f.explanation) for f in self.findings)
        )


def message_view(
    scanner: Scanner, raw: bytes, found: Sequence[Finding] | None = None
) -> MessageView:
    """Lay out what a reviewer sees of `raw`: never raises for bad input. `found`: the
    findings the gateway held it for, marked in the text read again (a fraction of a
    scan's cost, and exactly what the verdict rested on); None scans it now."""
    if found is None:
        report = scanner.scan_bytes(raw, "review")
        found = report.findings
    else:
        report = scanner.read_bytes(raw, "review")
    findings = [f for f in found if f.type is not FindingType.UNSCANNABLE]
    parts, anchors = _parts(report.segments, findings)
    listed = tuple(
        FindingView(
            index,
            LABELS[f.type],
            f.text,
            title_of(f.location) + (f" ({f.position})" if f.position else ""),
            f.explanation,
            anchors.get(index, ""),
        )
        for index, f in enumerate(findings[:LIST_LIMIT], 1)
    )
    problems = tuple(
        Unread(p.location, title_of(p.location), p.kind, p.detail) for p in report.problems
    )
    html = _html_body(report.message)
    return MessageView(parts, listed, html, problems, len(findings) - len(listed))


def title_of(location: str) -> str:
    """A location in words: "Message body", "Attachment files.zip › letter.docx"."""
    if location == "body":
        return "Message body"
    if location == "header:subject":
        return "Subject"
    if location == "message":
        return "The whole message"
    if location.startswith("attachment:"):
        return "Attachment " + location.removeprefix("attachment:").replace("/", " › ")
    return location


def _parts(
    segments: list[Segment], findings: list[Finding]
) -> tuple[tuple[PartView, ...], dict[int, str]]:
    """Each location's text with its marks, and each shown finding's anchor."""
    texts: dict[str, list[str]] = {}
    lengths: dict[str, int] = {}
    placed: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for segment in segments:
        offset = lengths.get(segment.location, -1) + 1
        texts.setdefault(segment.location, []).append(segment.text)
        placed.setdefault((segment.location, segment.position), []).append((segment.text, offset))
        lengths[segment.location] = offset + len(segment.text)
    marks: dict[str, list[Mark]] = {location: [] for location in texts}
    anchors: dict[int, str] = {}
    for index, finding in enumerate(findings, 1):
        at = _offset_of(finding, placed.get((finding.location, finding.position), []))
        if at is None or at + finding.start >= PART_LIMIT:
            continue
        end = min(at + finding.end, PART_LIMIT)
        mark = Mark(index, at + finding.start, end, LABELS[finding.type], finding.explanation)
        marks[finding.location].append(mark)
        anchors[index] = mark.anchor
    parts = tuple(
        PartView(
            location,
            title_of(location),
            (text := "\n".join(chunks))[:PART_LIMIT].translate(_CONTROLS),
            tuple(marks[location]),
            max(len(text) - PART_LIMIT, 0),
        )
        for location, chunks in texts.items()
    )
    return parts, anchors


def _offset_of(finding: Finding, candidates: list[tuple[str, int]]) -> int | None:
    """Where in its part the segment the finding was found in begins: the first segment
    at its location and position whose text at its span is its text."""
    for text, offset in candidates:
        if " ".join(text[finding.start : finding.end].split()) == finding.text:
            return offset
    return None


def _html_body(message: Message) -> Markup | None:
    """The first HTML body part, sanitised, unless it is too long to render."""
    for part in message.body_parts:
        if part.content_type == "text/html":
            html = decode_text(part.payload, part.charset)
            return safe_html(html) if len(html) <= HTML_LIMIT else None
    return None
