"""The built-in rules together: named, described, tested, and what they decide as a set."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest

import mailwarden.rules
from mailwarden.detect.finding import FindingType
from mailwarden.policy import decide
from mailwarden.rules import DEFAULT_RULES, RuleInput, Verdict
from mailwarden.scan import Scanner

from .story import (
    CONFIG,
    POLICE,
    POLICY,
    SCHOOL_REPORT,
    Mail,
    finding,
    judge,
    someone,
    to,
    town,
)

TESTS = Path(__file__).parent


def rule_modules() -> list[str]:
    """Every module of mailwarden.rules that defines a RULE."""
    names = []
    for info in pkgutil.iter_modules(mailwarden.rules.__path__):
        module = importlib.import_module(f"mailwarden.rules.{info.name}")
        if hasattr(module, "RULE"):
            names.append(info.name)
    return names


def test_rule_names_are_unique_and_every_rule_is_described_and_has_a_severity() -> None:
    names = [rule.name for rule in DEFAULT_RULES]
    assert len(names) == len(set(names))
    for rule in DEFAULT_RULES:
        assert rule.description and "\n" not in rule.description, rule.name
        assert len(rule.description) <= 100, rule.name
        assert isinstance(rule.severity, Verdict) and rule.severity is not Verdict.DELIVER


def test_every_rule_module_is_in_the_default_set_named_after_itself_and_tested() -> None:
    modules = rule_modules()
    assert sorted(modules) == sorted(rule.name for rule in DEFAULT_RULES)
    for rule in DEFAULT_RULES:
        assert type(rule).__module__ == f"mailwarden.rules.{rule.name}"
        assert (TESTS / f"test_{rule.name}.py").is_file(), f"{rule.name} has no test file"


def email(
    to: str, subject: str, body: str, reply_to: str = "", cc: str = "", report: bool = False
) -> bytes:
    message = EmailMessage()
    message["From"] = f"PC Kate Ahmed <k.ahmed@{POLICE}>"
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Message-ID"] = "<reply-9@example.police.uk>"
    if reply_to:
        message["In-Reply-To"] = message["References"] = reply_to
    message.set_content(body)
    if report:
        message.add_attachment(
            SCHOOL_REPORT.encode(),
            maintype="application",
            subtype="octet-stream",
            filename="Greenfield report.txt",
        )
    return bytes(message)


@pytest.fixture(scope="module")
def guarded() -> Scanner:
    """The whole pipeline, with what the force has learned of the town, and its partners."""
    return Scanner(CONFIG, knowledge=town(), policy=POLICY)


SCHOOL_UPDATE = (
    "Dear Mr Smith,\n\nAn update on AB/25/0093. I spoke to Ellie Marsh, Tom Briggs and Sam "
    "Okafor at Greenfield Academy today about the racist abuse in the lunch hall. The "
    "school's report is attached.\n\nKind regards\nPC Kate Ahmed\n"
)


def test_the_seed_case_is_held_for_the_car_owner_and_delivered_to_the_colleague(
    guarded: Scanner,
) -> None:
    raw = email(
        "John Smith <j.smith@example.net>",
        "Re: Damage to my car",
        SCHOOL_UPDATE,
        reply_to="<car-3@example.net>",
        cc=f"Ben Hughes <b.hughes@{POLICE}>",
        report=True,
    )
    decisions = {d.recipient.mailbox.address: d for d in guarded.scan_bytes(raw).decisions}
    owner = decisions["j.smith@example.net"]
    assert owner.verdict is Verdict.HOLD
    rules = [r.rule for r in owner.reasons]
    assert rules[:2] == ["wrong_thread", "unrelated_recipient"]
    assert (
        "'Ellie Marsh', 'Tom Briggs', 'Sam Okafor' and case AB/25/0093 have only been "
        "discussed with safeguarding@greenfield.sch.uk and colleagues"
    ) in owner.reasons[1].explanation
    assert decisions[f"b.hughes@{POLICE}"].verdict is Verdict.DELIVER


@pytest.mark.parametrize(
    ("recipient", "subject", "body", "thread"),
    [
        (  # a reply to the right school
            "Greenfield Safeguarding Team <safeguarding@greenfield.sch.uk>",
            "Re: Incident in the lunch hall",
            SCHOOL_UPDATE.replace("Dear Mr Smith", "Dear Mrs Lowe"),
            "<incident-1@greenfield.sch.uk>",
        ),
        (  # a partner's own case
            "Priya Nair <p.nair@northshire.gov.uk>",
            "AB/25/0093",
            SCHOOL_UPDATE.replace("Dear Mr Smith", "Dear Priya"),
            "",
        ),
        (  # the defence solicitor's own client
            "Aaron Khan <a.khan@khanlaw.co.uk>",
            "AB/25/0112 disclosure",
            "Dear Mr Khan,\n\nYour client Mark Dyer is charged under AB/25/0112.\n\nKate\n",
            "",
        ),
        (  # a colleague on the case
            f"Ben Hughes <b.hughes@{POLICE}>",
            "AB/25/0093",
            SCHOOL_UPDATE.replace("Dear Mr Smith", "Ben"),
            "",
        ),
        (  # a colleague who is not on the case
            f"crime.desk@{POLICE}",
            "AB/25/0093",
            SCHOOL_UPDATE.replace("Dear Mr Smith", "Hello"),
            "",
        ),
        (  # the member of the public getting his own car case
            "John Smith <j.smith@example.net>",
            "Re: Damage to my car",
            "Dear Mr Smith,\n\nCCTV shows LM19 XKD being damaged; your case is AB/25/0071.\n",
            "<car-3@example.net>",
        ),
    ],
)
def test_the_legitimate_look_alikes_are_not_held(
    guarded: Scanner, recipient: str, subject: str, body: str, thread: str
) -> None:
    report = guarded.scan_bytes(email(recipient, subject, body, reply_to=thread))
    (decision,) = report.decisions
    assert decision.verdict.rank < Verdict.HOLD.rank, [r.explanation for r in decision.reasons]
    assert {r.rule for r in decision.reasons} <= {"sensitive_to_external"}
    stranger = guarded.scan_bytes(email("m.bell@gmail.com", subject, body, reply_to=thread))
    assert stranger.decisions[0].verdict is Verdict.HOLD, "the same message to a stranger"


def test_without_a_store_only_the_rules_that_read_the_message_speak() -> None:
    seed = Mail(
        to=("John Smith <j.smith@example.net>",),
        subject="Re: Damage to my car",
        in_reply_to="<car-3@example.net>",
        body=SCHOOL_UPDATE,
        people=("Ellie Marsh", "Tom Briggs", "Sam Okafor"),
        cases=("AB/25/0093",),
    )
    with_store, without = judge(seed, town()), judge(seed)
    owner = to(without, "j.smith@example.net")
    spoke = {rule.name for rule in DEFAULT_RULES if rule.check(without, owner)}
    assert spoke == {"sensitive_to_external"}
    assert {"wrong_thread", "unrelated_recipient"} <= {
        rule.name for rule in DEFAULT_RULES if rule.check(with_store, owner)
    }


def test_the_verdict_is_the_most_severe_reason() -> None:
    public = someone("r.patel@gmail.com", "Mr Patel")
    subject: RuleInput = judge(Mail(found=(finding(FindingType.CHILD, "Year 7"),)))
    reasons = [r for rule in DEFAULT_RULES if (r := rule.check(subject, public))]
    assert decide(public, reasons).verdict is Verdict.CONFIRM
    assert decide(someone(f"crime.desk@{POLICE}"), []).verdict is Verdict.DELIVER
    broken = replace(public, mailbox=replace(public.mailbox, address="", raw="@@nowhere"))
    held = [r for rule in DEFAULT_RULES if (r := rule.check(subject, broken))]
    assert decide(broken, held).verdict is Verdict.HOLD
