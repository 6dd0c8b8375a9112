"""greeting_mismatch: "Dear Mr Patel" to an address the organisation knows as someone else."""

from __future__ import annotations

import pytest

from mailwarden.message.model import Part
from mailwarden.rules import Verdict
from mailwarden.rules.greeting_mismatch import GreetingMismatch, answers_to, greeted

from .story import Mail, judge, to, town

RULE = GreetingMismatch()


def mail_to(recipient: str, body: str, *cc: str) -> Mail:
    return Mail(to=(recipient,), cc=cc, subject="Your statement", body=body)


def test_mr_patels_letter_sent_to_john_smith_asks_the_sender_to_confirm() -> None:
    slip = mail_to(
        "John Smith <j.smith@example.net>",
        "Dear Mr Patel,\n\nPlease find your statement attached for signature.\n\nKate",
    )
    subject = judge(slip, town())
    reason = RULE.check(subject, to(subject, "j.smith@example.net"))
    assert reason is not None and reason.action is Verdict.CONFIRM
    assert reason.explanation == (
        "The message greets 'Mr Patel', but j.smith@example.net is known as John Smith."
    )
    assert reason.evidence == ("Mr Patel", "j.smith@example.net")


@pytest.mark.parametrize(
    "greeting",
    [
        "Dear Mr Smith,",
        "Dear John,",
        "Hi John",
        "Hi John thanks for calling back.",
        "Good morning Mr Smith.",
        "Dear Mr and Mrs Smith,",
        "Dear John Smith",
        "Hello Johnny!",
        "Hi J,",
        "Dear Mr. Smith:",
    ],
)
def test_the_ways_john_smith_is_greeted_all_pass(greeting: str) -> None:
    subject = judge(mail_to("j.smith@example.net", f"{greeting}\n\nThanks."), town())
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


@pytest.mark.parametrize(
    ("greeting", "known_as"),
    [
        ("Hi Bob,", "Robert Jones"),
        ("Dear Chris,", "Christopher Lane"),
        ("Hi Liz,", "Elizabeth Ward"),
        ("Dear Sam,", "Samantha Ord"),
        ("Dear Ms Okafor-Bell,", "Ada Okafor-Bell"),
        ("Dear Zoë,", "Zoë Hart"),
        ("Dear Kate,", "Katie Davies"),
    ],
)
def test_short_forms_and_double_barrelled_names_are_the_same_person(
    greeting: str, known_as: str
) -> None:
    world = town().contact("contact@example.org", known_as)
    subject = judge(mail_to("contact@example.org", f"{greeting}\n\nThanks."), world)
    assert RULE.check(subject, to(subject, "contact@example.org")) is None
    other = town().contact("contact@example.org", "Grace Holt")
    assert RULE.check(
        judge(mail_to("contact@example.org", greeting), other), to(subject, "contact@example.org")
    )


@pytest.mark.parametrize(
    "greeting",
    [
        "Dear all,",
        "Dear Sir/Madam,",
        "Dear Sir or Madam,",
        "Hi team",
        "Dear Parent/Carer,",
        "Hi both,",
    ],
)
def test_greetings_of_nobody_in_particular_pass(greeting: str) -> None:
    subject = judge(mail_to("j.smith@example.net", f"{greeting}\n\nThanks."), town())
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_a_shared_mailbox_known_as_a_team_may_be_read_by_anyone() -> None:
    letter = mail_to("safeguarding@greenfield.sch.uk", "Dear Mrs Lowe,\n\nThank you.")
    subject = judge(letter, town())
    assert RULE.check(subject, to(subject, "safeguarding@greenfield.sch.uk")) is None


def test_greeting_someone_copied_in_is_not_a_slip() -> None:
    copied = mail_to(
        "John Smith <j.smith@example.net>",
        "Dear Mr Patel,\n\nAs agreed.",
        "r.patel@northshire.gov.uk",
    )
    subject = judge(copied, town())
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_with_two_to_recipients_the_greeting_may_be_for_either() -> None:
    two = Mail(
        to=("j.smith@example.net", "joan.price@btinternet.com"),
        body="Dear Mr Patel,\n\nThanks.",
    )
    subject = judge(two, town())
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_a_name_further_down_the_body_is_not_a_greeting() -> None:
    late = mail_to(
        "j.smith@example.net",
        "Thanks for calling.\n\nThe CCTV is back.\n\nThe officer said:\nDear Mr Patel, no.",
    )
    subject = judge(late, town())
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


def test_an_address_with_no_known_name_cannot_be_someone_else() -> None:
    subject = judge(mail_to("new.person@gmail.com", "Dear Mr Patel,\n\nThanks."), town())
    assert RULE.check(subject, to(subject, "new.person@gmail.com")) is None


def test_an_html_body_is_read_as_its_reader_sees_it() -> None:
    subject = judge(mail_to("j.smith@example.net", "placeholder"), town())
    html = b"<html><body><p>Dear Mr Patel,</p><p>Your statement.</p></body></html>"
    subject.message.parts[0] = Part("text/html", html, is_body=True, charset="utf-8")
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is not None


def test_without_a_store_the_rule_says_nothing() -> None:
    subject = judge(mail_to("j.smith@example.net", "Dear Mr Patel,\n\nThanks."))
    assert RULE.check(subject, to(subject, "j.smith@example.net")) is None


@pytest.mark.parametrize(
    ("body", "written"),
    [
        ("Dear Mr Patel,\nText", "Mr Patel"),
        ("\n\nHi Sarah,\nText", "Sarah"),
        ("Good afternoon Dr Okafor\nText", "Dr Okafor"),
        ("Hello Mary-Jane, thanks", "Mary-Jane"),
        ("Thanks for this.\nDear Mr Patel,", "Mr Patel"),
        ("Dear Mr Patel and Mrs Jones,", None),
        ("Dear all,", None),
        ("I'm not greeting anyone", None),
    ],
)
def test_reading_the_greeting(body: str, written: str | None) -> None:
    found = greeted(body)
    assert (found[0] if found else None) == written


def test_a_greeted_name_answers_to_a_display_name_by_word_initial_or_short_form() -> None:
    assert answers_to({"smith"}, "Smith, John")
    assert answers_to({"jon"}, "J Smith")
    assert answers_to({"bill"}, "William Hart")
    assert not answers_to({"patel"}, "John Smith")
