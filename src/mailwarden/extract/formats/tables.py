"""Table rows with each cell labelled by its column's header (CSV, sheets, document tables).

A date in row 3 of a column headed "Date of birth" is a date of birth, but a
recognizer reading row 3 alone cannot know that: the detect stage treats a
label elsewhere in the text as a weak cue only. So once a table's header row is
seen, the cells of every later row are written "Header: value", tab-separated:

    row 1  Tenant\tDate of birth\tPostcode
    row 3  Tenant: Stephen Ashworth\tDate of birth: 1962-11-17\tPostcode: M40 8WN

The header is the first row with two or more non-empty cells, if each of those
has letters and no digits and there are at least `min_columns` of them (a title
row of one cell above it is passed over). Otherwise the table has no header and
rows are only tab-separated. Spreadsheets and CSV use 2; tables in documents use
3, because there a two-column table is usually a "label | value" form whose
first row ("Name | Ellie Marsh") only looks like a header. A row mistaken for a
header costs odd-looking text (every cell's own text is kept); a header missed
costs a date of birth read as just a date.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import zip_longest

_MAX_HEADER_CHARS = 60
DOCUMENT_TABLE_COLUMNS = 3
"""`min_columns` for tables inside documents (DOCX, ODT, PPTX)."""


class ColumnLabels:
    """Turns a table's rows, in order, into lines; labels cells once a header row is seen."""

    def __init__(self, min_columns: int = 2) -> None:
        self._headers: list[str] | None = None
        self._min_columns = min_columns

    def line(self, cells: Sequence[str]) -> str:
        """The row's cells joined by tabs, each "Header: value" under a known header."""
        if self._headers is None:
            filled = [cell for cell in cells if cell.strip()]
            if len(filled) >= 2:  # this row decides whether the table has a header
                header = len(filled) >= self._min_columns and _is_header(filled)
                self._headers = [" ".join(c.split()) for c in cells] if header else []
            return _join(cells)
        return _join(
            [
                f"{header}: {cell}" if header and cell.strip() else cell
                for header, cell in zip_longest(self._headers, cells, fillvalue="")
            ]
        )


def _is_header(cells: Sequence[str]) -> bool:
    return all(
        len(cell) <= _MAX_HEADER_CHARS
        and any(ch.isalpha() for ch in cell)
        and not any(ch.isdigit() for ch in cell)
        for cell in cells
    )


def _join(cells: Sequence[str]) -> str:
    return "\t".join(cells).rstrip("\t")
