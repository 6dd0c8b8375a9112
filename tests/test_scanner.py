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
