"""CSV and TSV files: one segment per row, cells joined by tabs, position "row N".

Under a header row each cell is written "Header: value" (see `tables`), so a
date in the "DOB" column reads as a labelled date of birth.

The delimiter is tab for files named .tsv or .tab; otherwise the most
frequent of `, ; \\t |` in the first line (csv.Sniffer's regexes can be slow on
hostile input, and a count is as good on real exports). A record the csv module
cannot parse (a field over its size limit) is read as its raw lines.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from mailwarden.extract.base import ExtractContext, Segment
from mailwarden.extract.formats.sniff import recognise
from mailwarden.extract.formats.tables import ColumnLabels
from mailwarden.extract.formats.textcodec import decode_text

_TYPES = frozenset({"text/csv", "application/csv", "text/x-csv", "text/comma-separated-values"})
_TSV_TYPES = frozenset({"text/tab-separated-values", "text/tsv"})
_DELIMITERS = (",", ";", "\t", "|")
_TIME_CHECK_ROWS = 1000


class CsvExtractor:
    name = "csv"
    description = "CSV and TSV files: one segment per row, cells tab-separated."

    def matches(self, content_type: str, filename: str, head: bytes) -> bool:
        labelled = (
            content_type in _TYPES
            or content_type in _TSV_TYPES
            or filename.endswith((".csv", ".tsv", ".tab"))
        )
        return recognise(head, labelled)

    def extract(self, data: bytes, context: ExtractContext) -> Iterator[Segment]:
        context.budget.charge_bytes(len(data), context.location)
        text = decode_text(data, context.charset)
        tab_separated = context.location.lower().endswith((".tsv", ".tab"))
        delimiter = "\t" if tab_separated else _guess_delimiter(text)
        labels = ColumnLabels()
        for number, row in enumerate(_rows(text, delimiter), start=1):
            if number % _TIME_CHECK_ROWS == 0:
                context.budget.check_time()
            line = row if isinstance(row, str) else labels.line(row)
            if line.strip():
                yield context.segment(line, f"row {number}")


def _guess_delimiter(text: str) -> str:
    first = text[:65536].split("\n", 1)[0]
    counts = {delimiter: first.count(delimiter) for delimiter in _DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _rows(text: str, delimiter: str) -> Iterator[list[str] | str]:
    """Each record's cells (a multi-line quoted cell stays one record), or a raw line."""
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        lines.taken.clear()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:  # a field over the csv module's size limit: read the raw lines
            yield "".join(lines.taken).rstrip("\r\n").replace(delimiter, "\t")
            continue
        yield [cell.replace("\t", " ") for cell in cells]


class _Lines:
    """The text's lines for csv.reader, remembering those taken for the current record."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._lines.readline()
        if not line:
            raise StopIteration
        self.taken.append(line)
        return line


EXTRACTOR = CsvExtractor()
