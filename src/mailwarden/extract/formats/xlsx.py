"""Excel workbooks (XLSX, XLSM, XLTX): every sheet, one segment per row, cells apart.

openpyxl reads in read-only mode (rows streamed, not a cell object per cell)
with cached values, and parses with defusedxml, which it uses when installed;
`zipsafe.verify_package` has already checked the container and refused any
part with a DTD. Each row's cells are joined by tabs so that a name column and
a date-of-birth column stay apart, and under a header row each cell is written
"Header: value" (see `tables`): "sheet Pupils row 3" → "Name: Ellie Marsh\tDOB: 2015-03-14".
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from mailwarden.extract.base import ExtractContext, Segment
from mailwarden.extract.errors import CorruptFile, ExtractionError
from mailwarden.extract.formats import zipsafe
from mailwarden.extract.formats.sniff import OLE, ZIP, recognise
from mailwarden.extract.formats.tables import ColumnLabels

_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template",
        "application/vnd.ms-excel.sheet.macroenabled.12",
        "application/vnd.ms-excel.template.macroenabled.12",
    }
)
_EXTENSIONS = (".xlsx", ".xlsm", ".xltx", ".xltm")
_DEFAULT_SHEET_NAME = re.compile(r"(sheet|tabelle|feuil|hoja|foglio)\s*\d*", re.IGNORECASE)
_TIME_CHECK_ROWS = 500


class XlsxExtractor:
    name = "xlsx"
    description = "Excel workbooks: every sheet, one segment per row with cells tab-separated."

    def matches(self, content_type: str, filename: str, head: bytes) -> bool:
        labelled = content_type in _TYPES or filename.endswith(_EXTENSIONS)
        return recognise(head, labelled, allowed=frozenset({ZIP, OLE}))

    def extract(self, data: bytes, context: ExtractContext) -> Iterator[Segment]:
        package = zipsafe.open_office(data, context.budget, context.location)
        if package.package_kind() != zipsafe.XLSX:  # mislabelled: read it as what it is
            yield from context.dispatch(context, data, "", "application/zip")
            return
        embedded = zipsafe.verify_package(package)
        workbook = _load(data, context.location)
        try:
            for sheet in workbook.worksheets:
                title = str(sheet.title)
                if not _DEFAULT_SHEET_NAME.fullmatch(title):  # tabs are often named for people
                    yield context.segment(title, f"sheet {title}")
                rows = _rows(sheet, f"{context.location} sheet {title}")
                labels = ColumnLabels()
                for number, values in enumerate(rows, start=1):
                    if number % _TIME_CHECK_ROWS == 0:
                        context.budget.check_time()
                    line = labels.line([_cell_text(value) for value in values])
                    if line.strip():
                        yield context.segment(line, f"sheet {title} row {number}")
        finally:
            workbook.close()
        for name, member in embedded.items():
            yield from context.nested(member, name)


def _load(data: bytes, where: str) -> Any:
    try:
        import openpyxl

        return openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except ExtractionError:
        raise
    except Exception as exc:  # openpyxl raises KeyError, ValueError, TypeError... on bad parts
        raise CorruptFile(f"{where} is not a readable Excel workbook: {exc}") from exc


def _rows(sheet: Any, where: str) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as values, mapping openpyxl's errors (rows are parsed lazily)."""
    if not hasattr(sheet, "iter_rows"):
        return  # a chart sheet
    sheet.reset_dimensions()  # a declared A1:XFD1048576 must not pad every row
    rows = sheet.iter_rows(values_only=True)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except ExtractionError:
            raise
        except Exception as exc:
            raise CorruptFile(f"{where} cannot be read: {exc}") from exc
        yield tuple(row)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 7700900123.0 is a phone number, not a float
    return str(value)


EXTRACTOR = XlsxExtractor()
