"""Billion laughs (XML entity expansion) and external entities inside office files.

A DOCX is XML inside zip. A part that declares `<!ENTITY lol9 "&lol8;&lol8;...">`
nine levels deep expands to 10⁹ copies of "lol" (gigabytes) in a parser that
resolves entities. Office files never declare a DTD or entities, so a part that
does is refused before any parser sees it, and refused fast. As a second line,
the libraries under the extractors are checked to parse with entity resolution
off, so an upgrade that changes that is noticed here.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable

import docx
import openpyxl
import pptx
from odf.opendocument import OpenDocumentText
from odf.text import P

from mailwarden.extract import ExtractionResult, extract_message
from mailwarden.message import Message, Part

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{level} "{("&lol" + (str(level - 1) if level > 1 else "") + ";") * 10}">'
        for level in range(1, 10)
    )
    + "]>"
)
XXE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def with_part_rewritten(package: bytes, name: str, rewrite: Callable[[str], str]) -> bytes:
    """The package with one part's XML passed through `rewrite(str) -> str`."""
    return with_part_replaced(package, name, lambda data: rewrite(data.decode()).encode())


def with_part_replaced(package: bytes, name: str, replace: Callable[[bytes], bytes]) -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, replace(data) if info.filename == name else data)
    return buffer.getvalue()


def with_doctype(xml: str, doctype: str, reference: str) -> str:
    """Put a DTD after the XML declaration and an entity reference into the first text."""
    declaration, _, rest = xml.partition("?>")
    return f"{declaration}?>{doctype}{rest}".replace("Ellie Marsh", f"Ellie Marsh {reference}", 1)


def a_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Ellie Marsh")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def extract(data: bytes, name: str) -> tuple[ExtractionResult, float]:
    started = time.monotonic()
    result = extract_message(Message(parts=[Part("", data, name)]))
    return result, time.monotonic() - started


def test_a_billion_laughs_docx_is_refused_fast_and_unexpanded() -> None:
    bomb = with_part_rewritten(
        a_docx(), "word/document.xml", lambda xml: with_doctype(xml, LAUGHS, "&lol9;")
    )

    result, seconds = extract(bomb, "referral.docx")

    assert seconds < 1
    assert result.segments == []
    [problem] = result.problems
    assert problem.location == "attachment:referral.docx"
    assert problem.kind == "limit"
    assert "word/document.xml declares XML entities" in problem.detail
    assert problem.unscannable


def test_an_external_entity_docx_is_refused_and_reads_no_file() -> None:
    attack = with_part_rewritten(
        a_docx(), "word/document.xml", lambda xml: with_doctype(xml, XXE, "&xxe;")
    )

    result, _ = extract(attack, "referral.docx")

    assert result.segments == []
    assert [p.kind for p in result.problems] == ["limit"]
    assert "root:" not in result.problems[0].detail


def test_a_dtd_without_entities_is_refused_as_not_an_office_file() -> None:
    odd = with_part_rewritten(
        a_docx(), "word/document.xml", lambda xml: with_doctype(xml, "<!DOCTYPE w:document>", "")
    )

    result, _ = extract(odd, "referral.docx")

    [problem] = result.problems
    assert problem.kind == "corrupt"
    assert "has a DTD" in problem.detail


def test_entities_in_the_content_types_part_are_refused_too() -> None:
    bomb = with_part_rewritten(
        a_docx(),
        "[Content_Types].xml",
        lambda xml: xml.replace("?>", "?>" + LAUGHS.replace("lolz", "Types"), 1),
    )

    result, seconds = extract(bomb, "referral.docx")

    assert seconds < 1
    assert [p.kind for p in result.problems] == ["limit"]
    assert "[Content_Types].xml declares XML entities" in result.problems[0].detail


def test_a_utf16_encoded_part_cannot_hide_its_entities() -> None:
    def to_utf16(data: bytes) -> bytes:
        xml = with_doctype(data.decode(), LAUGHS, "&lol9;").replace('encoding="UTF-8"', "")
        return xml.encode("utf-16")

    bomb = with_part_replaced(a_docx(), "word/document.xml", to_utf16)

    result, seconds = extract(bomb, "referral.docx")

    assert seconds < 1
    assert [p.kind for p in result.problems] == ["limit"]


def test_a_billion_laughs_xlsx_pptx_and_odt_are_refused_as_well() -> None:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Ellie Marsh"
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[5])
    slide.shapes.title.text = "Ellie Marsh"
    deck = io.BytesIO()
    presentation.save(deck)
    text = OpenDocumentText()
    text.text.addElement(P(text="Ellie Marsh"))
    odt = io.BytesIO()
    text.write(odt)

    bombs = {
        "pupils.xlsx": with_part_rewritten(
            xlsx.getvalue(), "xl/worksheets/sheet1.xml", lambda x: with_doctype(x, LAUGHS, "")
        ),
        "review.pptx": with_part_rewritten(
            deck.getvalue(), "ppt/slides/slide1.xml", lambda x: with_doctype(x, LAUGHS, "&lol9;")
        ),
        "letter.odt": with_part_rewritten(
            odt.getvalue(), "content.xml", lambda x: with_doctype(x, LAUGHS, "&lol9;")
        ),
    }
    for name, bomb in bombs.items():
        result, seconds = extract(bomb, name)
        assert seconds < 1, name
        assert result.segments == [], name
        assert [p.kind for p in result.problems] == ["limit"], name
        assert "declares XML entities" in result.problems[0].detail, name


def test_the_libraries_underneath_do_not_expand_entities_either() -> None:
    """The second line: should a DTD ever get past the check, the parsers leave it unexpanded."""
    from docx.oxml.parser import parse_xml as docx_parse
    from openpyxl.xml.functions import fromstring as openpyxl_fromstring
    from openpyxl.xml.functions import iterparse as openpyxl_iterparse
    from pptx.oxml import parse_xml as pptx_parse

    small = b'<!DOCTYPE r [<!ENTITY name "Ellie Marsh">]><r>&name;</r>'
    assert "Ellie Marsh" not in (docx_parse(small).text or "")
    assert "Ellie Marsh" not in (pptx_parse(small).text or "")
    assert "Ellie Marsh" not in (openpyxl_fromstring(small).text or "")
    assert openpyxl_iterparse.__module__.startswith("defusedxml")
