"""A sender in Chromium: the gateway holds her message for her to confirm and mails her a
notice; she follows its link (no login), says why the message should go, confirms, and it
arrives through Postfix at both recipients.
"""

from __future__ import annotations

import re
from email import message_from_bytes
from email.policy import default

from playwright.sync_api import Page, expect

from mailwarden.record.holds import RecipientState
from mailwarden.rules.base import Verdict

from .conftest import GMAIL, SCHOOL, Shoot, Stack, case_report, unique


def test_a_sender_confirms_a_held_message_from_the_link_in_her_notice(
    stack: Stack, page: Page, shoot: Shoot
) -> None:
    subject = unique("Ellie Marsh - referral")
    stack.send(case_report(subject, [SCHOOL, GMAIL], marked=False), [SCHOOL, GMAIL])
    hold = stack.held(subject)
    assert {r.verdict for r in hold.recipients} == {Verdict.CONFIRM}
    links = set(re.findall(rf"{re.escape(stack.url)}/notice/\S+", stack.notice(subject)))
    assert len(links) == 1, "the notice has not one link to the web app"

    page.goto(links.pop())
    expect(page.get_by_role("heading", name=f"Your message: {subject}")).to_be_visible()
    expect(page.get_by_text(f"{SCHOOL}: waiting for your confirmation")).to_be_visible()
    expect(page.get_by_text(f"{GMAIL}: waiting for your confirmation")).to_be_visible()
    shoot(page, "notice")

    page.get_by_label("Why it should go").fill("Too short")
    page.get_by_role("button", name="Confirm and send").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 3")
    assert not stack.arrived(subject.encode(), 0)

    page.get_by_label("Why it should go").fill("Ellie's mother asked for the referral to go.")
    page.get_by_role("button", name="Confirm and send").click()

    expect(page.get_by_text(f"{SCHOOL}: sent (by you)")).to_be_visible()
    expect(page.get_by_text(f"{GMAIL}: sent (by you)")).to_be_visible()
    expect(page.get_by_text("Nothing on this message is waiting any more.")).to_be_visible()
    shoot(page, "confirmed")
    assert stack.arrived(subject.encode(), 30) == sorted([SCHOOL, GMAIL]), stack.diagnosis()
    states = {r.state for r in stack.quarantine.get(hold.id).recipients}
    assert states == {RecipientState.RELEASED}


def test_a_forged_notice_link_opens_nothing(stack: Stack, page: Page) -> None:
    subject = unique("Ellie Marsh - referral")
    stack.send(case_report(subject, [GMAIL], marked=False), [GMAIL])
    link = re.findall(rf"{re.escape(stack.url)}/notice/\S+", stack.notice(subject))[0]

    response = page.goto(link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB"))

    assert response is not None and response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("This is not a valid link.")
    expect(page.get_by_text(subject)).to_have_count(0)


def test_a_sender_corrects_a_wrong_recipient_and_only_the_right_one_gets_it(
    stack: Stack, page: Page, shoot: Shoot
) -> None:
    colleague = "rita.patel@example.police.uk"
    subject = unique("Ellie Marsh - referral")
    stack.send(case_report(subject, [GMAIL], marked=False), [GMAIL])
    stack.held(subject)
    page.goto(re.findall(rf"{re.escape(stack.url)}/notice/\S+", stack.notice(subject))[0])

    page.get_by_label("Wrong address? Send it instead to").fill(colleague)
    page.get_by_role("button", name="Correct the recipient").click()

    expect(page.get_by_role("status")).to_have_text(
        f"Your message was sent to {colleague} instead of {GMAIL}."
    )
    shoot(page, "corrected")
    assert stack.arrived(subject.encode(), 30) == [colleague], stack.diagnosis()
    delivered = next(m for m in stack.sink.originals() if subject.encode() in m.content)
    message = message_from_bytes(delivered.content, policy=default)
    assert [str(a.addr_spec) for a in message["To"].addresses] == [colleague]
    shown = [f"{k}: {v}" for k, v in message.items() if k.lower() != "received"]
    assert not [line for line in shown if GMAIL in line]
