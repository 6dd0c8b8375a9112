"""A reviewer's day in Chromium: a message held by the gateway behind Postfix is opened
from the queue, its findings marked in its text, released to one recipient and rejected
for the other, and arrives only where it was released. Then what the app refuses: a form
without its CSRF token, and a sender opening another sender's held message.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from mailwarden.gateway.quarantine import HeldRecipient, Quarantine
from mailwarden.record.holds import RecipientState
from mailwarden.rules.base import Verdict

from .conftest import ANN, BOB, GMAIL, SCHOOL, Shoot, Stack, case_report, log_in, unique


def test_reviewer_releases_to_one_recipient_and_rejects_the_other(
    stack: Stack, page: Page, shoot: Shoot
) -> None:
    subject = unique("Ellie Marsh - strategy meeting")
    raw = case_report(subject, [SCHOOL, GMAIL])
    stack.send(raw, [SCHOOL, GMAIL])
    hold = stack.held(subject)
    assert {(r.address, r.verdict) for r in hold.recipients} == {
        (SCHOOL, Verdict.HOLD),
        (GMAIL, Verdict.HOLD),
    }
    assert not stack.arrived(subject.encode(), 0), "held mail went out before any decision"

    page.goto("/login")
    shoot(page, "login")
    log_in(page, "reviewer")
    expect(page.get_by_role("heading", name="Held messages")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=subject)
    expect(row).to_contain_text(ANN)
    expect(row).to_contain_text(f"{SCHOOL}: hold, held")
    shoot(page, "queue")

    row.get_by_role("link", name=subject).click()
    expect(page.get_by_role("heading", name=subject)).to_be_visible()
    findings = page.get_by_role("region", name="What was found")
    expect(findings).to_contain_text("Ellie Marsh")
    expect(findings).to_contain_text("485 777 3457")
    text = page.get_by_role("region", name="The message's text")
    for found in ("Ellie Marsh", "Jane Marsh", "485 777 3457", "LS6 2AB"):
        expect(text.locator("mark").filter(has_text=found).first).to_be_visible()
    expect(text.locator("mark").filter(has_text="Dear colleague")).to_have_count(0)
    shoot(page, "held")

    page.get_by_label(SCHOOL).check()
    page.get_by_role("button", name="Release to the chosen recipients").click()
    page.wait_for_url(f"**/held/{hold.id}")
    expect(page.get_by_text(re.compile(rf"{re.escape(SCHOOL)}\s*– hold, released"))).to_be_visible()

    page.get_by_label(GMAIL).check()
    page.get_by_label("Note (for a rejection or a return)").fill("A personal address.")
    page.get_by_role("button", name="Reject for the chosen recipients").click()
    page.wait_for_url(f"**/held/{hold.id}")
    expect(page.get_by_text("– hold, rejected by reviewer")).to_be_visible()
    expect(page.get_by_role("button", name="Release to the chosen recipients")).to_have_count(0)
    shoot(page, "decided")

    assert stack.arrived(subject.encode(), 30) == [SCHOOL], stack.diagnosis()
    time.sleep(1)  # a copy for the rejected recipient would have come by now
    assert stack.arrived(subject.encode(), 0) == [SCHOOL], stack.diagnosis()
    states = {r.address: r.state for r in stack.quarantine.get(hold.id).recipients}
    assert states == {SCHOOL: RecipientState.RELEASED, GMAIL: RecipientState.REJECTED}


def hold_directly(quarantine: Quarantine, sender: str, subject: str) -> str:
    """A hold made as the gateway makes one, without the trip through Postfix."""
    raw = case_report(subject, [GMAIL]).replace(ANN.encode(), sender.encode())
    return quarantine.hold(
        raw,
        sender,
        [HeldRecipient(GMAIL, Verdict.HOLD, ("a marked message to a personal address",))],
        subject=subject,
    )


def test_a_form_posted_without_its_csrf_token_is_refused(
    stack: Stack, page: Page, shoot: Shoot
) -> None:
    subject = unique("Interview notes")
    hold_id = hold_directly(stack.quarantine, ANN, subject)
    log_in(page, "reviewer")
    page.goto(f"/held/{hold_id}")
    page.get_by_label(GMAIL).check()
    page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")

    page.get_by_role("button", name="Release to the chosen recipients").click()

    expect(page.get_by_role("heading", name="That cannot be done")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("did not come from this site")
    shoot(page, "refused")
    assert [r.state for r in stack.quarantine.get(hold_id).recipients] == [RecipientState.HELD]
    assert not stack.arrived(subject.encode(), 0)


def test_a_form_with_a_forged_csrf_token_is_refused(stack: Stack, page: Page) -> None:
    hold_id = hold_directly(stack.quarantine, ANN, unique("Interview notes"))
    log_in(page, "reviewer")
    page.goto(f"/held/{hold_id}")
    page.get_by_label(GMAIL).check()
    page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(e => e.value = 'x')")

    page.get_by_role("button", name="Reject for the chosen recipients").click()

    expect(page.get_by_role("heading", name="That cannot be done")).to_be_visible()
    assert [r.state for r in stack.quarantine.get(hold_id).recipients] == [RecipientState.HELD]


def test_a_sender_sees_only_their_own_held_messages(stack: Stack, page: Page, shoot: Shoot) -> None:
    anns = unique("Ann's notes")
    bobs = unique("Bob's notes")
    ann_hold = hold_directly(stack.quarantine, ANN, anns)
    hold_directly(stack.quarantine, BOB, bobs)
    log_in(page, BOB)

    expect(page.get_by_role("link", name=bobs)).to_be_visible()
    expect(page.get_by_role("link", name=anns)).to_have_count(0)
    shoot(page, "queue")

    response = page.goto(f"/held/{ann_hold}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("alert")).to_have_text("There is no held message with this ID.")
    expect(page.get_by_text("Ellie Marsh")).to_have_count(0)
    shoot(page, "not-found")


def test_a_sender_sees_their_message_but_cannot_decide_it(stack: Stack, page: Page) -> None:
    subject = unique("Ann's own notes")
    hold_id = hold_directly(stack.quarantine, ANN, subject)
    log_in(page, ANN)
    page.get_by_role("link", name=subject).click()

    expect(page.get_by_role("heading", name=subject)).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Release to the chosen recipients")).to_have_count(0)
    assert page.url.endswith(f"/held/{hold_id}")
