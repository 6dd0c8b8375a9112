"""PowerPoint presentations (PPTX, PPTM, PPSX, POTX): every slide's shapes, tables and notes.

python-pptx opens the package (its lxml parser has entity resolution off, and
`zipsafe.verify_package` has already refused any part with a DTD). Each shape's
text is its own segment, so text in separate boxes does not run together; a
table gives one segment per row with cells joined by tabs (labelled by a header row of
three or more columns, see `tables`).
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

_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
        "application/vnd.openxmlformats-officedocument.presentationml.template",
        "application/vnd.ms-powerpoint.presentation.macroenabled.12",
        "application/vnd.ms-powerpoint.slideshow.macroenabled.12",
    }
)
_EXTENSIONS = (".pptx", ".pptm", ".ppsx", ".ppsm", ".potx", ".potm")


class PptxExtractor:
    name = "pptx"
    description = "PowerPoint presentations: text of every shape and table, and speaker notes."

    def matches(self, content_type: str, filename: str, head: bytes) -> bool:
        labelled = content_type in _TYPES or filename.endswith(_EXTENSIONS)
        return recognise(head, labelled, allowed=frozenset({ZIP, OLE}))

    def extract(self, data: bytes, context: ExtractContext) -> Iterator[Segment]:
        package = zipsafe.open_office(data, context.budget, context.location)
        if package.package_kind() != zipsafe.PPTX:  # mislabelled: read it as what it is
            yield from context.dispatch(context, data, "", "application/zip")
            return
        embedded = zipsafe.verify_package(package)
        where = context.location
        for number, texts in enumerate(_slides(data, where), start=1):
            context.budget.check_time()
            for position, text in texts:
                if text.strip():
                    yield context.segment(text, f"slide {number}{position}")
        for name, member in embedded.items():
            yield from context.nested(member, name)


def _slides(data: bytes, where: str) -> Iterator[list[tuple[str, str]]]:
    """For each slide, (position suffix, text) pairs: shapes, table rows, then notes."""
    try:
        from pptx.package import Package

        presentation = Package.open(io.BytesIO(data)).main_document_part.presentation
        slides = list(presentation.slides)
    except ExtractionError:
        raise
    except Exception as exc:  # python-pptx and lxml raise many kinds on a damaged package
        raise CorruptFile(f"{where} is not a readable presentation: {exc}") from exc
    for number, slide in enumerate(slides, start=1):
        try:
            texts = list(_shape_texts(slide.shapes, [0]))
            if slide.has_notes_slide:
                notes = slide.notes_slide.notes_text_frame
                if notes is not None:
                    texts.append((" notes", notes.text))
        except ExtractionError:
            raise
        except Exception as exc:
            raise CorruptFile(f"{where} slide {number} cannot be read: {exc}") from exc
        yield texts


def _shape_texts(shapes: Any, tables: list[int]) -> Iterator[tuple[str, str]]:
    from pptx.shapes.group import GroupShape

    for shape in shapes:
        if isinstance(shape, GroupShape):
            yield from _shape_texts(shape.shapes, tables)
        elif shape.has_text_frame:
            yield "", shape.text_frame.text
        elif getattr(shape, "has_table", False):
            tables[0] += 1
            labels = ColumnLabels(DOCUMENT_TABLE_COLUMNS)
            for row_number, row in enumerate(shape.table.rows, start=1):
                line = labels.line([cell.text for cell in row.cells])
                yield f" table {tables[0]} row {row_number}", line


EXTRACTOR = PptxExtractor()
