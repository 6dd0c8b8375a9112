"""unrelated_recipient: people or cases that belong to others, to someone who never had them."""

from __future__ import annotations

from dataclasses import replace

from mailwarden.detect.finding import FindingType
from mailwarden.rules import Verdict
from mailwarden.rules._shared import WIDELY_SHARED
from mailwarden.rules.unrelated_recipient import UnrelatedRecipient

from .story import SCHOOL_REPORT, Attachment, Mail, judge, to, town

RULE = UnrelatedRecipient()

SCHOOL_UPDATE = Mail(
    to=("John Smith <j.smith@example.net>",),
    subject="Re: Damage to my car AB/25/0071",
    in_reply_to="<car-3@example.net>",
    body=(
        "Dear Mr Smith,\n\nAn update on AB/25/0093: I spoke to Ellie Marsh, Tom Briggs and "
        "Sam Okafor at school today. The school's report is attached.\n\nKate"
    ),
    people=("Ellie Marsh", "Tom Briggs", "Sam Okafor"),
    cases=("AB/25/0071", "AB/25/0093"),
    attachments=(Attachment("Greenfield report.pdf", SCHOOL_REPORT, ("Ellie Marsh",)),),
)
"""The seed case: the school case's update, sent in the car owner's thread."""

PUPILS = Mail(
    subject="Lunch hall incident AB/25/0093",
    body="Ellie Marsh, Tom Briggs and Sam Okafor were spoken to today.",
    people=("Ellie Marsh", "Tom Briggs", "Sam Okafor"),
    cases=("AB/25/0093",),
)
"""The school case's update, before it is addressed."""


def test_the_school_case_sent_to_the_car_owner_is_held_and_says_whose_it_is() -> None:
    subject = judge(SCHOOL_UPDATE, town())
    reason = RULE.check(subject, to(subject, "j.smith@example.net"))
    assert reason is not None and reason.action is Verdict.HOLD
    assert reason.explanation == (
        "'Ellie Marsh', 'Tom Briggs', 'Sam Okafor' and case AB/25/0093 have only been "
        "discussed with safeguarding@greenfield.sch.uk and colleagues (and the case list "
        "allows p.nair@northshire.gov.uk); j.smith@example.net has only written about "
        "case AB/25/0071."
    )
    assert reason.evidence == ("Ellie Marsh", "Tom Briggs", "Sam Okafor", "AB/25/0093")


def test_the_same_update_to_the_school_that_reported_it_passes() -> None:
    reply = Mail(
        to=("Greenfield Safeguarding Team <safeguarding@greenfield.sch.uk>",),
        subject="Re: Incident in the lunch hall AB/25/0093",
        body=SCHOOL_UPDATE.body,
        people=SCHOOL_UPDATE.people,
        cases=("AB/25/0093",),
    )
    subject = judge(reply, town())
    assert RULE.check(subject, to(subject, "safeguarding@greenfield.sch.uk")) is None


def test_another_teacher_at_the_same_school_belongs_with_the_school_case() -> None:
    head = replace(PUPILS, to=("head@greenfield.sch.uk",))
    subject = judge(head, town())
    assert RULE.check(subject, to(subject, "head@greenfield.sch.uk")) is None


def test_a_new_safeguarding_lead_only_in_the_directory_belongs_with_the_school_case() -> None:
    world = town().contact(
        "new.dsl@greenfield.sch.uk", "Rosa Kent", sent=0, received=0, directory=True
    )
    subject = judge(replace(PUPILS, to=("Rosa Kent <new.dsl@greenfield.sch.uk>",)), world)
    assert RULE.check(subject, to(subject, "new.dsl@greenfield.sch.uk")) is None


def test_a_teacher_with_mail_of_her_own_who_never_had_the_case_is_asked_about() -> None:
    subject = judge(replace(PUPILS, to=("Anne Lowe <a.lowe@greenfield.sch.uk>",)), town())
    reason = RULE.check(subject, to(subject, "a.lowe@greenfield.sch.uk"))
    assert reason is not None and reason.action is Verdict.CONFIRM
    assert reason.explanation.endswith(
        "a.lowe@greenfield.sch.uk has never been on a message about them, though others at "
        "greenfield.sch.uk have."
    )


def test_the_wrong_social_worker_at_the_same_council_is_asked_about() -> None:
    subject = judge(replace(PUPILS, to=("Raj Patel <r.patel@northshire.gov.uk>",)), town())
    reason = RULE.check(subject, to(subject, "r.patel@northshire.gov.uk"))
    assert reason is not None and reason.action is Verdict.CONFIRM
    assert "though others at northshire.gov.uk have" in reason.explanation


def test_the_mash_daily_list_with_a_good_part_its_own_cases_passes() -> None:
    world = town()
    for n in range(1, 7):
        world.case(
            f"AB/25/02{n:02d}", people=[f"Child{n} Smith"], discussed_with=[f"parent{n}@gmail.com"]
        )
    for n in range(1, 3):
        world.case(f"AB/25/02{n:02d}", discussed_with=["mash@northshire.gov.uk"])
    rows = [f"AB/25/02{n:02d} Child{n} Smith" for n in range(1, 7)]
    daily = Mail(
        to=("mash@northshire.gov.uk",),
        subject="MASH daily list",
        body="\n".join(rows),
        people=tuple(f"Child{n} Smith" for n in range(1, 7)),
        cases=tuple(f"AB/25/02{n:02d}" for n in range(1, 7)),
    )
    subject = judge(daily, world)
    assert RULE.check(subject, to(subject, "mash@northshire.gov.uk")) is None
    fewer = town()
    for n in range(1, 7):
        fewer.case(
            f"AB/25/02{n:02d}", people=[f"Child{n} Smith"], discussed_with=[f"parent{n}@gmail.com"]
        )
    fewer.case("AB/25/0201", discussed_with=["mash@northshire.gov.uk"])
    subject = judge(daily, fewer)
    assert RULE.check(subject, to(subject, "mash@northshire.gov.uk")) is not None


def test_the_mash_list_of_cases_its_councils_social_workers_have_passes() -> None:
    world = town().contact("mash@northshire.gov.uk", "Northshire MASH")
    for n in range(1, 5):
        world.case(
            f"AB/25/03{n:02d}",
            people=[f"Child{n} Jones"],
            discussed_with=[f"parent{n}@gmail.com", f"sw{n}@northshire.gov.uk"],
        )
    daily = Mail(
        to=("mash@northshire.gov.uk",),
        subject="MASH daily list",
        body="\n".join(f"AB/25/03{n:02d} Child{n} Jones" for n in range(1, 5)),
        people=tuple(f"Child{n} Jones" for n in range(1, 5)),
        cases=tuple(f"AB/25/03{n:02d}" for n in range(1, 5)),
    )
    subject = judge(daily, world)
    assert RULE.check(subject, to(subject, "mash@northshire.gov.uk")) is None
    one_case = replace(
        daily, body="AB/25/0301 Child1 Jones", people=("Child1 Jones",), cases=("AB/25/0301",)
    )
    subject = judge(one_case, world)
    reason = RULE.check(subject, to(subject, "mash@northshire.gov.uk"))
    assert reason is not None and reason.action is Verdict.CONFIRM, "one case: the wrong colleague?"


def test_the_social_worker_the_case_list_allows_gets_the_school_case() -> None:
    partner = replace(PUPILS, to=("Priya Nair <p.nair@northshire.gov.uk>",))
    subject = judge(partner, town())
    assert RULE.check(subject, to(subject, "p.nair@northshire.gov.uk")) is None


def test_a_colleague_on_the_case_and_one_who_is_not_are_both_trusted() -> None:
    internal = replace(
        PUPILS, to=("Ben Hughes <b.hughes@example.police.uk>", "crime.desk@example.police.uk")
    )
    subject = judge(internal, town())
    for address in ("b.hughes@example.police.uk", "crime.desk@example.police.uk"):
        assert RULE.check(subject, to(subject, address)) is None


def test_the_car_owner_gets_his_own_case_his_own_name_and_his_own_car() -> None:
    own = Mail(
        to=("John Smith <j.smith@example.net>",),
        subject="Re: Damage to my car AB/25/0071",
        body="Dear John Smith,\n\nWe have CCTV of LM19 XKD being damaged on 2 March.",
        people=("John Smith",),
        cases=("AB/25/0071",),
        identifiers=((FindingType.UK_VEHICLE_REG, "LM19 XKD"),),
    )
    subject = judge(own, town())
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_the_defence_solicitor_gets_his_clients_case_and_the_victims_name_in_it() -> None:
    disclosure = Mail(
        to=("Aaron Khan <a.khan@khanlaw.co.uk>",),
        subject="AB/25/0112 disclosure",
        body="Mr Khan,\n\nYour client Mark Dyer is charged; the statement of Joan Price follows.",
        people=("Mark Dyer", "Joan Price"),
        cases=("AB/25/0112",),
    )
    subject = judge(disclosure, town())
    assert RULE.check(subject, to(subject, "a.khan@khanlaw.co.uk")) is None


def test_the_victim_told_the_suspects_name_passes_by_her_thread_or_her_name() -> None:
    world = town().thread(
        "<burglary-2@btinternet.com>",
        participants=["joan.price@btinternet.com", "k.ahmed@example.police.uk"],
        cases=["AB/25/0112"],
    )
    update = Mail(
        to=("Joan Price <joan.price@btinternet.com>",),
        subject="Re: The break-in",
        in_reply_to="<burglary-2@btinternet.com>",
        body="Dear Mrs Price,\n\nMark Dyer has been charged with the burglary.",
        people=("Mark Dyer",),
    )
    subject = judge(update, world)
    assert RULE.check(subject, to(subject, "joan.price@btinternet.com")) is None
    by_name_alone = replace(update, in_reply_to="")
    subject = judge(by_name_alone, town())
    assert RULE.check(subject, to(subject, "joan.price@btinternet.com")) is None, (
        "outside her thread, her own name in the case ties her to it"
    )
    stranger = replace(by_name_alone, to=("Dan Price <dan.price@btinternet.com>",))
    subject = judge(stranger, town())
    assert RULE.check(subject, to(subject, "dan.price@btinternet.com")) is not None


def test_the_defence_solicitor_sent_the_school_case_has_never_seen_it() -> None:
    solicitor = replace(PUPILS, to=("Aaron Khan <a.khan@khanlaw.co.uk>",))
    subject = judge(solicitor, town())
    reason = RULE.check(subject, to(subject, "a.khan@khanlaw.co.uk"))
    assert reason is not None
    assert reason.explanation.endswith(
        "a.khan@khanlaw.co.uk has never been on a message about them."
    )


def test_people_nobody_has_written_about_before_tell_nothing() -> None:
    new = Mail(
        to=("John Smith <j.smith@example.net>",),
        body="Dear Mr Smith,\n\nA witness, Grace Holt, saw the car being damaged.",
        people=("Grace Holt",),
    )
    subject = judge(new, town())
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_a_case_only_colleagues_have_discussed_may_go_to_its_first_outside_contact() -> None:
    world = town().case(
        "AB/25/0140",
        people=["Leon Ward"],
        discussed_with=["k.ahmed@example.police.uk", "b.hughes@example.police.uk"],
    )
    first_letter = Mail(
        to=("Leon Ward <leon.ward@gmail.com>",),
        body="Dear Mr Ward,\n\nYour report is recorded as AB/25/0140.",
        cases=("AB/25/0140",),
    )
    subject = judge(first_letter, world)
    assert RULE.check(subject, to(subject, "leon.ward@gmail.com")) is None


def test_a_name_many_outside_parties_have_discussed_belongs_to_no_one() -> None:
    schools = [f"office@school{n}.sch.uk" for n in range(WIDELY_SHARED)]
    world = town().person("Helen Cross", discussed_with=schools)
    mention = Mail(
        to=("John Smith <j.smith@example.net>",),
        body="Dear Mr Smith,\n\nThe talk by Helen Cross, the head of the trust, is on Friday.",
        people=("Helen Cross",),
    )
    subject = judge(mention, world)
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None
    narrower = town().person("Helen Cross", discussed_with=schools[: WIDELY_SHARED - 1])
    assert RULE.check(judge(mention, narrower), to(subject, "j.smith@example.net")) is not None


def test_a_date_of_birth_another_child_shares_ties_the_message_to_no_one() -> None:
    world = town().case(
        "AB/25/0220", identifiers=["11/11/2017"], discussed_with=["office@oakwood.sch.uk"]
    )
    report = Mail(
        to=("Greenfield Safeguarding Team <safeguarding@greenfield.sch.uk>",),
        body="Ellie Marsh (born 11/11/2017) was spoken to about AB/25/0093.",
        people=("Ellie Marsh",),
        cases=("AB/25/0093",),
        identifiers=((FindingType.DATE_OF_BIRTH, "11/11/2017"),),
    )
    subject = judge(report, world)
    assert RULE.check(subject, to(subject, "safeguarding@greenfield.sch.uk")) is None
    nhs = replace(
        report,
        body="Ellie Marsh (NHS 485 777 3457) was spoken to about AB/25/0093.",
        identifiers=((FindingType.UK_NHS, "485 777 3457"),),
    )
    world.case("AB/25/0220", identifiers=["485 777 3457"], discussed_with=["office@oakwood.sch.uk"])
    subject = judge(nhs, world)
    assert RULE.check(subject, to(subject, "safeguarding@greenfield.sch.uk")) is not None, (
        "an NHS number is one person's"
    )


def test_a_private_address_on_the_same_webmail_is_not_the_same_household() -> None:
    victim = Mail(
        to=("Dan Price <dan.price@btinternet.com>",),
        body="Dear Mr Price,\n\nJoan Price's statement is attached.",
        people=("Joan Price",),
    )
    subject = judge(victim, town())
    reason = RULE.check(subject, to(subject, "dan.price@btinternet.com"))
    assert reason is not None
    assert reason.explanation.startswith(
        "'Joan Price' has only been discussed with joan.price@btinternet.com and colleagues"
    )


def test_a_case_known_only_from_the_case_list_is_for_the_addresses_it_allows() -> None:
    world = town().case(
        "AB/25/0150", people=["Kyle Dunn"], allowed=["youth.offending@northshire.gov.uk"]
    )
    mail = Mail(
        to=("John Smith <j.smith@example.net>",),
        body="Kyle Dunn (AB/25/0150) attends on Monday.",
        people=("Kyle Dunn",),
        cases=("AB/25/0150",),
    )
    subject = judge(mail, world)
    reason = RULE.check(subject, to(subject, "j.smith@example.net"))
    assert reason is not None
    assert (
        "'Kyle Dunn' and case AB/25/0150 have only been allowed by the case list to "
        "youth.offending@northshire.gov.uk"
    ) in reason.explanation


def test_without_a_store_the_rule_says_nothing() -> None:
    subject = judge(SCHOOL_UPDATE)
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None
