"""Rich Text Format: one segment per paragraph, and hostile RTF read in linear time."""

from __future__ import annotations

import time

import pytest

from mailwarden.extract.formats.rtf import MAX_RTF_CHARS

from .support import extract_attachment, positioned

LETTER = rb"""{\rtf1\ansi\ansicpg1252\deff0
{\fonttbl{\f0\fswiss\fcharset0 Arial;}{\f1\froman\fcharset204{\*\falt Times;} Times New Roman Cyr;}}
{\colortbl;\red0\green0\blue0;}
{\info{\author Jo Bloggs}{\title Referral}}
\f0\fs24 Referral to Educational Psychology\par
Pupil: Ellie Marsh, born 14/03/2015\par
Parent: Mrs \f1\'cc\'e0\'f0\'f8\f0  (speaks Russian)\par
{\field{\*\fldinst{HYPERLINK "https://oakfield.example/policy"}}{\fldrslt{Safeguarding policy}}}\par
\trowd\cellx2000\cellx4000 Name\cell DOB\cell\row
\trowd\cellx2000\cellx4000 Tom Reed\cell 02/05/2014\cell\row
{\pict\pngblip\picw10\pich10 89504e470d0a1a0a0000000d49484452}
}"""


def test_a_referral_letter_gives_one_segment_per_paragraph() -> None:
    result = extract_attachment(LETTER, "referral.rtf", "application/rtf")

    assert result.problems == []
    assert positioned(result) == [
        ("paragraph 1", "Referral to Educational Psychology"),
        ("paragraph 2", "Pupil: Ellie Marsh, born 14/03/2015"),
        ("paragraph 3", "Parent: Mrs Марш (speaks Russian)"),
        ("paragraph 4", "Safeguarding policy"),
        ("paragraph 5", "Name|DOB|"),
        ("paragraph 6", "Tom Reed|02/05/2014|"),
    ]


def test_an_rtf_named_txt_is_read_as_rtf() -> None:
    result = extract_attachment(LETTER, "letter.txt", "text/plain")

    assert ("paragraph 2", "Pupil: Ellie Marsh, born 14/03/2015") in positioned(result)


def test_a_plain_text_file_named_rtf_is_read_as_text() -> None:
    result = extract_attachment(b"Pupil: Ellie Marsh", "notes.rtf")

    assert positioned(result) == [("paragraph 1", "Pupil: Ellie Marsh")]


def test_binary_picture_data_is_skipped_not_read_as_text() -> None:
    picture = rb"{\pict\wmetafile8\bin11 {{{Ellie}}}" + b"}"  # 11 raw bytes, then the group ends
    document = rb"{\rtf1\ansi Before\par" + picture + rb"After\par\binfsxn1}"

    result = extract_attachment(document, "letter.rtf")

    assert positioned(result) == [("paragraph 1", "Before"), ("paragraph 2", "After")]


@pytest.mark.parametrize(
    "hostile",
    [
        # striprtf's hyperlink regex backtracks over the line from every field start
        rb"{\rtf1 " + rb"{\field{\*\fldinst{ x" * 50_000 + b"}",
        # its font-table regex scans to the end of the table from every \fN
        rb"{\rtf1{\fonttbl " + rb"\f1" * 300_000 + b"}}",
        # a \fonttbl that does not open its own group would make the table the whole document
        rb"{\rtf1\ansi\fonttbl\f0 " + rb"\f1" * 300_000 + b"}",
        # 4 MB of picture hex, which striprtf would walk a character at a time
        rb"{\rtf1 {\pict " + b"ab" * 2_000_000 + b"}}",
    ],
    ids=["hyperlink-fields", "font-table", "stray-font-table", "picture-hex"],
)
def test_hostile_rtf_that_makes_striprtf_quadratic_is_read_in_well_under_a_second(
    hostile: bytes,
) -> None:
    started = time.monotonic()
    result = extract_attachment(hostile, "letter.rtf")

    assert time.monotonic() - started < 1
    assert all(problem.kind != "corrupt" for problem in result.problems)


def test_rtf_too_long_to_read_in_time_is_refused_with_the_limit_named() -> None:
    huge = rb"{\rtf1 " + b"Ellie Marsh " * (MAX_RTF_CHARS // 12 + 1) + b"}"

    started = time.monotonic()
    result = extract_attachment(huge, "letter.rtf")

    assert time.monotonic() - started < 1
    assert result.segments == []
    [problem] = result.problems
    assert problem.kind == "limit"
    assert f"(limit {MAX_RTF_CHARS:,})" in problem.detail


def test_broken_unicode_escapes_are_corrupt_not_a_crash() -> None:
    result = extract_attachment(rb"{\rtf1 \u9999999999 Ellie}", "letter.rtf")

    assert [p.kind for p in result.problems] == ["corrupt"]
