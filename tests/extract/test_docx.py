"""Word documents: every paragraph, table row, header, footer, note and comment, with its position.

Fixtures are written with python-docx; what it cannot write (content controls,
tracked deletions, text boxes, footnotes) is added as the XML Word writes.
"""

from __future__ import annotations

import io
import time

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from extract_msg.ole_writer import OleWriter
from msoffcrypto.format.ooxml import OOXMLFile

from mailwarden.extract import ExtractionLimits

from .support import all_text, extract_attachment, positioned, rewritten_zip, text_at

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def referral() -> docx.document.Document:
    """A school's referral form: a heading, a paragraph, and the pupil's details in a table."""
    document = docx.Document()
    document.add_heading("Referral to Educational Psychology", 1)
    document.add_paragraph("Please see the pupil's details below.")
    table = document.add_table(rows=3, cols=2)
    details = [("Name", "Ellie Marsh"), ("Date of birth", "14/03/2015"), ("Year", "4")]
    for row, (label, value) in zip(table.rows, details, strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    document.sections[0].header.paragraphs[0].text = "Oakfield Primary - CONFIDENTIAL"
    document.sections[0].footer.paragraphs[0].text = "Referral form v3"
    return document


def saved(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_referral_docx_gives_each_paragraph_and_table_row_its_position() -> None:
    result = extract_attachment(saved(referral()), "referral.docx", DOCX_TYPE)

    assert result.problems == []
    assert positioned(result) == [
        ("paragraph 1", "Referral to Educational Psychology"),
        ("paragraph 2", "Please see the pupil's details below."),
        ("table 1 row 1", "Name\tEllie Marsh"),
        ("table 1 row 2", "Date of birth\t14/03/2015"),
        ("table 1 row 3", "Year\t4"),
        ("header 1", "Oakfield Primary - CONFIDENTIAL"),
        ("footer 1", "Referral form v3"),
    ]
    assert {s.location for s in result.segments} == {"attachment:referral.docx"}


def test_a_column_table_labels_each_cell_with_its_header_and_keeps_cells_apart() -> None:
    """So a date under "DOB" reads as a date of birth, and a name never runs into a date."""
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Name", "DOB", "Needs"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["Tom Reed", "02/05/2014", ""], strict=True):
        cell.text = text

    result = extract_attachment(saved(document), "pupils.docx")

    assert text_at(result, "table 1 row 1") == "Name\tDOB\tNeeds"
    assert text_at(result, "table 1 row 2") == "Name: Tom Reed\tDOB: 02/05/2014"


def test_a_two_column_label_and_value_form_is_not_mistaken_for_a_header_row() -> None:
    result = extract_attachment(saved(referral()), "referral.docx")

    assert text_at(result, "table 1 row 2") == "Date of birth\t14/03/2015"


def test_comments_are_read() -> None:
    document = referral()
    document.add_comment(document.paragraphs[1].runs, text="Check with Mrs Patel", author="JB")

    result = extract_attachment(saved(document), "referral.docx")

    assert text_at(result, "comment 1") == "Check with Mrs Patel"


def test_footnotes_are_read_and_separators_skipped() -> None:
    document = referral()
    footnotes = (
        f"<w:footnotes {nsdecls('w')}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:t>Known to social care since 2021</w:t></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    ).encode()
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, footnotes, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)

    result = extract_attachment(saved(document), "referral.docx")

    assert text_at(result, "footnote 1") == "Known to social care since 2021"
    assert "footnote 2" not in [s.position for s in result.segments]


def test_text_in_content_controls_tracked_deletions_and_text_boxes_is_read() -> None:
    """Where form templates keep what was typed, and what an editor thought they removed."""
    document = docx.Document()
    document.add_paragraph("Pupil details:")
    body = document.element.body
    body.insert(
        len(body) - 1,  # before the section properties
        parse_xml(
            f"<w:sdt {nsdecls('w')}><w:sdtPr><w:alias w:val='Pupil name'/></w:sdtPr>"
            "<w:sdtContent><w:p><w:r><w:t>Ellie Marsh</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        ),
    )
    edited = document.add_paragraph("Date of birth: ")
    edited._p.append(
        parse_xml(
            f"<w:del {nsdecls('w')} w:id='7' w:author='JB' w:date='2024-03-01T09:00:00Z'>"
            "<w:r><w:delText>14/03/2015</w:delText></w:r></w:del>"
        )
    )
    boxed = document.add_paragraph("See note: ")
    boxed._p.append(
        parse_xml(
            f"<w:r {nsdecls('w')} "
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
            "<w:p><w:r><w:t>Lives with grandmother</w:t></w:r></w:p>"
            "</w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
            "<mc:Fallback><w:pict><w:txbxContent>"
            "<w:p><w:r><w:t>Lives with grandmother</w:t></w:r></w:p>"
            "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        )
    )

    result = extract_attachment(saved(document), "form.docx")

    assert positioned(result) == [
        ("paragraph 1", "Pupil details:"),
        ("paragraph 2", "Ellie Marsh"),
        ("paragraph 3", "Date of birth: 14/03/2015"),
        ("paragraph 4", "See note: "),
        ("paragraph 5", "Lives with grandmother"),  # once: the VML fallback copy is skipped
    ]


def test_tabs_and_line_breaks_keep_words_apart_but_tab_stops_are_not_text() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.tab_stops.add_tab_stop(docx.shared.Inches(2))
    run = paragraph.add_run("Name:")
    run.add_tab()
    run.add_text("Ellie Marsh")
    run.add_break()
    run.add_text("Year 4")

    result = extract_attachment(saved(document), "form.docx")

    assert positioned(result) == [("paragraph 1", "Name:\tEllie Marsh\nYear 4")]


def test_a_spreadsheet_embedded_in_a_report_is_read_as_a_file_of_its_own() -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Ellie Marsh", "Reading age 7.2"])
    sheet = io.BytesIO()
    workbook.save(sheet)
    report = rewritten_zip(
        saved(referral()), add={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": sheet.getvalue()}
    )

    result = extract_attachment(report, "report.docx")

    embedded = "attachment:report.docx/word/embeddings/Microsoft_Excel_Worksheet.xlsx"
    assert [(s.position, s.text) for s in result.segments if s.location == embedded] == [
        ("sheet Sheet row 1", "Ellie Marsh\tReading age 7.2")
    ]
    assert result.problems == []


def test_a_truncated_docx_is_corrupt() -> None:
    data = saved(referral())

    result = extract_attachment(data[: len(data) // 2], "referral.docx", DOCX_TYPE)

    assert result.segments == []
    [problem] = result.problems
    assert (problem.location, problem.kind) == ("attachment:referral.docx", "corrupt")
    assert "not a readable zip" in problem.detail


def test_random_bytes_named_docx_are_corrupt() -> None:
    result = extract_attachment(b"this is not a word document" * 10, "referral.docx")

    assert [p.kind for p in result.problems] == ["corrupt"]


def test_a_package_without_its_main_document_is_corrupt() -> None:
    def drop_main_document(name: str, content: bytes) -> bytes | None:
        return None if name == "word/document.xml" else content

    result = extract_attachment(rewritten_zip(saved(referral()), drop_main_document), "x.docx")

    [problem] = result.problems
    assert problem.kind == "corrupt"
    assert "not a readable Word document" in problem.detail


def test_a_password_protected_docx_is_encrypted() -> None:
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(saved(referral()))).encrypt("Oakfield2024", encrypted)

    result = extract_attachment(encrypted.getvalue(), "referral.docx", DOCX_TYPE)

    assert result.segments == []
    [problem] = result.problems
    assert (problem.kind, problem.detail) == (
        "encrypted",
        "attachment:referral.docx is password-protected",
    )
    assert problem.unscannable


def test_a_legacy_binary_word_file_named_docx_is_reported_not_guessed_at() -> None:
    writer = OleWriter()
    writer.addEntry("WordDocument", b"\xec\xa5" + b"\0" * 510)
    legacy = io.BytesIO()
    writer.write(legacy)

    result = extract_attachment(legacy.getvalue(), "old.docx")

    [problem] = result.problems
    assert problem.kind == "corrupt"
    assert "legacy binary (OLE) format" in problem.detail


def test_a_docx_carrying_a_compression_bomb_is_refused_before_it_is_parsed() -> None:
    bomb = rewritten_zip(saved(referral()), add={"word/media/image1.png": bytes(20 * 2**20)})

    started = time.monotonic()
    result = extract_attachment(bomb, "referral.docx")

    assert time.monotonic() - started < 1
    assert result.segments == []
    [problem] = result.problems
    assert problem.kind == "limit"
    assert "word/media/image1.png has compression ratio" in problem.detail
    assert "(limit 100:1)" in problem.detail


def test_a_docx_with_more_parts_than_the_limit_is_refused() -> None:
    result = extract_attachment(
        saved(referral()), "referral.docx", limits=ExtractionLimits(max_archive_members=5)
    )

    [problem] = result.problems
    assert problem.kind == "limit"
    assert "(limit 5)" in problem.detail
    assert all_text(result) == ""
