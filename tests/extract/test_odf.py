"""OpenDocument text, spreadsheets and presentations, read from their XML with defusedxml.

Fixtures are written with odfpy (writing is safe; it is only odfpy's reader,
which expands entities, that the extractor does not use).
"""

from __future__ import annotations

import io
import time
import zipfile

from odf.draw import Frame, Page, TextBox
from odf.opendocument import (
    OpenDocument,
    OpenDocumentPresentation,
    OpenDocumentSpreadsheet,
    OpenDocumentText,
)
from odf.presentation import Notes
from odf.style import Footer, Header, MasterPage, PageLayout
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, Note, NoteBody, NoteCitation, P, S, Span

from .support import extract_attachment, positioned, rewritten_zip


def saved(document: OpenDocument) -> bytes:
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def paragraph(text: str) -> P:
    return P(text=text)


def table_of(name: str, rows: list[list[str]]) -> Table:
    table = Table(name=name)
    table.addElement(TableColumn(numbercolumnsrepeated=len(rows[0])))
    for values in rows:
        row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(paragraph(value))
            row.addElement(cell)
        table.addElement(row)
    return table


def referral_letter() -> bytes:
    """A letter: header, heading, a paragraph with a footnote, and the pupil's details table."""
    document = OpenDocumentText()
    layout = PageLayout(name="page")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header, footer = Header(), Footer()
    header.addElement(paragraph("Oakfield Primary - CONFIDENTIAL"))
    footer.addElement(paragraph("Referral form v3"))
    master.addElement(header)
    master.addElement(footer)
    document.masterstyles.addElement(master)
    document.text.addElement(H(outlinelevel=1, text="Referral"))
    body = P(text="Pupil:")
    body.addElement(S(c=2))
    body.addElement(Span(text="Ellie Marsh"))
    note = Note(id="ftn1", noteclass="footnote")
    note.addElement(NoteCitation(text="1"))
    note_body = NoteBody()
    note_body.addElement(paragraph("Known to social care since 2021"))
    note.addElement(note_body)
    body.addElement(note)
    body.addText(" attends Year 4.")
    document.text.addElement(body)
    document.text.addElement(
        table_of("Details", [["Name", "Date of birth"], ["Ellie Marsh", "14/03/2015"]])
    )
    return saved(document)


def test_a_referral_letter_gives_paragraphs_notes_tables_and_header_their_positions() -> None:
    result = extract_attachment(
        referral_letter(), "referral.odt", "application/vnd.oasis.opendocument.text"
    )

    assert result.problems == []
    assert positioned(result) == [
        ("paragraph 1", "Referral"),
        ("paragraph 2", "Pupil:  Ellie Marsh attends Year 4."),
        ("note 1", "Known to social care since 2021"),
        ("table 1 row 1", "Name\tDate of birth"),
        ("table 1 row 2", "Ellie Marsh\t14/03/2015"),
        ("header", "Oakfield Primary - CONFIDENTIAL"),
        ("footer", "Referral form v3"),
    ]


def test_a_spreadsheet_gives_rows_numbered_as_shown_with_repeats_counted_not_expanded() -> None:
    document = OpenDocumentSpreadsheet()
    table = table_of("Pupils", [["Name", "DOB"], ["Tom Reed", "02/05/2014"]])
    gap = TableRow(numberrowsrepeated=5)
    gap.addElement(TableCell())
    table.addElement(gap)
    row = TableRow()
    row.addElement(TableCell(numbercolumnsrepeated=2))
    named = TableCell()
    named.addElement(paragraph("Ellie Marsh"))
    row.addElement(named)
    table.addElement(row)
    rest = TableRow(numberrowsrepeated=1_048_000)  # LibreOffice pads every sheet like this
    rest.addElement(TableCell(numbercolumnsrepeated=16_384))
    table.addElement(rest)
    document.spreadsheet.addElement(table)

    started = time.monotonic()
    result = extract_attachment(saved(document), "pupils.ods")

    assert time.monotonic() - started < 1
    assert result.problems == []
    assert positioned(result) == [
        ("sheet Pupils", "Pupils"),
        ("sheet Pupils row 1", "Name\tDOB"),
        ("sheet Pupils row 2", "Name: Tom Reed\tDOB: 02/05/2014"),
        ("sheet Pupils row 8", "\t\tEllie Marsh"),
    ]


def test_a_presentation_gives_each_slide_and_its_notes() -> None:
    document = OpenDocumentPresentation()
    layout = PageLayout(name="page")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Default", pagelayoutname=layout)
    document.masterstyles.addElement(master)
    for number, (text, notes_text) in enumerate(
        [("Case review", ""), ("Ellie Marsh: attendance 82%", "Mum prefers phone calls")]
    ):
        page = Page(masterpagename=master, name=f"page{number}")
        frame = Frame(width="20cm", height="3cm", x="1cm", y="1cm")
        box = TextBox()
        box.addElement(paragraph(text))
        frame.addElement(box)
        page.addElement(frame)
        if notes_text:
            notes, notes_frame, notes_box = Notes(), Frame(width="20cm", height="3cm"), TextBox()
            notes_box.addElement(paragraph(notes_text))
            notes_frame.addElement(notes_box)
            notes.addElement(notes_frame)
            page.addElement(notes)
        document.presentation.addElement(page)

    result = extract_attachment(saved(document), "review.odp")

    assert positioned(result) == [
        ("slide 1", "Case review"),
        ("slide 2", "Ellie Marsh: attendance 82%"),
        ("slide 2 notes", "Mum prefers phone calls"),
    ]


def test_a_huge_space_count_is_capped_not_allocated() -> None:
    def billion_spaces(name: str, xml: bytes) -> bytes:
        if name == "content.xml":
            assert b'text:c="2"' in xml
            xml = xml.replace(b'text:c="2"', b'text:c="999999999"')
        return xml

    letter = rewritten_zip(referral_letter(), billion_spaces)

    result = extract_attachment(letter, "referral.odt")

    text = positioned(result)[1][1]
    assert text.startswith("Pupil:") and text.endswith("Ellie Marsh attends Year 4.")
    assert len(text) < 1000


def test_a_password_protected_document_is_encrypted() -> None:
    """ODF encrypts each part and says so in the manifest; the content is then noise."""
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        b'<manifest:encryption-data manifest:checksum-type="SHA1" manifest:checksum="x">'
        b'<manifest:algorithm manifest:algorithm-name="Blowfish CFB" '
        b'manifest:initialisation-vector="x"/></manifest:encryption-data></manifest:file-entry>'
        b"</manifest:manifest>"
    )
    encrypted = rewritten_zip(
        referral_letter(),
        lambda name, content: {"META-INF/manifest.xml": manifest, "content.xml": b"\x8f\x01"}.get(
            name, content
        ),
    )

    result = extract_attachment(encrypted, "referral.odt")

    assert result.segments == []
    assert [(p.kind, p.detail) for p in result.problems] == [
        ("encrypted", "attachment:referral.odt is password-protected")
    ]


def test_malformed_content_is_corrupt() -> None:
    broken = rewritten_zip(
        referral_letter(), lambda name, xml: xml[:300] if name == "content.xml" else xml
    )

    result = extract_attachment(broken, "referral.odt")

    [problem] = result.problems
    assert problem.kind == "corrupt"
    assert "content.xml is not well-formed XML" in problem.detail


def test_a_truncated_document_is_corrupt() -> None:
    letter = referral_letter()

    result = extract_attachment(letter[:500], "referral.odt")

    assert [p.kind for p in result.problems] == ["corrupt"]


def test_an_odf_without_a_mimetype_member_is_still_recognised() -> None:
    """Some generators leave out the mimetype member; content.xml and the manifest say enough."""
    letter = rewritten_zip(referral_letter(), lambda name, c: None if name == "mimetype" else c)

    result = extract_attachment(letter, "referral.odt")

    assert ("paragraph 1", "Referral") in positioned(result)


def test_text_is_read_in_reading_order_from_lists_and_sections() -> None:
    from odf.text import List, ListItem, Section

    document = OpenDocumentText()
    section = Section(name="Pupil")
    items = List()
    for text in ("Ellie Marsh", "Tom Reed"):
        item = ListItem()
        item.addElement(paragraph(text))
        items.addElement(item)
    section.addElement(items)
    document.text.addElement(section)
    document.text.addElement(paragraph("End of list"))

    result = extract_attachment(saved(document), "list.odt")

    assert positioned(result) == [
        ("paragraph 1", "Ellie Marsh"),
        ("paragraph 2", "Tom Reed"),
        ("paragraph 3", "End of list"),
    ]


def test_the_zip_container_is_checked_first() -> None:
    letter = rewritten_zip(referral_letter(), add={"Pictures/huge.png": bytes(8 * 2**20)})

    result = extract_attachment(letter, "referral.odt")

    assert [p.kind for p in result.problems] == ["limit"]
    assert "Pictures/huge.png has compression ratio" in result.problems[0].detail
    assert zipfile.is_zipfile(io.BytesIO(letter))
