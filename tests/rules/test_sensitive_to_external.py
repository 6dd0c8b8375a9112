"""sensitive_to_external: personal or sensitive data addressed outside the organisation."""

from __future__ import annotations

from mailwarden.detect.finding import FindingType
from mailwarden.rules import Verdict
from mailwarden.rules.sensitive_to_external import SensitiveToExternal

from .story import POLICE, Mail, World, finding, judge, someone

RULE = SensitiveToExternal()
PUBLIC = someone("r.patel@gmail.com", "Mr Patel")
COLLEAGUE = someone(f"crime.desk@{POLICE}")


def test_children_named_to_a_member_of_the_public_asks_the_sender_to_confirm() -> None:
    seed_case = judge(
        Mail(
            found=(
                finding(FindingType.PERSON, "Ellie Marsh"),
                finding(FindingType.PERSON, "Tom Briggs"),
                finding(FindingType.CHILD, "Year 7 pupils"),
            )
        )
    )
    reason = RULE.check(seed_case, PUBLIC)
    assert reason is not None and reason.action is Verdict.CONFIRM
    assert "r.patel@gmail.com is outside the organisation" in reason.explanation
    assert "1 reference to a child" in reason.explanation
    assert "2 named people" in reason.explanation
    assert reason.evidence == ("Ellie Marsh", "Tom Briggs", "Year 7 pupils")
    assert RULE.check(seed_case, COLLEAGUE) is None


def test_an_address_alone_is_not_personal_data_to_confirm() -> None:
    only_address = judge(Mail(found=(finding(FindingType.EMAIL_ADDRESS, "x@y.org"),)))
    assert RULE.check(only_address, PUBLIC) is None


def test_with_a_knowledge_store_the_recipient_rules_decide_instead() -> None:
    """With a store, asking about every outside message would cry wolf: this rule stands down."""
    with_store = judge(Mail(found=(finding(FindingType.PERSON, "Ellie Marsh"),)), World())
    assert RULE.check(with_store, PUBLIC) is None
    without_store = judge(Mail(found=(finding(FindingType.PERSON, "Ellie Marsh"),)))
    assert RULE.check(without_store, PUBLIC) is not None
