"""Which extractor reads a file: magic bytes first, then content type and extension.

Senders' clients label attachments loosely, so a PDF called notes.txt is read
as a PDF, a DOCX sent as application/octet-stream is read as a DOCX, and an
image, which we do not read, is reported as unsupported, never as an error.
"""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from mailwarden.extract import find_extractor
from mailwarden.extract.formats import ALL_EXTRACTORS

from .pdf_builder import make_pdf
from .support import all_text, extract_attachment

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"
RTF = b"{\\rtf1\\ansi\\deff0"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
TEXT = b"Name,DOB\nEllie Ma"

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("content_type", "filename", "head", "expected"),
    [
        # labelled truthfully
        ("application/pdf", "referral.pdf", PDF, "pdf"),
        (DOCX_TYPE, "referral.docx", ZIP, "docx"),
        (XLSX_TYPE, "pupils.xlsx", ZIP, "xlsx"),
        ("", "review.pptx", ZIP, "pptx"),
        ("application/vnd.oasis.opendocument.text", "letter.odt", ZIP, "odf"),
        ("application/zip", "files.zip", ZIP, "zip"),
        ("application/vnd.ms-outlook", "fwd.msg", OLE, "msg"),
        ("application/rtf", "letter.rtf", RTF, "rtf"),
        ("text/csv", "pupils.csv", TEXT, "csv"),
        ("text/plain", "notes.txt", TEXT, "plain"),
        # magic bytes beat the label
        ("text/plain", "notes.txt", PDF, "pdf"),
        ("application/octet-stream", "scan", PDF, "pdf"),
        ("text/plain", "notes.txt", ZIP, "zip"),
        ("application/pdf", "report.pdf", ZIP, "zip"),
        ("text/plain", "letter.txt", RTF, "rtf"),
        ("application/octet-stream", "", ZIP, "zip"),
        # the zip-based office formats come before the zip they are made of
        ("application/octet-stream", "referral.docx", ZIP, "docx"),
        # a password-protected OOXML file is an OLE compound file under its own name
        (DOCX_TYPE, "referral.docx", OLE, "docx"),
        (XLSX_TYPE, "pupils.xlsx", OLE, "xlsx"),
        # Windows labels CSV files as Excel
        ("application/vnd.ms-excel", "pupils.csv", TEXT, "csv"),
        ("text/plain", "pupils.tsv", TEXT, "csv"),
        # images and other binaries we do not read
        ("image/png", "photo.png", PNG, None),
        ("image/jpeg", "photo.jpg", JPEG, None),
        ("application/octet-stream", "photo", JPEG, None),
        ("application/octet-stream", "data.bin", b"\x00\x01\x02\x03", None),
        ("application/msword", "old.doc", OLE, None),
    ],
)
def test_the_right_extractor_reads_each_file(
    content_type: str, filename: str, head: bytes, expected: str | None
) -> None:
    extractor = find_extractor(content_type, filename, head)
    assert (extractor.name if extractor else None) == expected


def test_an_image_is_unsupported_not_an_error() -> None:
    result = extract_attachment(PNG + b"\x00" * 200, "photo.png", "image/png")

    assert result.segments == []
    [problem] = result.problems
    assert problem.kind == "unsupported"
    assert problem.location == "attachment:photo.png"
    assert not problem.unscannable


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("Referral.doc", "application/msword"),
        ("smime.p7m", "application/pkcs7-mime"),
        ("export.bin", "application/octet-stream"),
    ],
)
def test_a_document_we_cannot_read_is_unscannable(name: str, content_type: str) -> None:
    """A legacy .doc or an encrypted envelope may carry anything: the rules must see it."""
    result = extract_attachment(b"\x01\x02binary" * 20, name, content_type)
    [problem] = result.problems
    assert problem.kind == "unreadable"
    assert problem.unscannable


def test_a_calendar_invite_is_read_as_text() -> None:
    invite = b"BEGIN:VCALENDAR\r\nSUMMARY:Strategy meeting re Ellie Marsh\r\nEND:VCALENDAR\r\n"
    result = extract_attachment(invite, "invite.ics", "text/calendar")
    assert "Ellie Marsh" in all_text(result)


def test_a_pdf_named_txt_is_read_as_a_pdf() -> None:
    pdf = make_pdf([["Pupil: Ellie Marsh"]])

    result = extract_attachment(pdf, "notes.txt", "text/plain")

    assert result.problems == []
    assert [(s.position, s.text.strip()) for s in result.segments] == [
        ("page 1", "Pupil: Ellie Marsh")
    ]


def test_a_zip_named_txt_is_read_as_a_zip() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pupils.txt", "Ellie Marsh")

    result = extract_attachment(buffer.getvalue(), "notes.txt", "text/plain")

    assert result.problems == []
    assert [(s.location, s.text) for s in result.segments] == [
        ("attachment:notes.txt/pupils.txt", "Ellie Marsh")
    ]


def test_a_docx_with_no_name_or_type_is_read_as_a_docx() -> None:
    document = docx.Document()
    document.add_paragraph("Ellie Marsh")
    buffer = io.BytesIO()
    document.save(buffer)

    result = extract_attachment(buffer.getvalue(), "", "application/octet-stream")

    assert result.problems == []
    assert [(s.position, s.text) for s in result.segments] == [("paragraph 1", "Ellie Marsh")]
    assert "Ellie Marsh" in all_text(result)


def test_every_extractor_has_a_unique_name_and_a_one_line_description() -> None:
    names = [extractor.name for extractor in ALL_EXTRACTORS]
    assert len(names) == len(set(names))
    for extractor in ALL_EXTRACTORS:
        assert extractor.description.strip()
        assert "\n" not in extractor.description


def test_office_formats_are_tried_before_zip_and_magic_formats_before_text() -> None:
    order = [extractor.name for extractor in ALL_EXTRACTORS]
    for office in ("docx", "xlsx", "pptx", "odf"):
        assert order.index(office) < order.index("zip")
    for magic in ("pdf", "zip", "rtf"):
        assert order.index(magic) < order.index("plain")
        assert order.index(magic) < order.index("csv")
    assert order[-1] == "plain"
