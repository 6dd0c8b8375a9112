"""The issue's promise that the review app "works and is accessible with keyboard and
screen reader", checked in Chromium: axe-core (tests/e2e/package.json, installed by
`make axe`) finds nothing serious or critical against WCAG 2.1 A and AA on each main page,
which also reflows to 320 CSS pixels without scrolling sideways (what axe cannot see), and
a reviewer releases a held message using the keyboard alone.

axe is injected with `page.evaluate`, which the app's CSP does not govern (it forbids
every script not served by the app, so a script tag would be refused).

Accessibility does not depend on the record database, so these tests run on the SQLite
stack only: the `stack` fixture is parametrized here with "sqlite" alone, and the
PostgreSQL stack is neither started nor used for them.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from mailwarden.gateway.quarantine import HeldRecipient
from mailwarden.record.holds import RecipientState
from mailwarden.rules.base import Verdict

from .conftest import ANN, BOB, GMAIL, SCHOOL, Shoot, Stack, case_report, log_in, unique

pytestmark = pytest.mark.parametrize("stack", ["sqlite"], indirect=True)

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
"""axe's tags for the success criteria of WCAG 2.1 levels A and AA."""
SERIOUS = {"serious", "critical"}
NARROW = 320


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's browser bundle, as `npm --prefix tests/e2e ci` installed it."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed, and CI must run the accessibility tests")
        pytest.skip("axe-core is not installed (make axe, or npm --prefix tests/e2e ci)")
    return AXE.read_text(encoding="utf-8")


def violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """axe's serious and critical violations of WCAG 2.1 A and AA on the page as it is."""
    page.evaluate(axe_source)
    results: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [v for v in results["violations"] if v["impact"] in SERIOUS]


def described(found: list[dict[str, Any]]) -> str:
    """The violations as a person fixing them wants to read them: rule, help, where."""
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}: {node['html'][:160]}")
    return "\n".join(lines)


def too_wide(page: Page) -> list[str]:
    """What sticks out of the page 320 CSS pixels wide (WCAG 1.4.10, reflow: no sideways
    scrolling; a wide table scrolls in its own box), outermost first."""
    page.set_viewport_size({"width": NARROW, "height": 900})
    try:
        return list(
            page.evaluate(
                """width => document.documentElement.scrollWidth <= width ? [] :
                [...document.body.querySelectorAll('*')]
                  .filter(e => e.getBoundingClientRect().right > width + 1)
                  .slice(0, 5).map(e => e.outerHTML.slice(0, 120))""",
                NARROW,
            )
        )
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def assert_accessible(page: Page, axe_source: str, what: str) -> None:
    found = violations(page, axe_source)
    assert not found, f"axe found on {what} ({page.url}):\n{described(found)}"
    wide = too_wide(page)
    assert not wide, f"{what} scrolls sideways {NARROW} px wide:\n" + "\n".join(wide)


def hold_for_review(stack: Stack, subject: str) -> str:
    """A marked report held for a reviewer, to the school and to a personal address, made
    as the gateway makes one (the findings are the app's own reading of the text)."""
    reason = ("an OFFICIAL-SENSITIVE message to an address outside",)
    return stack.quarantine.hold(
        case_report(subject, [SCHOOL, GMAIL]),
        ANN,
        [HeldRecipient(SCHOOL, Verdict.HOLD, reason), HeldRecipient(GMAIL, Verdict.HOLD, reason)],
        subject=subject,
    )


def test_the_check_finds_what_it_looks_for(stack: Stack, page: Page, axe_source: str) -> None:
    page.goto("/login")
    page.evaluate("document.querySelector('label[for=password]').remove()")

    found = violations(page, axe_source)

    assert [v["id"] for v in found] == ["label"]
    assert '"#password"' in described(found)


def test_the_login_page(stack: Stack, page: Page, axe_source: str) -> None:
    page.goto("/login")
    assert_accessible(page, axe_source, "the login page")


def test_the_queue_and_a_held_message_with_its_findings_marked(
    stack: Stack, page: Page, axe_source: str
) -> None:
    subject = unique("Ellie Marsh - strategy meeting")
    hold_id = hold_for_review(stack, subject)
    log_in(page, "reviewer")
    expect(page.get_by_role("link", name=subject)).to_be_visible()
    assert_accessible(page, axe_source, "the reviewer's queue")

    page.goto(f"/held/{hold_id}")
    text = page.get_by_role("region", name="The message's text")
    expect(text.locator("mark").first).to_be_visible()
    assert_accessible(page, axe_source, "a held message")


def test_the_senders_notice_page(stack: Stack, page: Page, axe_source: str) -> None:
    subject = unique("Ellie Marsh - referral")
    stack.send(case_report(subject, [SCHOOL, GMAIL], marked=False), [SCHOOL, GMAIL])
    stack.held(subject)
    links = re.findall(rf"{re.escape(stack.url)}/notice/\S+", stack.notice(subject))

    page.goto(links[0])
    expect(page.get_by_role("button", name="Confirm and send")).to_be_visible()
    assert_accessible(page, axe_source, "the sender's notice page")

    page.get_by_role("button", name="Confirm and send").click()
    page.get_by_label("Why it should go").fill("No")
    page.get_by_role("button", name="Confirm and send").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, axe_source, "the notice page refusing a reason")


def test_the_breaches_and_a_breach(stack: Stack, page: Page, axe_source: str) -> None:
    subject = unique("Ellie Marsh - strategy meeting")
    stack.send(case_report(subject, [BOB]), [BOB])
    assert stack.arrived(subject.encode(), 30) == [BOB], stack.diagnosis()
    log_in(page, "dpo")

    page.goto(f"/breaches/new?search={subject}")
    found = page.locator("form").filter(has=page.get_by_role("heading", name=subject))
    assert_accessible(page, axe_source, "the page to open a breach")
    found.get_by_label(f"{BOB} (to)").check()
    found.get_by_role("button", name="Open a breach from this message").click()
    expect(page.get_by_role("region", name=re.compile("People named"))).to_contain_text("child")
    assert_accessible(page, axe_source, "a breach")
    breach = page.url.removeprefix(stack.url)

    page.goto("/breaches")
    expect(page.locator(f"a[href='{breach}']")).to_be_visible()
    assert_accessible(page, axe_source, "the list of breaches")


def test_the_dashboard(stack: Stack, page: Page, axe_source: str) -> None:
    log_in(page, "reviewer")
    page.goto("/dashboard")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert_accessible(page, axe_source, "the dashboard")


def tab_to(page: Page, target: Locator, presses: int = 40) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would; fail with the
    path the focus took if it never gets there."""
    path = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
        path.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    raise AssertionError(f"Tab never reached {target}; it went through:\n" + "\n".join(path))


def test_a_reviewer_releases_to_one_recipient_with_the_keyboard_alone(
    stack: Stack, page: Page, shoot: Shoot
) -> None:
    subject = unique("Ellie Marsh - strategy meeting")
    hold_id = hold_for_review(stack, subject)

    page.goto("/login")
    expect(page.get_by_label("Login")).to_be_focused()
    page.keyboard.type("reviewer")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery staple")
    page.keyboard.press("Enter")
    page.wait_for_url("**/queue*")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    shoot(page, "skip-link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    tab_to(page, page.get_by_role("link", name=subject))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/held/{hold_id}")
    tab_to(page, page.get_by_role("checkbox", name=SCHOOL))
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name=SCHOOL)).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Release to the chosen recipients"))
    shoot(page, "release-focused")
    page.keyboard.press("Enter")

    expect(page.get_by_text(re.compile(rf"{re.escape(SCHOOL)}\s*– hold, released"))).to_be_visible()
    states = {r.address: r.state for r in stack.quarantine.get(hold_id).recipients}
    assert states == {SCHOOL: RecipientState.RELEASED, GMAIL: RecipientState.HELD}
    assert stack.arrived(subject.encode(), 30) == [SCHOOL], stack.diagnosis()
