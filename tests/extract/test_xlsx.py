"""Excel workbooks: every sheet, one segment per row, cells tab-separated, "sheet NAME row N",
and under a header row each cell labelled with its column: "Date of birth: 2015-03-14"."""

from __future__ import annotations

import io
import time
from datetime import date, datetime

import openpyxl
from msoffcrypto.format.ooxml import OOXMLFile

from .support import extract_attachment, positioned, rewritten_zip, text_at

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ELLIE = "Name: Ellie Marsh\tDate of birth: 2015-03-14\tYear: 4\tSEN: EHCP"


def pupil_list() -> openpyxl.Workbook:
    """A class list as schools send it: a header row, names, dates of birth, needs."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Pupils"
    sheet.append(["Name", "Date of birth", "Year", "SEN"])
    sheet.append(["Tom Reed", date(2014, 5, 2), 5, None])
    sheet.append(["Ellie Marsh", datetime(2015, 3, 14), 4, "EHCP"])
    contacts = workbook.create_sheet("Contacts")
    contacts["A1"] = "Parent"
    contacts["B1"] = "Phone"
    contacts["A2"] = "Mrs Marsh"
    contacts["B2"] = 7700900123
    return workbook


def saved(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(data: bytes, old: bytes, new: bytes) -> bytes:
    """The workbook with `old` replaced by `new` in the first sheet's XML (which must have it)."""

    def replace(name: str, content: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            assert old in content
            content = content.replace(old, new)
        return content

    return rewritten_zip(data, replace)


def test_a_pupil_list_gives_one_segment_per_row_with_the_columns_apart() -> None:
    result = extract_attachment(saved(pupil_list()), "class 4.xlsx", XLSX_TYPE)

    assert result.problems == []
    assert positioned(result) == [
        ("sheet Pupils", "Pupils"),
        ("sheet Pupils row 1", "Name\tDate of birth\tYear\tSEN"),
        ("sheet Pupils row 2", "Name: Tom Reed\tDate of birth: 2014-05-02\tYear: 5"),
        ("sheet Pupils row 3", "Name: Ellie Marsh\tDate of birth: 2015-03-14\tYear: 4\tSEN: EHCP"),
        ("sheet Contacts", "Contacts"),
        ("sheet Contacts row 1", "Parent\tPhone"),
        ("sheet Contacts row 2", "Parent: Mrs Marsh\tPhone: 7700900123"),
    ]


def test_a_sheet_named_for_a_pupil_is_text_too_but_default_names_are_not() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Sheet1"
    workbook.create_sheet("Ellie Marsh")["A1"] = "Attendance 82%"

    result = extract_attachment(saved(workbook), "tracker.xlsx")

    assert positioned(result) == [
        ("sheet Ellie Marsh", "Ellie Marsh"),
        ("sheet Ellie Marsh row 1", "Attendance 82%"),
    ]


def test_empty_rows_and_leading_empty_cells_keep_their_numbers_and_columns() -> None:
    workbook = openpyxl.Workbook()
    workbook.active["C5"] = "Ellie Marsh"

    result = extract_attachment(saved(workbook), "sparse.xlsx")

    assert positioned(result) == [("sheet Sheet row 5", "\t\tEllie Marsh")]


def test_cached_values_of_formulas_are_read_not_the_formulas() -> None:
    data = with_sheet_xml(
        saved(pupil_list()), b'<c r="C3" t="n"><v>4</v></c>', b'<c r="C3"><f>B1+1</f><v>4</v></c>'
    )

    result = extract_attachment(data, "pupils.xlsx")

    assert text_at(result, "sheet Pupils row 3") == ELLIE


def test_a_declared_dimension_of_a_whole_sheet_does_not_pad_every_row() -> None:
    data = with_sheet_xml(
        saved(pupil_list()), b'<dimension ref="A1:D3"/>', b'<dimension ref="A1:XFD1048576"/>'
    )

    started = time.monotonic()
    result = extract_attachment(data, "pupils.xlsx")

    assert time.monotonic() - started < 1
    assert text_at(result, "sheet Pupils row 3") == ELLIE


def test_a_truncated_workbook_is_corrupt() -> None:
    data = saved(pupil_list())

    result = extract_attachment(data[:1000], "pupils.xlsx", XLSX_TYPE)

    assert result.segments == []
    assert [p.kind for p in result.problems] == ["corrupt"]


def test_a_workbook_with_a_broken_sheet_is_corrupt() -> None:
    data = with_sheet_xml(saved(pupil_list()), b"</sheetData>", b"<row>")

    result = extract_attachment(data, "pupils.xlsx")

    assert [p.kind for p in result.problems] == ["corrupt"]


def test_a_password_protected_workbook_is_encrypted() -> None:
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(saved(pupil_list()))).encrypt("Pupils2024", encrypted)

    result = extract_attachment(encrypted.getvalue(), "pupils.xlsx", XLSX_TYPE)

    assert result.segments == []
    assert [(p.kind, p.detail) for p in result.problems] == [
        ("encrypted", "attachment:pupils.xlsx is password-protected")
    ]
