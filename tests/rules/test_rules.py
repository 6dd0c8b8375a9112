"""The built-in rules: named, described, and each deciding one recipient at a time."""

from __future__ import annotations

from mailwarden.config import Config
from mailwarden.detect.finding import Finding, FindingType
from mailwarden.extract.base import ExtractionProblem
from mailwarden.message.model import Address, AddressField, Message, Recipient
from mailwarden.policy import decide
from mailwarden.rules import DEFAULT_RULES, RuleInput, Verdict
from mailwarden.rules.sensitive_to_external import SensitiveToExternal
from mailwarden.rules.unparseable_recipient import UnparseableRecipient
from mailwarden.rules.unscannable_content import UnscannableContent

POLICE = ("example.police.uk",)
PUBLIC = Recipient(Address("r.patel@gmail.com", "Mr Patel"), AddressField.TO)
COLLEAGUE = Recipient(Address("crime.desk@example.police.uk"), AddressField.CC)
BROKEN = Recipient(Address("", "", "@@nowhere"), AddressField.TO)


def finding(kind: FindingType, text: str) -> Finding:
    return Finding(kind, text, "body", 0.9, "test", "test")


def subject(findings: list[Finding], problems: list[ExtractionProblem] | None = None) -> RuleInput:
    return RuleInput(Message(), findings, problems or [], Config(), POLICE)


def test_rule_names_are_unique_and_every_rule_is_described() -> None:
    names = [rule.name for rule in DEFAULT_RULES]
    assert len(names) == len(set(names))
    for rule in DEFAULT_RULES:
        assert rule.description and "\n" not in rule.description


def test_children_named_to_a_member_of_the_public_asks_the_sender_to_confirm() -> None:
    seed_case = subject(
        [
            finding(FindingType.PERSON, "Ellie Marsh"),
            finding(FindingType.PERSON, "Tom Briggs"),
            finding(FindingType.CHILD, "Year 7 pupils"),
        ]
    )
    reason = SensitiveToExternal().check(seed_case, PUBLIC)
    assert reason is not None and reason.action is Verdict.CONFIRM
    assert "r.patel@gmail.com is outside the organisation" in reason.explanation
    assert "1 reference to a child" in reason.explanation
    assert "2 named people" in reason.explanation
    assert reason.evidence == ("Ellie Marsh", "Tom Briggs", "Year 7 pupils")
    assert SensitiveToExternal().check(seed_case, COLLEAGUE) is None


def test_an_address_alone_is_not_personal_data_to_confirm() -> None:
    only_address = subject([finding(FindingType.EMAIL_ADDRESS, "x@y.org")])
    assert SensitiveToExternal().check(only_address, PUBLIC) is None


def test_unparseable_recipient_is_held() -> None:
    reason = UnparseableRecipient().check(subject([]), BROKEN)
    assert reason is not None and reason.action is Verdict.HOLD
    assert UnparseableRecipient().check(subject([]), PUBLIC) is None


def test_unreadable_attachment_going_outside_is_confirmed() -> None:
    encrypted = ExtractionProblem("attachment:report.pdf", "encrypted", "password-protected")
    reason = UnscannableContent().check(subject([], [encrypted]), PUBLIC)
    assert reason is not None and "attachment:report.pdf" in reason.explanation
    unsupported = ExtractionProblem("attachment:logo.png", "unsupported", "image/png")
    assert UnscannableContent().check(subject([], [unsupported]), PUBLIC) is None


def test_the_verdict_is_the_most_severe_reason() -> None:
    seed_case = subject([finding(FindingType.CHILD, "Year 7")])
    reasons = [r for rule in DEFAULT_RULES if (r := rule.check(seed_case, PUBLIC))]
    assert decide(PUBLIC, reasons).verdict is Verdict.CONFIRM
    assert decide(COLLEAGUE, []).verdict is Verdict.DELIVER
    held = [r for rule in DEFAULT_RULES if (r := rule.check(seed_case, BROKEN))]
    assert decide(BROKEN, held).verdict is Verdict.HOLD
