"""PowerPoint presentations: each shape's text, table rows and speaker notes, "slide N"."""

from __future__ import annotations

import io

import pptx
from msoffcrypto.format.ooxml import OOXMLFile
from pptx.util import Inches

from .support import extract_attachment, positioned, rewritten_zip

PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def case_review() -> pptx.presentation.Presentation:
    """A multi-agency case review: a title slide, then a slide with text, a table and notes."""
    deck = pptx.Presentation()
    title = deck.slides.add_slide(deck.slide_layouts[0])
    title.shapes.title.text = "Case review, spring term"
    title.placeholders[1].text = "Oakfield Primary"
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Ellie Marsh"
    slide.placeholders[1].text = "Attendance 82%\nKnown to social care"
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(5), Inches(6), Inches(1)).table
    table.cell(0, 0).text, table.cell(0, 1).text = "Sibling", "School"
    table.cell(1, 0).text, table.cell(1, 1).text = "Tom Marsh", "Oakfield Secondary"
    slide.notes_slide.notes_text_frame.text = "Mum prefers phone calls"
    return deck


def saved(deck: pptx.presentation.Presentation) -> bytes:
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def test_a_case_review_gives_each_shape_row_and_note_with_its_slide() -> None:
    result = extract_attachment(saved(case_review()), "review.pptx", PPTX_TYPE)

    assert result.problems == []
    assert positioned(result) == [
        ("slide 1", "Case review, spring term"),
        ("slide 1", "Oakfield Primary"),
        ("slide 2", "Ellie Marsh"),
        ("slide 2", "Attendance 82%\nKnown to social care"),
        ("slide 2 table 1 row 1", "Sibling\tSchool"),
        ("slide 2 table 1 row 2", "Tom Marsh\tOakfield Secondary"),
        ("slide 2 notes", "Mum prefers phone calls"),
    ]


def test_text_inside_grouped_shapes_is_read() -> None:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    group = slide.shapes.add_group_shape()
    box = group.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(1))
    box.text_frame.text = "Ellie Marsh, Year 4"

    result = extract_attachment(saved(deck), "chart.pptx")

    assert positioned(result) == [("slide 1", "Ellie Marsh, Year 4")]


def test_a_slideshow_file_is_read_like_a_presentation() -> None:
    def as_slideshow(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml":
            assert b"presentationml.presentation.main" in content
            content = content.replace(b".presentation.main", b".slideshow.main")
        return content

    slideshow = rewritten_zip(saved(case_review()), as_slideshow)

    result = extract_attachment(slideshow, "review.ppsx")

    assert result.problems == []
    assert ("slide 2", "Ellie Marsh") in positioned(result)


def test_a_truncated_presentation_is_corrupt() -> None:
    data = saved(case_review())

    result = extract_attachment(data[: len(data) // 3], "review.pptx", PPTX_TYPE)

    assert result.segments == []
    assert [p.kind for p in result.problems] == ["corrupt"]


def test_a_presentation_with_a_broken_slide_is_corrupt() -> None:
    def break_slide(name: str, content: bytes) -> bytes:
        return content[:200] if name == "ppt/slides/slide2.xml" else content

    result = extract_attachment(rewritten_zip(saved(case_review()), break_slide), "review.pptx")

    assert [p.kind for p in result.problems] == ["corrupt"]


def test_a_password_protected_presentation_is_encrypted() -> None:
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(saved(case_review()))).encrypt("Review2024", encrypted)

    result = extract_attachment(encrypted.getvalue(), "review.pptx", PPTX_TYPE)

    assert result.segments == []
    assert [(p.kind, p.detail) for p in result.problems] == [
        ("encrypted", "attachment:review.pptx is password-protected")
    ]
