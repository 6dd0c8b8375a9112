"""Column labels for spreadsheet-like tables: which row is a header, and how cells are labelled."""

from __future__ import annotations

import pytest

from mailwarden.extract.formats.tables import ColumnLabels


def lines(rows: list[list[str]]) -> list[str]:
    labels = ColumnLabels()
    return [labels.line(row) for row in rows]


def test_cells_under_a_header_row_are_written_header_colon_value() -> None:
    assert lines(
        [
            ["Tenant", "Date of birth", "Postcode"],
            ["Stephen Ashworth", "1962-11-17", "M40 8WN"],
        ]
    ) == [
        "Tenant\tDate of birth\tPostcode",
        "Tenant: Stephen Ashworth\tDate of birth: 1962-11-17\tPostcode: M40 8WN",
    ]


@pytest.mark.parametrize(
    ("rows", "expected_last"),
    [
        # a title row of one cell is passed over; the next row is the header
        (
            [["Year 6 trip"], ["Name", "DOB"], ["Ellie Marsh", "14/03/2015"]],
            "Name: Ellie Marsh\tDOB: 14/03/2015",
        ),
        # a first row with digits is data, not a header
        ([["Ellie Marsh", "14/03/2015"], ["Tom Reed", "02/05/2014"]], "Tom Reed\t02/05/2014"),
        # empty cells stay empty (and keep their tab), cells past the header unlabelled
        ([["Name", "DOB"], ["", "14/03/2015", "extra"]], "\tDOB: 14/03/2015\textra"),
        # a header cell over several lines is one label
        (
            [["Date of\nbirth", "Name"], ["14/03/2015", "Ellie Marsh"]],
            "Date of birth: 14/03/2015\tName: Ellie Marsh",
        ),
        # an over-long first cell is prose, not a header
        ([["x" * 61, "Notes"], ["Ellie", "fine"]], "Ellie\tfine"),
    ],
)
def test_which_row_is_the_header(rows: list[list[str]], expected_last: str) -> None:
    assert lines(rows)[-1] == expected_last
