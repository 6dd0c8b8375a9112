"""exposed_recipients: outside recipients who do not know each other, in To/Cc instead of Bcc."""

from __future__ import annotations

from dataclasses import replace

from mailwarden.detect.finding import FindingType
from mailwarden.rules import Verdict
from mailwarden.rules.exposed_recipients import ExposedRecipients

from .story import POLICE, SETTINGS, Mail, finding, judge, to, town

RULE = ExposedRecipients()

VICTIMS = ("joan.price@btinternet.com", "m.bell@gmail.com", "d.rowe@hotmail.co.uk", "lw@sky.com")
SUPPORT_GROUP = Mail(
    to=VICTIMS,
    subject="Support group for victims of the Oakfield Road burglaries",
    body="Dear all,\n\nThe next meeting is on Tuesday at 7pm in the community centre.",
)


def test_burglary_victims_in_to_are_held_and_told_what_gives_them_away() -> None:
    subject = judge(SUPPORT_GROUP)
    reason = RULE.check(subject, to(subject, "m.bell@gmail.com"))
    assert reason is not None and reason.action is Verdict.HOLD
    assert reason.explanation == (
        "m.bell@gmail.com is one of 4 outside recipients in To/Cc, from 4 households or "
        "organisations that have not been on a message together (with "
        "d.rowe@hotmail.co.uk, joan.price@btinternet.com and lw@sky.com): each can see the "
        "others' addresses (Bcc would keep them private), and the message says what they "
        "have in common ('Support group')."
    )
    assert reason.evidence == (
        "joan.price@btinternet.com",
        "d.rowe@hotmail.co.uk",
        "lw@sky.com",
        "Support group",
    )
    assert all(RULE.check(subject, to(subject, a)) for a in VICTIMS)


def test_the_same_list_with_nothing_said_of_them_asks_the_sender_to_confirm() -> None:
    bland = replace(SUPPORT_GROUP, subject="Tuesday", body="The hall opens at 7pm.")
    subject = judge(bland)
    reason = RULE.check(subject, to(subject, "lw@sky.com"))
    assert reason is not None and reason.action is Verdict.CONFIRM


def test_a_special_category_detail_in_the_body_says_what_they_share() -> None:
    bland = replace(
        SUPPORT_GROUP,
        subject="Tuesday",
        body="The HIV clinic group meets at 7pm.",
        found=(finding(FindingType.SPECIAL_CATEGORY, "HIV clinic", category="health"),),
    )
    subject = judge(bland)
    reason = RULE.check(subject, to(subject, "lw@sky.com"))
    assert reason is not None and reason.action is Verdict.HOLD
    assert reason.evidence[-1] == "HIV clinic"


def test_the_same_list_in_bcc_exposes_no_one() -> None:
    hidden = replace(SUPPORT_GROUP, to=(f"k.ahmed@{POLICE}",), bcc=VICTIMS)
    subject = judge(hidden)
    assert not any(RULE.check(subject, to(subject, a)) for a in VICTIMS)


def test_fewer_parties_than_the_policys_minimum_pass() -> None:
    two = replace(SUPPORT_GROUP, to=VICTIMS[:2])
    subject = judge(two)
    assert RULE.check(subject, to(subject, VICTIMS[0])) is None
    subject = judge(SUPPORT_GROUP, settings=replace(SETTINGS, exposed_min_external=5))
    assert RULE.check(subject, to(subject, VICTIMS[0])) is None
    subject = judge(SUPPORT_GROUP, settings=replace(SETTINGS, exposed_min_external=4))
    assert RULE.check(subject, to(subject, VICTIMS[0])) is not None


def test_colleagues_at_one_firm_know_each_other() -> None:
    firm = replace(
        SUPPORT_GROUP,
        to=("a.khan@khanlaw.co.uk", "b.lee@khanlaw.co.uk", "clerks@khanlaw.co.uk"),
    )
    subject = judge(firm)
    assert RULE.check(subject, to(subject, "a.khan@khanlaw.co.uk")) is None


def test_partner_agencies_and_colleagues_are_professionals_not_exposed() -> None:
    strategy = replace(
        SUPPORT_GROUP,
        to=(
            "safeguarding@greenfield.sch.uk",
            "p.nair@northshire.gov.uk",
            "joan.price@btinternet.com",
        ),
        cc=(f"b.hughes@{POLICE}", f"k.ahmed@{POLICE}"),
    )
    subject = judge(strategy)
    for recipient in subject.message.recipients:
        assert RULE.check(subject, recipient) is None


def test_a_reply_all_to_people_already_on_one_thread_exposes_no_one_new() -> None:
    world = town().thread(
        "<meeting-1@gmail.com>",
        participants=[*VICTIMS, f"k.ahmed@{POLICE}"],
        cases=["AB/25/0112"],
    )
    reply_all = replace(SUPPORT_GROUP, in_reply_to="<meeting-1@gmail.com>")
    subject = judge(reply_all, world)
    assert RULE.check(subject, to(subject, "m.bell@gmail.com")) is None
    without_store = judge(reply_all)
    assert RULE.check(without_store, to(without_store, "m.bell@gmail.com")) is not None


def test_the_directory_says_when_two_domains_are_one_organisation() -> None:
    world = (
        town()
        .contact("a.khan@khanlaw.co.uk", "Aaron Khan", organisation="Khan Law")
        .contact("billing@khan-law.com", "Khan Law Billing", organisation="Khan Law")
    )
    three = replace(
        SUPPORT_GROUP, to=("a.khan@khanlaw.co.uk", "billing@khan-law.com", "lw@sky.com")
    )
    subject = judge(three, world)
    assert RULE.check(subject, to(subject, "lw@sky.com")) is None
    assert RULE.check(judge(three), to(subject, "lw@sky.com")) is not None
