"""The dashboard in Chromium: a message through Postfix counts among those the gateway
checked as soon as it is delivered, and a sender sees the organisation's numbers without
anyone's address or subject.
"""

from __future__ import annotations

import secrets

from playwright.sync_api import Page, expect

from .conftest import ANN, BOB, DOMAIN, Shoot, Stack, log_in, unique


def total(page: Page, what: str) -> int:
    """The dashboard's figure for `what` ("Messages checked at the gateway", ...)."""
    term = page.get_by_text(what, exact=True)
    return int(page.locator("dl div").filter(has=term).locator("dd").inner_text())


def test_a_delivered_message_counts_on_the_dashboard_that_names_no_one(
    stack: Stack, page: Page, shoot: Shoot
) -> None:
    log_in(page, BOB)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    checked = total(page, "Messages checked at the gateway")

    subject = unique("Lunch at noon?")
    stack.send(
        f"From: Ann Smith <{ANN}>\r\nTo: {BOB}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{secrets.token_hex(8)}@{DOMAIN}>\r\n\r\nThe usual place?\r\n".encode(),
        [BOB],
    )
    assert stack.arrived(subject.encode(), 30) == [BOB], stack.diagnosis()
    page.reload()

    assert total(page, "Messages checked at the gateway") == checked + 1
    main = page.get_by_role("main")
    expect(main).not_to_contain_text("@")
    expect(main).not_to_contain_text("Ellie Marsh")
    shoot(page, "dashboard")
