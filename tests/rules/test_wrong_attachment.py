"""wrong_attachment: the wrong file picked from the folder."""

from __future__ import annotations

from dataclasses import replace

from mailwarden.rules import Verdict
from mailwarden.rules._shared import CIRCULATED_FILE
from mailwarden.rules.wrong_attachment import WrongAttachment

from .story import SCHOOL_REPORT, Attachment, Mail, judge, to, town

RULE = WrongAttachment()

SCHOOL_FILE = Attachment(
    "Greenfield report.pdf", SCHOOL_REPORT, people=("Ellie Marsh", "Tom Briggs", "Sam Okafor")
)
WRONG_FILE = Mail(
    to=("John Smith <j.smith@example.net>",),
    subject="Re: Damage to my car",
    in_reply_to="<car-3@example.net>",
    body="Dear Mr Smith,\n\nThe CCTV log for AB/25/0071 is attached.\n\nKate",
    cases=("AB/25/0071",),
    attachments=(SCHOOL_FILE,),
)
"""The car owner's answer, with the school's report attached instead of the CCTV log."""


def test_the_schools_report_attached_to_the_car_owners_answer_is_held() -> None:
    subject = judge(WRONG_FILE, town())
    reason = RULE.check(subject, to(subject, "j.smith@example.net"))
    assert reason is not None and reason.action is Verdict.HOLD
    assert reason.explanation == (
        "The attachment 'Greenfield report.pdf' does not belong with the message (case "
        "AB/25/0071): 'Ellie Marsh', 'Tom Briggs' and 'Sam Okafor' in it have only been "
        "discussed with safeguarding@greenfield.sch.uk and colleagues (and the case list "
        "allows p.nair@northshire.gov.uk)."
    )
    assert reason.evidence == (
        "Greenfield report.pdf",
        "Ellie Marsh",
        "Tom Briggs",
        "Sam Okafor",
    )


def test_a_scanned_report_with_no_names_read_is_known_by_its_fingerprint() -> None:
    scanned = replace(WRONG_FILE, attachments=(Attachment("scan0042.pdf", SCHOOL_REPORT),))
    subject = judge(scanned, town())
    reason = RULE.check(subject, to(subject, "j.smith@example.net"))
    assert reason is not None
    assert reason.explanation.startswith(
        "The attachment 'scan0042.pdf' does not belong with the message (case AB/25/0071): "
        "the file itself has only been discussed with safeguarding@greenfield.sch.uk"
    )
    assert reason.evidence == ("scan0042.pdf",)


def test_the_schools_report_sent_to_the_social_worker_on_the_case_passes() -> None:
    right = Mail(
        to=("Priya Nair <p.nair@northshire.gov.uk>",),
        subject="AB/25/0093 school report",
        body="Priya,\n\nThe school's report on AB/25/0093 is attached.",
        cases=("AB/25/0093",),
        attachments=(SCHOOL_FILE,),
    )
    subject = judge(right, town())
    assert RULE.check(subject, to(subject, "p.nair@northshire.gov.uk")) is None


def test_another_lawyers_statement_in_a_file_to_the_cps_is_held_though_both_are_cps() -> None:
    mg11 = "MG11 witness statement of Grace Holt, AB/25/0205."
    world = (
        town()
        .contact("s.walker@cps.gov.uk", "Sanjay Walker")
        .contact("n.harris@cps.gov.uk", "Nicola Harris")
        .case("AB/25/0204", people=["Leon Ward"], discussed_with=["s.walker@cps.gov.uk"])
        .case(
            "AB/25/0205",
            people=["Grace Holt"],
            files=[mg11],
            discussed_with=["n.harris@cps.gov.uk"],
        )
    )
    file = Mail(
        to=("s.walker@cps.gov.uk",),
        subject="AB/25/0204 file",
        body="Sanjay,\n\nThe file on Leon Ward, AB/25/0204, with the MG11.",
        people=("Leon Ward",),
        cases=("AB/25/0204",),
        attachments=(Attachment("MG11.pdf", mg11, ("Grace Holt",), ("AB/25/0205",)),),
    )
    subject = judge(file, world)
    reason = RULE.check(subject, to(subject, "s.walker@cps.gov.uk"))
    assert reason is not None
    assert reason.evidence == ("MG11.pdf", "Grace Holt", "AB/25/0205")


def test_a_statement_sent_back_to_the_man_who_gave_it_passes() -> None:
    statement = "Statement of John Smith. I parked LM19 XKD outside number 12 on 1 March."
    world = town().case("AB/25/0160", files=[statement], discussed_with=["j.smith@example.net"])
    own = replace(
        WRONG_FILE,
        body="Dear Mr Smith,\n\nYour statement about AB/25/0071 is attached to sign.",
        attachments=(Attachment("Statement.pdf", statement),),
    )
    subject = judge(own, world)
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_a_leaflet_sent_to_many_belongs_to_no_one() -> None:
    leaflet = "Victim Support: what happens after you report a crime."
    victims = [f"victim{n}@gmail.com" for n in range(CIRCULATED_FILE)]
    with_leaflet = replace(WRONG_FILE, attachments=(Attachment("Victim Support.pdf", leaflet),))
    subject = judge(
        with_leaflet, town().case("AB/25/0090", files=[leaflet], discussed_with=victims)
    )
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None
    fewer = town().case("AB/25/0090", files=[leaflet], discussed_with=victims[:-1])
    assert RULE.check(judge(with_leaflet, fewer), to(subject, "j.smith@example.net")) is not None


def test_a_file_the_store_has_never_seen_passes() -> None:
    new = replace(WRONG_FILE, attachments=(Attachment("CCTV log.pdf", "Camera 4, 01:12"),))
    subject = judge(new, town())
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_in_the_seed_case_the_report_matches_the_body_so_other_rules_speak() -> None:
    seed = replace(
        WRONG_FILE,
        body="Hello,\n\nUpdate on AB/25/0093: Ellie Marsh apologised. Report attached.",
        cases=("AB/25/0093",),
        people=("Ellie Marsh",),
    )
    subject = judge(seed, town())
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_a_new_message_with_nothing_known_in_the_body_has_nothing_to_compare() -> None:
    bare = replace(WRONG_FILE, in_reply_to="", subject="Report", body="See attached.", cases=())
    subject = judge(bare, town())
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_a_file_of_another_correspondents_people_with_no_case_on_either_side() -> None:
    world = (
        town()
        .person("Lily Shaw", discussed_with=["m.shaw@gmail.com"])
        .person("Omar Reid", discussed_with=["o.reid@yahoo.co.uk"])
    )
    mixed = Mail(
        to=("m.shaw@gmail.com",),
        body="Dear Mrs Shaw,\n\nLily Shaw's school place is confirmed; the letter is attached.",
        people=("Lily Shaw",),
        attachments=(Attachment("Letter.pdf", "Dear Mr Reid, Omar Reid's place", ("Omar Reid",)),),
    )
    subject = judge(mixed, world)
    reason = RULE.check(subject, to(subject, "m.shaw@gmail.com"))
    assert reason is not None
    assert reason.explanation == (
        "The attachment 'Letter.pdf' does not belong with the message: 'Omar Reid' in it has "
        "only been discussed with o.reid@yahoo.co.uk."
    )


def test_a_colleague_is_trusted_with_any_file() -> None:
    internal = replace(WRONG_FILE, to=("Ben Hughes <b.hughes@example.police.uk>",))
    subject = judge(internal, town())
    assert RULE.check(subject, to(subject, "b.hughes@example.police.uk")) is None


def test_without_a_store_the_rule_says_nothing() -> None:
    subject = judge(WRONG_FILE)
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None
