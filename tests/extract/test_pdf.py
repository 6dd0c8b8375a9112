"""PDF: each page's text as "page N", form field values, and encryption told apart from damage."""

from __future__ import annotations

import io

import pytest

from mailwarden.extract import Budget, ExtractContext, ExtractionLimits, TimeLimitExceeded
from mailwarden.extract.formats import pdf
from mailwarden.extract.registry import dispatch

from .pdf_builder import make_pdf
from .support import extract_attachment, positioned

REFERRAL = [
    ["Referral to CAMHS", "Oakfield Primary School"],
    ["Pupil: Ellie Marsh", "Date of birth: 14/03/2015"],
]


def test_a_two_page_referral_gives_each_page_its_number() -> None:
    result = extract_attachment(make_pdf(REFERRAL), "referral.pdf", "application/pdf")

    assert result.problems == []
    assert [(position, text.split()) for position, text in positioned(result)] == [
        ("page 1", ["Referral", "to", "CAMHS", "Oakfield", "Primary", "School"]),
        ("page 2", ["Pupil:", "Ellie", "Marsh", "Date", "of", "birth:", "14/03/2015"]),
    ]
    assert {s.location for s in result.segments} == {"attachment:referral.pdf"}


def test_values_typed_into_form_fields_are_read() -> None:
    form = make_pdf([["Referral form"]], fields={"pupil_name": "Ellie Marsh", "year": "4"})

    result = extract_attachment(form, "form.pdf")

    assert ("form field pupil_name", "Ellie Marsh") in positioned(result)
    assert ("form field year", "4") in positioned(result)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_a_pdf_with_only_an_owner_password_is_read(algorithm: str) -> None:
    """Anyone can open it (the user password is empty); only copying or printing is restricted."""
    locked = make_pdf(REFERRAL, owner_password="council-admin", algorithm=algorithm)

    result = extract_attachment(locked, "referral.pdf")

    assert result.problems == []
    assert "Ellie Marsh" in dict(positioned(result))["page 2"]


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_a_pdf_that_needs_a_password_to_open_is_encrypted(algorithm: str) -> None:
    locked = make_pdf(REFERRAL, user_password="Oakfield2024", algorithm=algorithm)

    result = extract_attachment(locked, "referral.pdf")

    assert result.segments == []
    [problem] = result.problems
    assert (problem.kind, problem.detail) == (
        "encrypted",
        "attachment:referral.pdf is password-protected",
    )
    assert problem.unscannable


def test_a_truncated_pdf_is_corrupt() -> None:
    data = make_pdf(REFERRAL)

    result = extract_attachment(data[: len(data) // 2], "referral.pdf")

    assert result.segments == []
    assert [p.kind for p in result.problems] == ["corrupt"]


def test_bytes_that_only_start_like_a_pdf_are_corrupt() -> None:
    result = extract_attachment(b"%PDF-1.7\nnot really", "scan.pdf")

    [problem] = result.problems
    assert problem.kind == "corrupt"
    assert problem.detail.startswith("attachment:scan.pdf is not a readable PDF")


def test_a_pdf_sent_as_octet_stream_without_a_name_is_read() -> None:
    result = extract_attachment(make_pdf(REFERRAL), "", "application/octet-stream")

    assert [position for position, _ in positioned(result)] == ["page 1", "page 2"]


def test_the_time_budget_is_checked_before_each_page(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter(range(1000))
    monkeypatch.setattr("mailwarden.extract.limits.time.monotonic", lambda: float(next(clock)))
    budget = Budget(
        ExtractionLimits(seconds_per_message=5), started=0.0
    )  # a clock ticking 1s a read
    context = ExtractContext("attachment:long.pdf", budget, dispatch)
    long_report = make_pdf([[f"Page {n}"] for n in range(1, 21)])

    read: list[str] = []
    with pytest.raises(TimeLimitExceeded, match="time limit of 5s per message"):
        for segment in pdf.EXTRACTOR.extract(long_report, context):
            read.append(segment.position)

    assert 0 < len(read) < 20


def test_files_embedded_in_a_pdf_are_read_as_files_of_their_own() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([["Termly report"]]))))
    writer.add_attachment("pupils.txt", b"Ellie Marsh, 14/03/2015")
    portfolio = io.BytesIO()
    writer.write(portfolio)

    result = extract_attachment(portfolio.getvalue(), "report.pdf")

    assert [(s.location, s.text.strip()) for s in result.segments] == [
        ("attachment:report.pdf", "Termly report"),
        ("attachment:report.pdf/pupils.txt", "Ellie Marsh, 14/03/2015"),
    ]
