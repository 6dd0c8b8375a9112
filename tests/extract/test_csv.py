"""CSV and TSV: one segment per row ("row N"), cells joined by tabs so columns stay apart,
and under a header row each cell labelled with its column: "DOB: 14/03/2015"."""

from __future__ import annotations

import csv

from .support import extract_attachment, positioned


def test_a_pupil_export_gives_one_segment_per_row_with_the_columns_apart() -> None:
    export = (
        b"Name,Date of birth,Year,Notes\r\n"
        b"Tom Reed,02/05/2014,5,\r\n"
        b'"Marsh, Ellie",14/03/2015,4,"EHCP; lives with gran"\r\n'
    )

    result = extract_attachment(export, "class 4.csv", "text/csv")

    assert result.problems == []
    assert positioned(result) == [
        ("row 1", "Name\tDate of birth\tYear\tNotes"),
        ("row 2", "Name: Tom Reed\tDate of birth: 02/05/2014\tYear: 5"),
        (
            "row 3",
            "Name: Marsh, Ellie\tDate of birth: 14/03/2015\tYear: 4\tNotes: EHCP; lives with gran",
        ),
    ]
    assert {s.location for s in result.segments} == {"attachment:class 4.csv"}


def test_a_semicolon_separated_export_from_european_excel_is_split_on_semicolons() -> None:
    result = extract_attachment(b"Name;DOB\nEllie Marsh;14.03.2015\n", "schueler.csv")

    assert positioned(result) == [
        ("row 1", "Name\tDOB"),
        ("row 2", "Name: Ellie Marsh\tDOB: 14.03.2015"),
    ]


def test_a_tsv_file_is_split_on_tabs_and_a_cell_with_a_tab_keeps_its_place() -> None:
    result = extract_attachment(b'Name\tDOB\n"Ellie\tMarsh"\t14/03/2015\n', "pupils.tsv")

    assert positioned(result) == [
        ("row 1", "Name\tDOB"),
        ("row 2", "Name: Ellie Marsh\tDOB: 14/03/2015"),
    ]


def test_a_quoted_cell_over_several_lines_stays_one_row() -> None:
    export = b'Name,Notes\nEllie Marsh,"Referred in March.\nReview in June."\nTom Reed,\n'

    result = extract_attachment(export, "notes.csv")

    assert positioned(result) == [
        ("row 1", "Name\tNotes"),
        ("row 2", "Name: Ellie Marsh\tNotes: Referred in March.\nReview in June."),
        ("row 3", "Name: Tom Reed"),
    ]


def test_windows_1252_text_is_decoded() -> None:
    export = "Name,Note\nZoë Ní Bhriain,£20 owed\n".encode("cp1252")

    result = extract_attachment(export, "dinner money.csv")

    assert ("row 2", "Name: Zoë Ní Bhriain\tNote: £20 owed") in positioned(result)


def test_a_csv_labelled_as_excel_or_plain_text_is_still_read_as_csv() -> None:
    for content_type in ("application/vnd.ms-excel", "text/plain", "application/octet-stream"):
        result = extract_attachment(
            b"Name,DOB\nEllie Marsh,14/03/2015\n", "pupils.csv", content_type
        )
        assert positioned(result)[1] == ("row 2", "Name: Ellie Marsh\tDOB: 14/03/2015"), (
            content_type
        )


def test_a_field_too_big_for_the_csv_module_is_read_as_its_raw_line() -> None:
    big = "x" * (csv.field_size_limit() + 10)
    export = f"Name,Notes\nEllie Marsh,{big}\nTom Reed,ok\n".encode()

    result = extract_attachment(export, "notes.csv")

    rows = positioned(result)
    assert rows[0] == ("row 1", "Name\tNotes")
    assert rows[1][0] == "row 2" and rows[1][1].startswith("Ellie Marsh\txxx")
    assert rows[2] == ("row 3", "Name: Tom Reed\tNotes: ok")
    assert result.problems == []


def test_blank_lines_are_skipped_but_still_counted() -> None:
    result = extract_attachment(b"Name\n\nEllie Marsh\n", "names.csv")

    assert positioned(result) == [("row 1", "Name"), ("row 3", "Ellie Marsh")]


def test_a_csv_without_a_header_row_is_only_tab_separated() -> None:
    result = extract_attachment(b"Ellie Marsh,14/03/2015\nTom Reed,02/05/2014\n", "list.csv")

    assert positioned(result) == [
        ("row 1", "Ellie Marsh\t14/03/2015"),
        ("row 2", "Tom Reed\t02/05/2014"),
    ]
