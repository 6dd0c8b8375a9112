"""Zip archives: each member read as a file of its own format, located inside the archive.

The bombs are in tests/security/test_zip_bomb.py; this is the everyday behaviour.
"""

from __future__ import annotations

import io
import struct
import zipfile

import docx
import openpyxl
import pytest

from .support import extract_attachment, positioned, rewritten_zip

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def a_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def a_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            if name.endswith("/"):
                archive.mkdir(name.rstrip("/"))
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


def mark_encrypted(data: bytes, name: str) -> bytes:
    """Set the "encrypted" flag of one member, in its local and central headers.

    The standard library cannot write encrypted zips; the flag is what a reader
    sees first, and what the guard refuses on, before any byte is decrypted.
    """
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
        patched[info.header_offset + 6] |= 0x1
        position = archive.start_dir  # type: ignore[attr-defined]
        for entry in archive.infolist():
            name_length, extra_length, comment_length = struct.unpack_from(
                "<HHH", data, position + 28
            )
            if entry.filename == name:
                patched[position + 8] |= 0x1
            position += 46 + name_length + extra_length + comment_length
    return bytes(patched)


def damage(data: bytes, name: str) -> bytes:
    """Flip one byte of a stored member's content, so its CRC no longer matches."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
        name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
        patched[info.header_offset + 30 + name_length + extra_length] ^= 0xFF
    return bytes(patched)


def test_a_zip_of_case_files_gives_each_members_text_at_its_path() -> None:
    files = a_zip(
        {
            "Ellie/": b"",
            "Ellie/referral.docx": a_docx("Referral for Ellie Marsh"),
            "Ellie/notes.txt": b"Spoke to mum on 3 March.",
            "pupils.csv": b"Name,DOB\r\nEllie Marsh,14/03/2015\r\n",
            "photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(64),
        }
    )

    result = extract_attachment(files, "case files.zip", "application/zip")

    assert [(s.location, s.position, s.text) for s in result.segments] == [
        (
            "attachment:case files.zip/Ellie/referral.docx",
            "paragraph 1",
            "Referral for Ellie Marsh",
        ),
        ("attachment:case files.zip/Ellie/notes.txt", "", "Spoke to mum on 3 March."),
        ("attachment:case files.zip/pupils.csv", "row 1", "Name\tDOB"),
        ("attachment:case files.zip/pupils.csv", "row 2", "Name: Ellie Marsh\tDOB: 14/03/2015"),
    ]
    [problem] = result.problems  # the photo; the directory entry is not a file
    assert (problem.location, problem.kind) == (
        "attachment:case files.zip/photo.jpg",
        "unsupported",
    )


def test_a_zip_inside_a_zip_is_read_with_its_full_path() -> None:
    inner = a_zip({"list.txt": b"Tom Reed"})
    outer = a_zip({"2023/older.zip": inner, "readme.txt": b"Archive of referrals"})

    result = extract_attachment(outer, "archive.zip")

    assert [(s.location, s.text) for s in result.segments] == [
        ("attachment:archive.zip/2023/older.zip/list.txt", "Tom Reed"),
        ("attachment:archive.zip/readme.txt", "Archive of referrals"),
    ]


def test_a_password_protected_member_is_reported_and_the_others_are_read() -> None:
    files = mark_encrypted(
        a_zip({"open.txt": b"Ellie Marsh", "secret.txt": b"Tom Reed", "last.txt": b"Year 4"}),
        "secret.txt",
    )

    result = extract_attachment(files, "files.zip")

    assert [s.text for s in result.segments] == ["Ellie Marsh", "Year 4"]
    assert [(p.location, p.kind) for p in result.problems] == [
        ("attachment:files.zip/secret.txt", "encrypted")
    ]
    assert result.problems[0].unscannable


def test_a_damaged_member_is_reported_and_the_others_are_read() -> None:
    files = damage(
        a_zip(
            {"a.txt": b"Ellie Marsh", "b.txt": b"Tom Reed", "c.txt": b"Year 4"}, zipfile.ZIP_STORED
        ),
        "b.txt",
    )

    result = extract_attachment(files, "files.zip")

    assert [s.text for s in result.segments] == ["Ellie Marsh", "Year 4"]
    [problem] = result.problems
    assert (problem.location, problem.kind) == ("attachment:files.zip/b.txt", "corrupt")
    assert "Bad CRC-32" in problem.detail


def test_a_truncated_zip_is_corrupt() -> None:
    files = a_zip({"notes.txt": b"Ellie Marsh" * 100})

    result = extract_attachment(files[:-30], "files.zip")

    [problem] = result.problems
    assert (problem.location, problem.kind) == ("attachment:files.zip", "corrupt")
    assert "not a readable zip file" in problem.detail


def test_a_limit_stops_the_archive_but_not_the_members_read_before_it() -> None:
    files = a_zip({"a.txt": b"Ellie Marsh", "zeros.bin": bytes(8 * 2**20), "z.txt": b"Tom Reed"})

    result = extract_attachment(files, "files.zip")

    assert [s.text for s in result.segments] == ["Ellie Marsh"]
    [problem] = result.problems
    assert (problem.location, problem.kind) == ("attachment:files.zip/zeros.bin", "limit")


def test_members_are_never_extracted_to_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was written to disk")

    monkeypatch.setattr(zipfile.ZipFile, "extract", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", refuse)
    files = a_zip({"../../etc/cron.d/job.txt": b"Ellie Marsh"})

    result = extract_attachment(files, "files.zip")

    assert [(s.location, s.text) for s in result.segments] == [
        ("attachment:files.zip/../../etc/cron.d/job.txt", "Ellie Marsh")
    ]


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("referral", "application/octet-stream"), ("referral.zip", "application/zip"), ("", "")],
)
def test_a_word_document_under_another_name_or_type_is_read_as_word(
    name: str, content_type: str
) -> None:
    result = extract_attachment(a_docx("Ellie Marsh"), name, content_type)

    assert result.problems == []
    assert positioned(result) == [("paragraph 1", "Ellie Marsh")]


def test_a_spreadsheet_named_docx_is_read_as_a_spreadsheet() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Ellie Marsh", "14/03/2015"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = extract_attachment(buffer.getvalue(), "pupils.docx", DOCX_TYPE)

    assert result.problems == []
    assert positioned(result) == [("sheet Sheet row 1", "Ellie Marsh\t14/03/2015")]


def test_a_plain_zip_named_docx_is_read_as_the_zip_it_is() -> None:
    result = extract_attachment(a_zip({"notes.txt": b"Ellie Marsh"}), "notes.docx", DOCX_TYPE)

    assert [(s.location, s.text) for s in result.segments] == [
        ("attachment:notes.docx/notes.txt", "Ellie Marsh")
    ]


def test_an_office_file_inside_a_zip_keeps_the_zip_limits_of_its_own() -> None:
    bomb_docx = rewritten_zip(a_docx("Ellie Marsh"), add={"word/media/big.png": bytes(4 * 2**20)})
    files = a_zip({"referral.docx": bomb_docx, "notes.txt": b"Tom Reed"})

    result = extract_attachment(files, "files.zip")

    assert result.segments == []
    [problem] = result.problems
    assert problem.location == "attachment:files.zip/referral.docx"
    assert "word/media/big.png has compression ratio" in problem.detail
