"""The held page marks the findings the gateway kept with the hold — what the verdict
rested on — reading the message again rather than scanning it: a finding the app's own
scanner would never make (an organisation's known record) is marked where it stands."""

from __future__ import annotations

from mailwarden.config import Config
from mailwarden.detect.finding import Finding, FindingType
from mailwarden.record.holds import HeldRecipient
from mailwarden.rules.base import Verdict
from mailwarden.scan import Scanner

from .conftest import ANN, GMAIL, Web

MESSAGE = f"""\
From: Ann Smith <{ANN}>
To: {GMAIL}
Subject: Case update
Message-ID: <kept-1@example.police.uk>

The case of Dorothy Quill, record CX-99017, is closed.
""".encode()


def _known_record() -> Finding:
    """CX-99017 as the gateway's exact-match recognizer would have found it, at its place
    in the body as the app reads it."""
    [body] = [s for s in Scanner(Config()).read_bytes(MESSAGE).segments if s.location == "body"]
    start = body.text.index("CX-99017")
    return Finding(
        FindingType.KNOWN_RECORD,
        "CX-99017",
        "body",
        1.0,
        "an exact match of a case in the organisation's records",
        "known_record",
        position=body.position,
        start=start,
        end=start + len("CX-99017"),
        category="case",
    )


def test_the_review_page_marks_the_findings_the_hold_kept(web: Web) -> None:
    hold_id = web.quarantine.hold(
        MESSAGE,
        ANN,
        [HeldRecipient(GMAIL, Verdict.HOLD, ("a case record to a personal address",))],
        subject="Case update",
        findings=[_known_record()],
    )
    page = web.login("reviewer").get(f"/held/{hold_id}").text
    assert 'id="f-1"' in page
    marked = page[page.index('id="f-1"') :]
    assert marked[: marked.index("</mark>")].endswith("CX-99017")
    assert "exact match of a case" in page
    assert "Dorothy Quill" in page
