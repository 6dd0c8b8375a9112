"""first_time_external: personal data to an outside address nobody has written to before."""

from __future__ import annotations

from dataclasses import replace

from mailwarden.detect.finding import FindingType
from mailwarden.rules import Verdict
from mailwarden.rules.first_time_external import FirstTimeExternal

from .story import Mail, finding, judge, to, town

RULE = FirstTimeExternal()

PUPILS = Mail(
    subject="Lunch hall incident AB/25/0093",
    body="Ellie Marsh, Tom Briggs and Sam Okafor were spoken to today.",
    people=("Ellie Marsh", "Tom Briggs", "Sam Okafor"),
    cases=("AB/25/0093",),
)


def test_three_pupils_names_to_an_address_nobody_knows_asks_the_sender_to_confirm() -> None:
    subject = judge(replace(PUPILS, to=("greenfield.safeguarding@gmail.com",)), town())
    reason = RULE.check(subject, to(subject, "greenfield.safeguarding@gmail.com"))
    assert reason is not None and reason.action is Verdict.CONFIRM
    assert reason.explanation == (
        "greenfield.safeguarding@gmail.com has never written to or been written to by the "
        "organisation and is not in the directory, and the message contains 3 named people "
        "and 1 crime reference."
    )
    assert reason.evidence == (
        "greenfield.safeguarding@gmail.com",
        "Ellie Marsh",
        "Tom Briggs",
        "Sam Okafor",
        "AB/25/0093",
    )


def test_special_category_details_are_named_first() -> None:
    health = replace(
        PUPILS,
        to=("new.person@gmail.com",),
        found=(finding(FindingType.SPECIAL_CATEGORY, "type 1 diabetes", category="health"),),
    )
    subject = judge(health, town())
    reason = RULE.check(subject, to(subject, "new.person@gmail.com"))
    assert reason is not None
    assert "contains 1 special-category detail, 3 named people and 1 crime reference" in (
        reason.explanation
    )


def test_a_correspondent_the_organisation_has_written_to_before_passes() -> None:
    subject = judge(replace(PUPILS, to=("Aaron Khan <a.khan@khanlaw.co.uk>",)), town())
    assert RULE.check(subject, to(subject, "a.khan@khanlaw.co.uk")) is None


def test_a_directory_contact_never_yet_written_to_passes_and_a_bare_entry_does_not() -> None:
    world = (
        town()
        .contact(
            "duty.sw@westshire.gov.uk", "Duty Social Worker", sent=0, received=0, directory=True
        )
        .contact("cc.only@gmail.com", sent=0, received=0)
    )
    mail = replace(PUPILS, to=("duty.sw@westshire.gov.uk", "cc.only@gmail.com"))
    subject = judge(mail, world)
    assert RULE.check(subject, to(subject, "duty.sw@westshire.gov.uk")) is None
    assert RULE.check(subject, to(subject, "cc.only@gmail.com")) is not None


def test_new_staff_at_a_partner_school_are_vouched_for_by_its_domain() -> None:
    subject = judge(replace(PUPILS, to=("new.teacher@greenfield.sch.uk",)), town())
    assert RULE.check(subject, to(subject, "new.teacher@greenfield.sch.uk")) is None


def test_an_address_the_case_list_allows_for_the_case_is_known_for_it() -> None:
    world = town().case("AB/25/0093", allowed=["yot@westshire.gov.uk"])
    subject = judge(replace(PUPILS, to=("yot@westshire.gov.uk",)), world)
    assert RULE.check(subject, to(subject, "yot@westshire.gov.uk")) is None


def test_the_first_email_to_a_victim_who_reported_by_phone_is_about_her_own_case() -> None:
    world = town().case(
        "AB/25/0210",
        people=["Kirsty Rahman"],
        identifiers=["KR19 ABC"],
        discussed_with=["k.ahmed@example.police.uk"],
    )
    first = Mail(
        to=("Kirsty Rahman <rahmank7@gmail.com>",),
        subject="Damage to your car AB/25/0210",
        body="Dear Ms Rahman,\n\nYour report about KR19 ABC is recorded as AB/25/0210.",
        cases=("AB/25/0210",),
        identifiers=((FindingType.UK_VEHICLE_REG, "KR19 ABC"),),
    )
    subject = judge(first, world)
    assert RULE.check(subject, to(subject, "rahmank7@gmail.com")) is None
    bare_address = replace(first, to=("rahmank7@gmail.com",))
    subject = judge(bare_address, world)
    assert RULE.check(subject, to(subject, "rahmank7@gmail.com")) is not None, (
        "without a name the store cannot tell she is the victim"
    )


def test_a_first_letter_carrying_only_the_recipients_own_name_passes() -> None:
    first = Mail(
        to=("Leon Ward <leon.ward@gmail.com>",),
        body="Dear Leon Ward,\n\nThank you for your call. Please ring me on Monday.",
        people=("Leon Ward",),
    )
    subject = judge(first, town())
    assert RULE.check(subject, to(subject, "leon.ward@gmail.com")) is None
    to_someone_else = replace(first, to=("m.ward@gmail.com",))
    subject = judge(to_someone_else, town())
    assert RULE.check(subject, to(subject, "m.ward@gmail.com")) is not None


def test_nothing_personal_to_a_new_address_passes() -> None:
    notice = Mail(to=("new.person@gmail.com",), body="The front counter closes at 4pm on Friday.")
    subject = judge(notice, town())
    assert RULE.check(subject, to(subject, "new.person@gmail.com")) is None


def test_a_new_colleague_is_trusted() -> None:
    subject = judge(replace(PUPILS, to=("new.pc@example.police.uk",)), town())
    assert RULE.check(subject, to(subject, "new.pc@example.police.uk")) is None


def test_without_a_store_the_rule_says_nothing() -> None:
    subject = judge(replace(PUPILS, to=("new.person@gmail.com",)))
    assert RULE.check(subject, to(subject, "new.person@gmail.com")) is None


def test_a_victims_own_new_case_by_first_email_passes_but_a_known_case_to_a_stranger_does_not() -> (
    None
):
    """Reported by phone today: a new case reference and her car's registration, nothing else."""
    own_new_case = Mail(
        to=("Sophie Khan <sophie.khan@gmail.com>",),
        subject="Your report - crime reference AB/25/6023",
        body="Dear Ms Khan, your report about your car, MA19 XKT, is recorded as AB/25/6023.",
        cases=("AB/25/6023",),
        found=(finding(FindingType.UK_VEHICLE_REG, "MA19 XKT"),),
    )
    subject = judge(own_new_case, town())
    assert RULE.check(subject, to(subject, "sophie.khan@gmail.com")) is None

    known_case = replace(own_new_case, cases=("AB/25/0093",), subject="Update AB/25/0093")
    stranger = judge(known_case, town())
    assert RULE.check(stranger, to(stranger, "sophie.khan@gmail.com")) is not None

    with_a_name = replace(
        own_new_case, body=own_new_case.body + " Tom Briggs was seen.", people=("Tom Briggs",)
    )
    named = judge(with_a_name, town())
    assert RULE.check(named, to(named, "sophie.khan@gmail.com")) is not None
