"""wrong_thread: a reply in one case's thread carrying another case's people or references."""

from __future__ import annotations

from dataclasses import replace

from mailwarden.rules import Verdict
from mailwarden.rules.wrong_thread import WrongThread

from .story import Mail, judge, to, town

RULE = WrongThread()

SLIP = Mail(
    to=("John Smith <j.smith@example.net>",),
    subject="Re: Damage to my car",
    in_reply_to="<car-3@example.net>",
    body=(
        "Hello,\n\nUpdate on AB/25/0093: Ellie Marsh and Tom Briggs have apologised to "
        "Sam Okafor, and the school will hold a restorative meeting.\n\nKate"
    ),
    people=("Ellie Marsh", "Tom Briggs", "Sam Okafor"),
    cases=("AB/25/0093",),
)
"""The seed case: the school update written as a reply in the car owner's thread."""


def test_the_school_update_in_the_car_owners_thread_is_held() -> None:
    subject = judge(SLIP, town())
    reason = RULE.check(subject, to(subject, "j.smith@example.net"))
    assert reason is not None and reason.action is Verdict.HOLD
    assert reason.explanation == (
        "This replies in the thread 'Damage to my car', but 'Ellie Marsh', 'Tom Briggs', "
        "'Sam Okafor' and case AB/25/0093 have never been in it and belong to a different case."
    )
    assert reason.evidence == ("Ellie Marsh", "Tom Briggs", "Sam Okafor", "AB/25/0093")


def test_with_the_cars_case_quoted_the_school_case_is_still_out_of_place() -> None:
    quoted = replace(
        SLIP,
        body=SLIP.body + "\n\n> On 1 March John Smith wrote:\n> Any news on AB/25/0071?",
        cases=("AB/25/0093", "AB/25/0071"),
        people=(*SLIP.people, "John Smith"),
    )
    subject = judge(quoted, town())
    reason = RULE.check(subject, to(subject, "j.smith@example.net"))
    assert reason is not None
    assert reason.explanation == (
        "This replies in the thread 'Damage to my car' about case AB/25/0071, but "
        "'Ellie Marsh', 'Tom Briggs', 'Sam Okafor' and case AB/25/0093 have never been in it "
        "and belong to a different case."
    )


def test_people_of_a_case_only_colleagues_know_are_named_with_their_case() -> None:
    world = town().case(
        "AB/25/0094", people=["Ellie Marsh"], discussed_with=["b.hughes@example.police.uk"]
    )
    second = replace(
        SLIP,
        body="Hello,\n\nEllie Marsh is also a witness in AB/25/0094.",
        people=("Ellie Marsh",),
        cases=("AB/25/0094",),
    )
    subject = judge(second, world)
    reason = RULE.check(subject, to(subject, "j.smith@example.net"))
    assert reason is not None
    assert reason.explanation.endswith(
        "'Ellie Marsh' has never been in it and belongs to case AB/25/0094."
    )


def test_another_victims_case_reference_beside_the_threads_own_is_held() -> None:
    world = town().case("AB/25/0130", discussed_with=["craig.robinson@hotmail.co.uk"])
    other = replace(
        SLIP,
        body="Hello,\n\nOn AB/25/0071: nothing new. On AB/25/0130 the suspect is bailed.",
        people=(),
        cases=("AB/25/0071", "AB/25/0130"),
    )
    subject = judge(other, world)
    reason = RULE.check(subject, to(subject, "j.smith@example.net"))
    assert reason is not None and reason.evidence == ("AB/25/0130",)


def test_the_same_update_in_the_schools_own_thread_passes() -> None:
    reply = replace(
        SLIP,
        to=("Greenfield Safeguarding Team <safeguarding@greenfield.sch.uk>",),
        subject="Re: Incident in the lunch hall",
        in_reply_to="<incident-1@greenfield.sch.uk>",
    )
    subject = judge(reply, town())
    assert RULE.check(subject, to(subject, "safeguarding@greenfield.sch.uk")) is None


def test_the_suspect_in_the_cars_own_case_belongs_in_its_thread() -> None:
    world = town().case(
        "AB/25/0071", people=["Dean Rowe"], discussed_with=["b.hughes@example.police.uk"]
    )
    news = replace(
        SLIP,
        body="Hello,\n\nDean Rowe has been arrested for the damage to your car.",
        people=("Dean Rowe",),
        cases=(),
    )
    subject = judge(news, world)
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_a_witness_nobody_has_mentioned_before_is_no_slip() -> None:
    witness = replace(
        SLIP, body="Hello,\n\nGrace Holt saw it happen.", people=("Grace Holt",), cases=()
    )
    subject = judge(witness, town())
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_a_new_crime_number_for_his_second_report_is_no_slip_unless_it_is_someone_elses() -> None:
    own_new_case = town().case("AB/25/0160", discussed_with=["k.ahmed@example.police.uk"])
    second = replace(
        SLIP,
        body="Hello,\n\nThe theft from your garden is recorded as AB/25/0160.",
        people=(),
        cases=("AB/25/0160",),
    )
    subject = judge(second, own_new_case)
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None
    someone_elses = town().case("AB/25/0160", discussed_with=["m.bell@gmail.com"])
    reason = RULE.check(judge(second, someone_elses), to(subject, "j.smith@example.net"))
    assert reason is not None and reason.evidence == ("AB/25/0160",)


def test_a_case_linked_to_the_threads_case_belongs_in_it() -> None:
    world = (
        town()
        .case("AB/25/0171", people=["Dean Rowe"], discussed_with=["m.bell@gmail.com"])
        .case("AB/25/0071", people=["Dean Rowe"])
    )
    linked = replace(
        SLIP,
        body="Hello,\n\nDean Rowe is also charged under AB/25/0171.",
        people=("Dean Rowe",),
        cases=("AB/25/0171",),
    )
    subject = judge(linked, world)
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_a_partner_who_belongs_with_the_other_case_is_not_the_wrong_recipient() -> None:
    copied = replace(SLIP, cc=("Priya Nair <p.nair@northshire.gov.uk>",))
    subject = judge(copied, town())
    assert RULE.check(subject, to(subject, "p.nair@northshire.gov.uk")) is None
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is not None


def test_a_colleague_copied_into_the_thread_is_trusted() -> None:
    copied = replace(SLIP, cc=("Ben Hughes <b.hughes@example.police.uk>",))
    subject = judge(copied, town())
    assert RULE.check(subject, to(subject, "b.hughes@example.police.uk")) is None


def test_a_thread_about_no_case_cannot_be_the_wrong_one() -> None:
    world = town().thread(
        "<enquiry-1@example.net>",
        participants=["j.smith@example.net", "k.ahmed@example.police.uk"],
        people=["John Smith"],
    )
    enquiry = replace(SLIP, in_reply_to="<enquiry-1@example.net>")
    subject = judge(enquiry, world)
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_a_new_message_is_in_no_thread() -> None:
    subject = judge(replace(SLIP, in_reply_to="", subject="School incident"), town())
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_a_forward_says_it_forwards() -> None:
    forward = replace(SLIP, subject="Fwd: Re: Damage to my car")
    subject = judge(forward, town())
    reason = RULE.check(subject, to(subject, "j.smith@example.net"))
    assert reason is not None
    assert reason.explanation.startswith("This forwards the thread 'Damage to my car', but")


def test_without_a_store_the_rule_says_nothing() -> None:
    subject = judge(SLIP)
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None
