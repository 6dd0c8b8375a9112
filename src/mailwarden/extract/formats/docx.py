"""Word documents (DOCX, DOCM, DOTX): body, tables, headers, footers, footnotes, endnotes, comments,
and embedded objects (a spreadsheet pasted into a report), each read as a file of its own.

python-docx opens the package (its lxml parser has entity resolution off, and
`zipsafe.verify_package` has already refused any part with a DTD); the text is
read from the XML itself, because python-docx's paragraph model skips text in
content controls, tracked insertions and deletions, and text boxes, which are
exactly where form templates (referrals, reports) keep what was typed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from mailwarden.extract.base import ExtractContext, Segment
from mailwarden.extract.errors import CorruptFile, ExtractionError
from mailwarden.extract.formats import zipsafe
from mailwarden.extract.formats.sniff import OLE, ZIP, recognise
from mailwarden.extract.formats.tables import DOCUMENT_TABLE_COLUMNS, ColumnLabels

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_TXBX = f"{_W}txbxContent"
_TEXT = frozenset({f"{_W}t", f"{_W}delText"})
"""Typed text, and text deleted with track changes on (still in the file, one click from view)."""
_CHARS = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_NOT_TEXT = frozenset(
    {f"{_W}pPr", f"{_W}rPr", f"{_W}tblPr", f"{_W}trPr", f"{_W}tcPr", f"{_W}sdtPr", f"{_MC}Fallback"}
)
"""Properties (tab stops look like tabs) and the VML copy of a drawing that repeats its text."""
_BLOCK_WRAPPERS = frozenset(
    {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins", f"{_W}del", f"{_W}smartTag"}
)

_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
        "application/vnd.ms-word.document.macroenabled.12",
        "application/vnd.ms-word.template.macroenabled.12",
    }
)
_EXTENSIONS = (".docx", ".docm", ".dotx", ".dotm")

_OTHER_PARTS = (  # content-type suffix → label, in the order they are read
    ("wordprocessingml.header+xml", "header"),
    ("wordprocessingml.footer+xml", "footer"),
    ("wordprocessingml.footnotes+xml", "footnote"),
    ("wordprocessingml.endnotes+xml", "endnote"),
    ("wordprocessingml.comments+xml", "comment"),
)
_NOTES = {"footnote": f"{_W}footnote", "endnote": f"{_W}endnote", "comment": f"{_W}comment"}


class DocxExtractor:
    name = "docx"
    description = "Word documents: paragraphs, tables, headers, footers, notes and comments."

    def matches(self, content_type: str, filename: str, head: bytes) -> bool:
        labelled = content_type in _TYPES or filename.endswith(_EXTENSIONS)
        return recognise(head, labelled, allowed=frozenset({ZIP, OLE}))

    def extract(self, data: bytes, context: ExtractContext) -> Iterator[Segment]:
        package = zipsafe.open_office(data, context.budget, context.location)
        if package.package_kind() != zipsafe.DOCX:  # mislabelled: read it as what it is
            yield from context.dispatch(context, data, "", "application/zip")
            return
        embedded = zipsafe.verify_package(package)
        main, others = _open_parts(data, context.location)
        yield from _body_segments(main, context)
        counters: dict[str, int] = {}
        for label, root in others:
            context.budget.check_time()
            if label in _NOTES:
                for note in root.iter(_NOTES[label]):
                    if note.get(f"{_W}type") in ("separator", "continuationSeparator"):
                        continue
                    counters[label] = counters.get(label, 0) + 1
                    yield from _container_segments(note, f"{label} {counters[label]}", context)
            else:
                counters[label] = counters.get(label, 0) + 1
                yield from _container_segments(root, f"{label} {counters[label]}", context)
        for name, member in embedded.items():
            yield from context.nested(member, name)


def _open_parts(data: bytes, where: str) -> tuple[Any, list[tuple[str, Any]]]:
    """The main document's body, and the (label, root) of each header, footer, note part."""
    try:
        import docx  # noqa: F401  (registers python-docx's part classes)
        from docx.oxml.parser import parse_xml
        from docx.package import Package

        package = Package.open(io.BytesIO(data))
        main = package.main_document_part.element
        body = main.find(f"{_W}body")
        others: list[tuple[str, Any]] = []
        parts = sorted(package.iter_parts(), key=lambda part: str(part.partname))
        for suffix, label in _OTHER_PARTS:
            for part in parts:
                if part.content_type.endswith(suffix):
                    element = getattr(part, "element", None)
                    others.append((label, element if element is not None else parse_xml(part.blob)))
    except ExtractionError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds on a damaged package
        raise CorruptFile(f"{where} is not a readable Word document: {exc}") from exc
    return (body if body is not None else main), others


def _body_segments(body: Any, context: ExtractContext) -> Iterator[Segment]:
    """The body: "paragraph N" for each paragraph with text, "table N row M" for each row."""
    paragraphs = tables = 0
    for kind, value in _blocks(body):
        if kind == "p":
            if value.strip():
                paragraphs += 1
                yield context.segment(value, f"paragraph {paragraphs}")
        else:
            tables += 1
            for number, row in _table_lines(value):
                yield context.segment(row, f"table {tables} row {number}")


def _container_segments(root: Any, label: str, context: ExtractContext) -> Iterator[Segment]:
    """A header, footer, note or comment: each paragraph and table row, labelled alike."""
    tables = 0
    for kind, value in _blocks(root):
        if kind == "p":
            if value.strip():
                yield context.segment(value, label)
        else:
            tables += 1
            for number, row in _table_lines(value):
                yield context.segment(row, f"{label} table {tables} row {number}")


def _table_lines(rows: list[list[str]]) -> Iterator[tuple[int, str]]:
    """(row number, line) for each row with text; cells under a header row are labelled."""
    labels = ColumnLabels(DOCUMENT_TABLE_COLUMNS)
    for number, cells in enumerate(rows, start=1):
        line = labels.line(cells)
        if line.strip():
            yield number, line


def _blocks(container: Any) -> Iterator[tuple[str, Any]]:
    """("p", text) and ("tbl", [[cell text, ...], ...]) in reading order, through wrappers.

    Text boxes anchored in a paragraph follow it. A table's cells are kept apart
    (joined by tabs later), so a name column and a date-of-birth column stay apart.
    """
    for child in container:
        tag = child.tag
        if tag == _P:
            boxes: list[Any] = []
            yield "p", _text(child, boxes)
            for box in boxes:
                yield from _blocks(box)
        elif tag == _TBL:
            yield "tbl", list(_rows(child))
        elif tag in _BLOCK_WRAPPERS:
            yield from _blocks(child)


def _rows(table: Any) -> Iterator[list[str]]:
    for child in table:
        if child.tag == _TR:
            yield [_cell_text(cell) for cell in _cells(child)]
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _rows(child)


def _cells(row: Any) -> Iterator[Any]:
    for child in row:
        if child.tag == _TC:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _cells(child)


def _cell_text(cell: Any) -> str:
    lines: list[str] = []
    for kind, value in _blocks(cell):
        if kind == "p":
            lines.append(value)
        else:  # a table inside the cell
            lines.extend("\t".join(cells).rstrip("\t") for cells in value)
    return "\n".join(line for line in lines if line.strip())


def _text(element: Any, boxes: list[Any]) -> str:
    parts: list[str] = []
    _collect(element, parts, boxes)
    return "".join(parts)


def _collect(element: Any, parts: list[str], boxes: list[Any]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _NOT_TEXT:
            continue  # comments and processing instructions have a callable tag
        if tag in _TEXT:
            parts.append(child.text or "")
        elif tag in _CHARS:
            parts.append(_CHARS[tag])
        elif tag == _TXBX:
            boxes.append(child)
        else:
            _collect(child, parts, boxes)


EXTRACTOR = DocxExtractor()
