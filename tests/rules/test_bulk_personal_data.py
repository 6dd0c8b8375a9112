"""bulk_personal_data: many people's records going outside at once."""

from __future__ import annotations

from dataclasses import replace

from mailwarden.detect.finding import FindingType
from mailwarden.rules import Verdict
from mailwarden.rules.bulk_personal_data import BulkPersonalData

from .story import POLICE, SETTINGS, Attachment, Mail, finding, judge, to, town

RULE = BulkPersonalData()

PUPILS = [
    ("Ellie Marsh", "04/02/2013"), ("Tom Briggs", "11/09/2012"), ("Sam Okafor", "23/05/2013"),
    ("Mia Chen", "02/12/2012"), ("Noah Patel", "17/03/2013"), ("Ava Reid", "09/10/2012"),
    ("Leo Hughes", "30/06/2013"), ("Ruby Shaw", "14/01/2013"), ("Jack Dunn", "05/11/2012"),
    ("Isla Ward", "21/07/2013"), ("Omar Reid", "08/04/2013"), ("Lily Holt", "27/08/2013"),
]  # fmt: skip
SHEET = "Year 7 pastoral list.xlsx"


def pastoral_list(recipient: str, pupils: list[tuple[str, str]] = PUPILS) -> Mail:
    """A spreadsheet of pupils' names and dates of birth, attached."""
    text = "\n".join(f"{name}\t{dob}" for name, dob in pupils)
    return Mail(
        to=(recipient,),
        subject="Pastoral list",
        body="Hi,\n\nThe list you asked for is attached.",
        attachments=(Attachment(SHEET, text, people=tuple(n for n, _ in pupils)),),
        found=tuple(
            finding(FindingType.DATE_OF_BIRTH, dob, f"attachment:{SHEET}") for _, dob in pupils
        ),
    )


def test_a_spreadsheet_of_twelve_pupils_and_their_birthdays_to_gmail_is_held() -> None:
    subject = judge(pastoral_list("parent.rep@gmail.com"))
    reason = RULE.check(subject, to(subject, "parent.rep@gmail.com"))
    assert reason is not None and reason.action is Verdict.HOLD
    assert reason.explanation == (
        "The message carries the details of 12 different people (12 named people and 12 dates "
        "of birth), most of them in the attachment 'Year 7 pastoral list.xlsx', and "
        "parent.rep@gmail.com is outside the organisation."
    )
    assert reason.evidence == ("Ellie Marsh", "Tom Briggs", "Sam Okafor", "Mia Chen", "Noah Patel")


def test_the_same_list_to_a_colleague_passes() -> None:
    subject = judge(pastoral_list(f"b.hughes@{POLICE}"))
    assert RULE.check(subject, to(subject, f"b.hughes@{POLICE}")) is None


def test_below_the_policys_number_of_people_passes() -> None:
    nine = judge(pastoral_list("parent.rep@gmail.com", PUPILS[:9]))
    assert RULE.check(nine, to(nine, "parent.rep@gmail.com")) is None
    five = replace(SETTINGS, bulk_people=5)
    subject = judge(pastoral_list("parent.rep@gmail.com", PUPILS[:5]), settings=five)
    assert RULE.check(subject, to(subject, "parent.rep@gmail.com")) is not None
    four = judge(pastoral_list("parent.rep@gmail.com", PUPILS[:4]), settings=five)
    assert RULE.check(four, to(four, "parent.rep@gmail.com")) is None


def test_one_child_named_many_times_and_ways_is_one_person() -> None:
    body = "Ellie Marsh. " * 6 + "ELLIE MARSH " * 6
    repeated = Mail(
        to=("parent.rep@gmail.com",),
        body=body,
        found=tuple(
            finding(FindingType.PERSON, n) for n in ["Ellie Marsh"] * 6 + ["ELLIE  MARSH"] * 6
        ),
    )
    subject = judge(repeated)
    assert RULE.check(subject, to(subject, "parent.rep@gmail.com")) is None


def test_a_row_of_name_and_birthday_is_one_person_not_two() -> None:
    subject = judge(pastoral_list("parent.rep@gmail.com", PUPILS[:6]))
    assert RULE.check(subject, to(subject, "parent.rep@gmail.com")) is None


def test_birthdays_without_names_still_count_people() -> None:
    dates = replace(
        pastoral_list("parent.rep@gmail.com"),
        attachments=(Attachment(SHEET, "\n".join(d for _, d in PUPILS)),),
    )
    subject = judge(dates)
    reason = RULE.check(subject, to(subject, "parent.rep@gmail.com"))
    assert reason is not None and "(12 dates of birth)" in reason.explanation


def test_the_schools_own_pupils_sent_back_to_the_school_pass() -> None:
    world = town().case(
        "AB/25/0093",
        people=[n for n, _ in PUPILS],
        identifiers=[d for _, d in PUPILS],
        discussed_with=["safeguarding@greenfield.sch.uk"],
    )
    subject = judge(pastoral_list("safeguarding@greenfield.sch.uk"), world)
    assert RULE.check(subject, to(subject, "safeguarding@greenfield.sch.uk")) is None
    subject = judge(pastoral_list("j.smith@example.net"), world)
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is not None


def test_pupils_whose_cases_the_recipient_is_on_are_not_counted() -> None:
    world = town()
    for name, dob in PUPILS:
        world.case(f"AB/25/{dob[-4:]}{name[:2]}", people=[name], identifiers=[dob])
    for name, dob in PUPILS[:4]:
        world.case(f"AB/25/{dob[-4:]}{name[:2]}", discussed_with=["mash@northshire.gov.uk"])
    subject = judge(pastoral_list("mash@northshire.gov.uk"), world)
    assert RULE.check(subject, to(subject, "mash@northshire.gov.uk")) is None, "8 left"
    subject = judge(pastoral_list("parent.rep@gmail.com"), world)
    assert RULE.check(subject, to(subject, "parent.rep@gmail.com")) is not None


def test_a_daily_list_of_cases_a_third_of_them_the_councils_goes_to_its_mash() -> None:
    world = town().contact("mash@northshire.gov.uk", "Northshire MASH")
    refs = [f"AB/25/04{n:02d}" for n in range(len(PUPILS))]
    for ref, (name, dob) in zip(refs, PUPILS, strict=True):
        world.case(ref, people=[name], identifiers=[dob], discussed_with=["parent@gmail.com"])
    for ref in refs[:4]:
        world.case(ref, discussed_with=["sw@northshire.gov.uk"])
    rows = "\n".join(f"{ref}\t{name}\t{dob}" for ref, (name, dob) in zip(refs, PUPILS, strict=True))
    daily = replace(
        pastoral_list("mash@northshire.gov.uk"),
        attachments=(Attachment(SHEET, rows, tuple(n for n, _ in PUPILS), tuple(refs)),),
    )
    five = replace(SETTINGS, bulk_people=5)
    subject = judge(daily, world, five)
    assert RULE.check(subject, to(subject, "mash@northshire.gov.uk")) is None, (
        "8 children are on cases the council is not on, but the list is the council's"
    )
    subject = judge(replace(daily, to=("parent.rep@gmail.com",)), world, five)
    assert RULE.check(subject, to(subject, "parent.rep@gmail.com")) is not None


def test_the_whole_export_sent_in_answer_about_one_family_is_not_a_list_for_the_council() -> None:
    world = town().contact("sw@northshire.gov.uk", "Sam Ward")
    refs = [f"AB/25/05{n:02d}" for n in range(len(PUPILS))]
    for ref, (name, dob) in zip(refs, PUPILS, strict=True):
        world.case(ref, people=[name], identifiers=[dob], discussed_with=["sw@northshire.gov.uk"])
    rows = "\n".join(f"{ref}\t{name}\t{dob}" for ref, (name, dob) in zip(refs, PUPILS, strict=True))
    export = Mail(
        to=("sw@northshire.gov.uk",),
        subject="AB/25/0500 the Marsh family",
        body="Sam,\n\nThe export is attached.",
        cases=("AB/25/0500",),
        attachments=(Attachment("export.xlsx", rows, tuple(n for n, _ in PUPILS), tuple(refs)),),
        found=tuple(
            finding(FindingType.DATE_OF_BIRTH, dob, "attachment:export.xlsx") for _, dob in PUPILS
        ),
    )
    subject = judge(export, world)
    assert RULE.check(subject, to(subject, "sw@northshire.gov.uk")) is None, (
        "every child is on the social worker's own cases"
    )
    others = town().contact("sw@northshire.gov.uk", "Sam Ward")
    for ref, (name, dob) in zip(refs, PUPILS, strict=True):
        others.case(ref, people=[name], identifiers=[dob], discussed_with=["sw2@northshire.gov.uk"])
    others.case(refs[0], discussed_with=["sw@northshire.gov.uk"])
    subject = judge(export, others)
    reason = RULE.check(subject, to(subject, "sw@northshire.gov.uk"))
    assert reason is not None, "one family asked about, the council's whole caseload sent"
