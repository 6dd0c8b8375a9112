"""unscannable_content: content that could not be read, going outside."""

from __future__ import annotations

from dataclasses import replace

from mailwarden.extract.base import ExtractionProblem
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
