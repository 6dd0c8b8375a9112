"""decide() with a policy: the seed case, the recipient classes, and allow-lists that expire."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.rules.story import SETTINGS, Mail, judge, someone, to, town
from tests.rules.test_wrong_thread import SLIP

from mailwarden.policy import RecipientClass, decide, default_policy, parse_policy, recipient_class
from mailwarden.policy.decide import policy_key
from mailwarden.rules import DEFAULT_RULES, PolicySettings, Reason, ReasonKind, Verdict

TODAY = date(2026, 11, 25)
NEW_ADDRESS = "j.smith@example.org"
"""Not John Smith of the car case: an address the force has never written to."""


def verdicts(
    mail: Mail,
    policy_text: str | None = None,
    today: date = TODAY,
    settings: PolicySettings = SETTINGS,
) -> dict[str, str]:
    """Each recipient's verdict and the line that decided it, as `policy explain` shows them;
    the rules judge by `settings` (by default the town's partners)."""
    policy = default_policy() if policy_text is None else parse_policy(policy_text, "p.toml")
    subject = judge(mail, town(), settings)
    out = {}
    for recipient in subject.message.recipients:
        reasons = [r for rule in DEFAULT_RULES if (r := rule.check(subject, recipient))]
        cls = recipient_class(subject, recipient)
        decision = decide(recipient, reasons, policy, cls, today)
        out[recipient.mailbox.address] = f"{decision.verdict.value} by {decision.decided_by}"
    return out


def test_the_seed_case_to_a_new_external_address_is_held_by_the_default_policy() -> None:
    mail = replace(SLIP, to=(f"John Smith <{NEW_ADDRESS}>",))
    subject = judge(mail, town())
    assert recipient_class(subject, to(subject, NEW_ADDRESS)) is RecipientClass.NEW
    result = verdicts(mail)[NEW_ADDRESS]
    lines = default_policy().text.splitlines()
    line = next(i for i, t in enumerate(lines) if "the seed case" in t) + 1
    assert result == f'hold by default_policy.toml:{line} [actions.wrong_thread] new = "hold"'


def test_recipient_classes_come_from_the_config_the_policy_and_the_store() -> None:
    mail = replace(
        SLIP,
        to=(
            "b.hughes@example.police.uk",
            "a.lowe@greenfield.sch.uk",
            "j.smith@example.net",
            "stranger@example.com",
        ),
    )
    subject = judge(mail, town())
    classes = [recipient_class(subject, r).value for r in subject.message.recipients]
    assert classes == ["internal", "partner", "known", "new"]
    without_store = judge(mail, None)
    assert recipient_class(without_store, to(without_store, "j.smith@example.net")).value == "new"


POLICY = """\
[actions.wrong_thread]
internal = "confirm"
partner = "hold"
known = "reject"

[[allow]]
domain = "greenfield.sch.uk"
expires = 2026-12-31
"""


def test_a_class_the_policy_leaves_out_keeps_the_rules_severity() -> None:
    mail = replace(SLIP, to=("j.smith@example.net", NEW_ADDRESS))
    result = verdicts(mail, POLICY)
    assert (
        result["j.smith@example.net"]
        == 'reject by p.toml:4 [actions.wrong_thread] known = "reject"'
    )
    assert result[NEW_ADDRESS].startswith("hold by rule default severity")


def test_an_allow_entry_for_a_partner_domain_delivers_until_it_expires_and_not_after() -> None:
    mail = replace(SLIP, to=("a.lowe@greenfield.sch.uk",))
    before = verdicts(mail, POLICY, today=date(2026, 12, 31))["a.lowe@greenfield.sch.uk"]
    after = verdicts(mail, POLICY, today=date(2027, 1, 1))["a.lowe@greenfield.sch.uk"]
    assert before == "deliver by p.toml:6 [[allow]] greenfield.sch.uk until 2026-12-31"
    assert after == 'hold by p.toml:3 [actions.wrong_thread] partner = "hold"'


def test_an_allow_entry_for_one_rule_leaves_the_others_in_force() -> None:
    text = POLICY.replace("expires", 'rule = "wrong_thread"\nexpires')
    mail = replace(SLIP, to=("a.lowe@greenfield.sch.uk",))
    result = verdicts(mail, text)["a.lowe@greenfield.sch.uk"]
    assert result == "confirm by rule default severity"  # sensitive_to_external still asks


def test_no_reason_delivers_and_says_so() -> None:
    subject = judge(SLIP, town())
    decision = decide(to(subject, "j.smith@example.net"), [], default_policy(), today=TODAY)
    assert (decision.verdict, decision.decided_by) == (Verdict.DELIVER, "no rule fired")


WORDED_LIKE_LIMITS = (
    "attachment:over the 5-byte limit.pdf could not be scanned (time limit of 1s reached), so "
    "what it contains is unknown, and j.smith@example.org is outside the organisation."
)


def test_the_line_for_unreadable_content_is_the_reasons_kind_not_its_wording() -> None:
    """A regression: the line was once chosen by looking for "-byte limit" and "time limit"
    in the explanation, which a file's name or a library's error could carry."""
    recipient = someone(NEW_ADDRESS)
    for kind, line in [
        (ReasonKind.UNSCANNABLE, '[actions] unscannable = "confirm"'),
        (ReasonKind.TOO_LARGE, '[actions] too_large = "hold"'),
        (ReasonKind.TOO_SLOW, '[actions] too_slow = "hold"'),
    ]:
        reason = Reason("unscannable_content", Verdict.CONFIRM, WORDED_LIKE_LIMITS, kind=kind)
        assert policy_key(reason) == kind.value
        decision = decide(recipient, [reason], default_policy(), RecipientClass.NEW, TODAY)
        assert decision.decided_by.endswith(line), kind
    plain = Reason("wrong_thread", Verdict.HOLD, "too_large too_slow")
    assert policy_key(plain) == "wrong_thread"
