"""OpenDocument (ODT, ODS, ODP, ODG): content.xml, and headers/footers from styles.xml.

The XML is parsed here with defusedxml (no DTD, no entities, no external
references), not with odfpy, whose xml.sax reader expands entities. Positions:
"paragraph N" and "table N row M" in text documents, "sheet NAME row N" in
spreadsheets (in both, cells under a header row are "Header: value", see `tables`),
"slide N" in presentations; notes, comments and frames are read where they stand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from mailwarden.extract.base import ExtractContext, Segment
from mailwarden.extract.errors import EncryptedFile, LimitExceeded
from mailwarden.extract.formats import zipsafe
from mailwarden.extract.formats.sniff import ZIP, recognise
from mailwarden.extract.formats.tables import DOCUMENT_TABLE_COLUMNS, ColumnLabels

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_PRESENTATION = "{urn:oasis:names:tc:opendocument:xmlns:presentation:1.0}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"

_PARAGRAPHS = frozenset({f"{_TEXT}p", f"{_TEXT}h"})
_TABLE_ELEMENT = f"{_TABLE}table"
_ROW = f"{_TABLE}table-row"
_CELLS = frozenset({f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"})
_ASIDE = frozenset({f"{_TEXT}note", f"{_OFFICE}annotation", f"{_DRAW}frame"})
"""Inside a paragraph but read on their own: footnotes, comments, text boxes and images."""
_NOTE_CITATION = f"{_TEXT}note-citation"
_TRACKED_CHANGES = f"{_TEXT}tracked-changes"
_HEADERS_FOOTERS = (
    (f"{_STYLE}header", "header"),
    (f"{_STYLE}header-left", "header"),
    (f"{_STYLE}header-first", "header"),
    (f"{_STYLE}footer", "footer"),
    (f"{_STYLE}footer-left", "footer"),
    (f"{_STYLE}footer-first", "footer"),
)

_DEFAULT_SHEET_NAME = re.compile(r"(sheet|tabelle|feuil|hoja|foglio)\s*\d*", re.IGNORECASE)
_MAX_REPEAT = 256
"""Cap on `number-columns-repeated`/`text:c` expansion: a hostile 10⁹ must not allocate."""

_TYPES = frozenset(
    {
        f"application/vnd.oasis.opendocument.{kind}{variant}"
        for kind in ("text", "spreadsheet", "presentation", "graphics")
        for variant in ("", "-template")
    }
)
_EXTENSIONS = (".odt", ".ott", ".ods", ".ots", ".odp", ".otp", ".odg", ".otg")


class OdfExtractor:
    name = "odf"
    description = "OpenDocument text, spreadsheets and presentations (ODT, ODS, ODP)."

    def matches(self, content_type: str, filename: str, head: bytes) -> bool:
        labelled = content_type in _TYPES or filename.endswith(_EXTENSIONS)
        return recognise(head, labelled, allowed=frozenset({ZIP}))

    def extract(self, data: bytes, context: ExtractContext) -> Iterator[Segment]:
        package = zipsafe.open_office(data, context.budget, context.location)
        if package.package_kind() != zipsafe.ODF:  # mislabelled: read it as what it is
            yield from context.dispatch(context, data, "", "application/zip")
            return
        manifest = package.member("META-INF/manifest.xml")
        if manifest is not None:
            root = zipsafe.parse_xml(package.read(manifest), package.where(manifest))
            if root.find(f".//{_MANIFEST}encryption-data") is not None:
                raise EncryptedFile(f"{context.location} is password-protected")
        zipsafe.verify_package(package)  # ODF keeps embedded objects as sub-documents: not read
        texts: list[tuple[str, str]] = []
        try:
            for name, reader in (("content.xml", _content), ("styles.xml", _styles)):
                info = package.member(name)
                if info is not None:
                    texts.extend(reader(zipsafe.parse_xml(package.read(info), package.where(info))))
        except RecursionError as exc:
            raise LimitExceeded(f"{context.location}: XML nested too deeply to read") from exc
        for position, text in texts:
            if text.strip():
                yield context.segment(text, position)


def _content(root: Element) -> list[tuple[str, str]]:
    body = root.find(f"{_OFFICE}body")
    if body is None:
        return []
    found: list[tuple[str, str]] = []
    for document in body:
        if document.tag == f"{_OFFICE}spreadsheet":
            for table in document.findall(_TABLE_ELEMENT):
                name = table.get(f"{_TABLE}name", "")
                if not _DEFAULT_SHEET_NAME.fullmatch(name):  # tabs are often named for people
                    found.append((f"sheet {name}", name))
                labels = ColumnLabels()
                for n, cells in _table_rows(table):
                    found.append((f"sheet {name} row {n}", labels.line(cells)))
        elif document.tag in (f"{_OFFICE}presentation", f"{_OFFICE}drawing"):
            for number, page in enumerate(document.findall(f"{_DRAW}page"), start=1):
                found.extend(_page(page, f"slide {number}"))
        else:
            found.extend(_text_document(document))
    return found


def _styles(root: Element) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for master in root.iter(f"{_STYLE}master-page"):
        for tag, label in _HEADERS_FOOTERS:
            for part in master.findall(tag):
                found.extend((label, text) for _, text in _blocks(part))
    return found


def _text_document(document: Element) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    counts = {"p": 0, "table": 0, "note": 0, "comment": 0}
    for kind, text in _blocks(document):
        if kind in counts:
            counts[kind] += 1
        if kind == "p":
            found.append((f"paragraph {counts['p']}", text))
        elif kind in ("note", "comment"):
            found.append((f"{kind} {counts[kind]}", text))
        elif kind.startswith("row "):
            found.append((f"table {counts['table']} {kind}", text))
        elif kind == "deleted":
            found.append(("deleted text", text))
    return found


def _page(page: Element, label: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for child in page:
        suffix = " notes" if child.tag == f"{_PRESENTATION}notes" else ""
        found.extend((f"{label}{suffix}", text) for _, text in _blocks([child]))
    return found


def _blocks(container: Element | list[Element]) -> Iterator[tuple[str, str]]:
    """(kind, text) in reading order.

    Kinds: "p" (a paragraph or heading), "note", "comment", "deleted" (tracked
    deletions, still in the file), "table" (an empty marker before a table's
    rows) and "row N".
    """
    for child in container:
        if child.tag in _PARAGRAPHS:
            asides: list[Element] = []
            text = _inline(child, asides)
            if text.strip():
                yield "p", text
            for aside in asides:
                yield from _aside(aside)
        elif child.tag == _TABLE_ELEMENT:
            yield "table", ""
            labels = ColumnLabels(DOCUMENT_TABLE_COLUMNS)
            for number, cells in _table_rows(child):
                yield f"row {number}", labels.line(cells)
        elif child.tag in _ASIDE:
            yield from _aside(child)
        elif child.tag == _TRACKED_CHANGES:
            yield from (("deleted", text) for _, text in _blocks(child) if text)
        elif child.tag != _NOTE_CITATION:
            yield from _blocks(child)


def _aside(element: Element) -> Iterator[tuple[str, str]]:
    kind = {f"{_TEXT}note": "note", f"{_OFFICE}annotation": "comment"}.get(element.tag, "p")
    for _, text in _blocks(element):
        if text:
            yield kind, text


def _table_rows(table: Element) -> Iterator[tuple[int, list[str]]]:
    """Rows numbered as the application shows them; a repeated row is read once."""
    number = 0
    for row in _rows(table):
        number += 1
        cells: list[str] = []
        for cell in row:
            if cell.tag in _CELLS:
                text = "\n".join(text for _, text in _blocks(cell) if text)
                repeat = _count(cell.get(f"{_TABLE}number-columns-repeated"))
                cells.extend([text] * min(repeat, _MAX_REPEAT))
        if any(cell.strip() for cell in cells):
            yield number, cells
        number += _count(row.get(f"{_TABLE}number-rows-repeated")) - 1


def _rows(table: Element) -> Iterator[Element]:
    for child in table:
        if child.tag == _ROW:
            yield child
        elif child.tag.startswith(_TABLE) and child.tag != _TABLE_ELEMENT:
            yield from _rows(child)  # header-rows, row-group, rows


def _inline(element: Element, asides: list[Element]) -> str:
    parts: list[str] = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{_TEXT}s":
            parts.append(" " * min(_count(child.get(f"{_TEXT}c")), _MAX_REPEAT))
        elif tag == f"{_TEXT}tab":
            parts.append("\t")
        elif tag == f"{_TEXT}line-break":
            parts.append("\n")
        elif tag in _ASIDE:
            asides.append(child)
        elif tag != _NOTE_CITATION:
            parts.append(_inline(child, asides))
        parts.append(child.tail or "")
    return "".join(parts)


def _count(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


EXTRACTOR = OdfExtractor()
