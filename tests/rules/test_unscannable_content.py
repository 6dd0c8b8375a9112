"""unscannable_content: content that could not be read, going outside."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mailwarden.extract.base import ExtractionProblem
from mailwarden.rules import ReasonKind
from mailwarden.rules.unscannable_content import UnscannableContent

from .story import POLICE, Mail, judge, someone

RULE = UnscannableContent()
PUBLIC = someone("r.patel@gmail.com", "Mr Patel")


def test_unreadable_attachment_going_outside_is_confirmed() -> None:
    encrypted = ExtractionProblem("attachment:report.pdf", "encrypted", "password-protected")
    subject = replace(judge(Mail()), problems=[encrypted])
    reason = RULE.check(subject, PUBLIC)
    assert reason is not None and "attachment:report.pdf" in reason.explanation
    assert RULE.check(subject, someone(f"crime.desk@{POLICE}")) is None
    unsupported = ExtractionProblem("attachment:logo.png", "unsupported", "image/png")
    assert RULE.check(replace(subject, problems=[unsupported]), PUBLIC) is None
    assert reason.kind is ReasonKind.UNSCANNABLE


TOO_BIG = ExtractionProblem("message", "limit", "too big to read", limit="size")
OUT_OF_TIME = ExtractionProblem("body", "limit", "stopped", limit="time")
MISLEADING = ExtractionProblem(
    "attachment:over the 5-byte limit, time limit.pdf", "corrupt", "the time limit, 9-byte limit"
)
"""A corrupt file whose name and error read like the size and time limits."""


@pytest.mark.parametrize(
    ("problems", "kind", "told"),
    [
        ([TOO_BIG], ReasonKind.TOO_LARGE, "too big to read"),
        ([OUT_OF_TIME], ReasonKind.TOO_SLOW, "stopped"),
        ([MISLEADING], ReasonKind.UNSCANNABLE, "the time limit, 9-byte limit"),
        ([MISLEADING, OUT_OF_TIME], ReasonKind.TOO_SLOW, "stopped"),
        ([OUT_OF_TIME, TOO_BIG], ReasonKind.TOO_LARGE, "too big to read"),
    ],
)
def test_the_reasons_kind_comes_from_the_problems_limit_never_their_wording(
    problems: list[ExtractionProblem], kind: ReasonKind, told: str
) -> None:
    reason = RULE.check(replace(judge(Mail()), problems=problems), PUBLIC)
    assert reason is not None and reason.kind is kind
    assert f"could not be scanned ({told})" in reason.explanation
