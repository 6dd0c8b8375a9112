"""protective_marking: a marked message to a recipient not cleared for its marking."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mailwarden.detect.finding import Finding, FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.protective_marking import ProtectiveMarkingRecognizer
from mailwarden.rules import PolicySettings, Verdict
from mailwarden.rules.protective_marking import ProtectiveMarking

from .story import POLICE, SETTINGS, Mail, judge, to

RULE = ProtectiveMarking()
CLEARED = replace(
    SETTINGS,
    clearances={
        "northshire.gov.uk": "OFFICIAL-SENSITIVE",
        "cps.gov.uk": "SECRET",
        "temp.clerk@cps.gov.uk": "OFFICIAL",
        f"press.office@{POLICE}": "OFFICIAL",
    },
)


def marked(
    body: str, recipient: str, settings: PolicySettings = CLEARED
) -> tuple[Verdict, str] | None:
    """The rule's action and explanation for a mail with this body, marked as the recognizer
    reads it."""
    findings = [
        Finding(FindingType.PROTECTIVE_MARKING, body[m.start : m.end], "body", m.score,
                m.explanation, "protective_marking", category=m.category)
        for m in ProtectiveMarkingRecognizer().analyze(body, TextContext())
    ]  # fmt: skip
    subject = judge(Mail(to=(recipient,), body=body, found=tuple(findings)), settings=settings)
    reason = RULE.check(subject, to(subject, recipient))
    return None if reason is None else (reason.action, reason.explanation)


BRIEFING = "OFFICIAL-SENSITIVE\n\nStrategy meeting notes: Ellie Marsh, Greenfield Academy."
INTELLIGENCE = "SECRET\n\nSource reporting on the Oakfield Road burglaries."


def test_an_official_sensitive_briefing_to_a_gmail_address_is_held() -> None:
    assert marked(BRIEFING, "parent.rep@gmail.com") == (
        Verdict.HOLD,
        "The message is marked OFFICIAL-SENSITIVE in the body and parent.rep@gmail.com is "
        "cleared only for OFFICIAL.",
    )


def test_secret_as_a_banner_to_someone_not_cleared_is_rejected() -> None:
    found = marked(INTELLIGENCE, "a.khan@khanlaw.co.uk")
    assert found is not None and found[0] is Verdict.REJECT
    assert "marked SECRET in the body" in found[1]


def test_secret_as_a_word_in_running_text_is_held_not_rejected() -> None:
    found = marked("The SECRET of the case is the timing.", "a.khan@khanlaw.co.uk")
    assert found is not None and found[0] is Verdict.HOLD


@pytest.mark.parametrize(
    ("body", "recipient"),
    [
        (BRIEFING, f"b.hughes@{POLICE}"),
        (INTELLIGENCE, f"b.hughes@{POLICE}"),
        (BRIEFING, "p.nair@northshire.gov.uk"),
        (BRIEFING, "duty@childrens.northshire.gov.uk"),
        (INTELLIGENCE, "lawyer@cps.gov.uk"),
        ("OFFICIAL\n\nThe front counter closes at 4pm.", "parent.rep@gmail.com"),
        ("Nothing marked here.", "parent.rep@gmail.com"),
    ],
)
def test_recipients_cleared_for_the_marking_pass(body: str, recipient: str) -> None:
    assert marked(body, recipient) is None


@pytest.mark.parametrize(
    ("body", "recipient", "verdict"),
    [
        ("TOP SECRET\n\nOperation details.", f"b.hughes@{POLICE}", Verdict.REJECT),
        (BRIEFING, f"press.office@{POLICE}", Verdict.HOLD),
        (BRIEFING, "temp.clerk@cps.gov.uk", Verdict.HOLD),
        (INTELLIGENCE, "p.nair@northshire.gov.uk", Verdict.REJECT),
    ],
)
def test_an_address_or_domain_cleared_lower_is_stopped(
    body: str, recipient: str, verdict: Verdict
) -> None:
    found = marked(body, recipient)
    assert found is not None and found[0] is verdict


def test_a_legacy_marking_is_held_as_official_sensitive() -> None:
    found = marked("RESTRICTED\n\nDuty rota for the weekend.", "parent.rep@gmail.com")
    assert found == (
        Verdict.HOLD,
        "The message is marked RESTRICTED (an old marking, held as OFFICIAL-SENSITIVE) in the "
        "body and parent.rep@gmail.com is cleared only for OFFICIAL.",
    )


def test_the_highest_marking_in_the_message_is_the_one_judged() -> None:
    found = marked(BRIEFING + "\n\n" + INTELLIGENCE, "p.nair@northshire.gov.uk")
    assert found is not None and found[0] is Verdict.REJECT and "marked SECRET" in found[1]


def test_the_default_clearances_come_from_the_policy() -> None:
    relaxed = replace(CLEARED, default_clearance="OFFICIAL-SENSITIVE")
    assert marked(BRIEFING, "parent.rep@gmail.com", relaxed) is None
    wary = replace(CLEARED, internal_clearance="OFFICIAL")
    found = marked(BRIEFING, f"b.hughes@{POLICE}", wary)
    assert found is not None and found[0] is Verdict.HOLD
