"""`Scanner.read_bytes`: a message parsed and its text extracted, nothing detected or
judged — what the review page needs to mark findings a hold already kept."""

from __future__ import annotations

from email.message import EmailMessage

from mailwarden.config import Config, config_from_dict
from mailwarden.scan import Scanner


def _report_with_attachment() -> bytes:
    message = EmailMessage()
    message["From"] = "ann.smith@example.police.uk"
    message["To"] = "r.patel@gmail.com"
    message["Subject"] = "Ellie Marsh"
    message.set_content("Ellie Marsh, aged 12, was named in the school's report.\n")
    message.add_attachment(
        b"name,year\nEllie Marsh,Year 8\nTom Reed,Year 8\n",
        maintype="text",
        subtype="csv",
        filename="pupils.csv",
    )
    return message.as_bytes()


def test_a_message_is_read_into_the_same_segments_a_scan_reads_without_findings() -> None:
    scanner = Scanner(Config())
    raw = _report_with_attachment()
    read = scanner.read_bytes(raw)
    scanned = scanner.scan_bytes(raw)
    assert [(s.location, s.text) for s in read.segments] == [
        (s.location, s.text) for s in scanned.segments
    ]
    assert any("Tom Reed" in s.text for s in read.segments if "pupils.csv" in s.location)
    assert read.findings == [] and read.decisions == []
    assert scanned.findings, "the scan itself does find the children"
    assert read.message.subject == "Ellie Marsh"


def test_a_message_over_the_size_limit_is_named_as_such_and_not_read() -> None:
    scanner = Scanner(config_from_dict({"limits": {"max_message_bytes": 1000}}))
    raw = _report_with_attachment() + b"x" * 2000
    read = scanner.read_bytes(raw)
    assert read.segments == []
    assert [p.kind for p in read.problems] == ["limit"]
    assert read.message.size == len(raw)


def test_bytes_that_are_not_a_message_give_a_report_not_an_error() -> None:
    read = Scanner(Config()).read_bytes(b"\x00\xff not mail at all")
    assert read.findings == []
