"""The Scanner always gives a result: within its time limit, and through its own bugs."""

from __future__ import annotations

import time
from collections.abc import Iterator

from mailwarden.config import config_from_dict
from mailwarden.detect import Detector, FindingType, Match, TextContext
from mailwarden.scan import HARD_STOP_GRACE_SECONDS, Scanner

MESSAGE = (
    b"From: j.holloway@example.police.uk\r\nTo: r.patel@gmail.com, desk@example.police.uk\r\n"
    b"Subject: update\r\n\r\nSome text to scan.\r\n"
)


class StuckRecognizer:
    """Stands for a library call that never returns on hostile input."""

    name = "stuck"
    description = "loops until stopped"
    finding_type = FindingType.PERSON

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        while True:
            time.sleep(0.01)
        yield  # pragma: no cover


class BrokenRecognizer:
    name = "broken"
    description = "raises"
    finding_type = FindingType.PERSON

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        raise RuntimeError("bug in a recognizer")


def scanner_with(recognizer: object, seconds: float = 20.0) -> Scanner:
    config = config_from_dict(
        {
            "organisation": {"domains": ["example.police.uk"]},
            "limits": {"seconds_per_message": seconds},
        }
    )
    scanner = Scanner(config)
    scanner.detector = Detector([recognizer])  # type: ignore[list-item]
    return scanner


def test_a_call_that_never_returns_is_stopped_at_the_time_limit() -> None:
    scanner = scanner_with(StuckRecognizer(), seconds=0.5)
    started = time.monotonic()
    report = scanner.scan_bytes(MESSAGE, "stuck.eml")
    assert time.monotonic() - started < 0.5 + HARD_STOP_GRACE_SECONDS + 1
    assert [e.kind for e in report.errors] == ["limit"]
    verdicts = {d.recipient.mailbox.address: d.verdict.value for d in report.decisions}
    assert verdicts == {"r.patel@gmail.com": "confirm", "desk@example.police.uk": "deliver"}


def test_a_bug_inside_a_stage_gives_a_report_with_the_recipients() -> None:
    report = scanner_with(BrokenRecognizer()).scan_bytes(MESSAGE, "bug.eml")
    [error] = report.errors
    assert error.kind == "internal" and "bug in a recognizer" in error.detail
    assert [d.recipient.mailbox.address for d in report.decisions] == [
        "r.patel@gmail.com",
        "desk@example.police.uk",
    ]
    assert not report.clean


def test_a_message_over_the_size_limit_is_unscannable_but_its_recipients_are_judged() -> None:
    config = config_from_dict(
        {"organisation": {"domains": ["example.police.uk"]}, "limits": {"max_message_bytes": 100}}
    )
    report = Scanner(config).scan_bytes(MESSAGE + b"x" * 200, "big.eml")
    [error] = report.errors
    assert "over the 100-byte limit" in error.detail
    assert report.findings[0].type is FindingType.UNSCANNABLE
    assert {d.verdict.value for d in report.decisions} == {"confirm", "deliver"}


# ---- structure that could hide text from the scan -----------------------------------------------

CHILD = b"Ellie Marsh (born 14/03/2015), NHS number 485 777 3457, Year 5 at Greenfield Primary."
HEAD = (
    b"From: Ann Smith <ann.smith@example.police.uk>\r\nTo: claims@insurer.example.com\r\n"
    b'Subject: notes\r\nContent-Type: multipart/mixed; boundary="outer"\r\n\r\n'
)


def test_text_in_a_multiparts_preamble_and_epilogue_is_scanned(scanner: Scanner) -> None:
    raw = (
        HEAD
        + CHILD
        + b"\r\n--outer\r\nContent-Type: text/plain\r\n\r\nSee you Tuesday.\r\n--outer--\r\n"
        + b"Epilogue: case AB/25/0093.\r\n"
    )

    report = scanner.scan_bytes(raw)

    texts = {f.text for f in report.findings}
    assert "485 777 3457" in texts and "AB/25/0093" in texts
    assert report.decisions[0].verdict.value != "deliver"


def test_parts_past_the_nesting_limit_make_the_message_unscannable(scanner: Scanner) -> None:
    nesting = b"".join(
        b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (i, i + 1)
        for i in range(500)
    )
    raw = (
        HEAD.replace(b'"outer"', b'"b0"') + nesting + b"--b500\r\nContent-Type: text/plain\r\n\r\n"
    )
    raw += CHILD + b"\r\n"

    report = scanner.scan_bytes(raw)

    assert any("nesting deeper" in e.detail for e in report.errors)
    assert report.decisions[0].verdict.value != "deliver"
    assert any(r.rule == "unscannable_content" for r in report.decisions[0].reasons)
