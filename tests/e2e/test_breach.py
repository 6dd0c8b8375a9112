"""A data protection officer in Chromium: a report naming a child went through Postfix to
the wrong colleague (delivered: nothing held it, it stayed inside); she finds it among the
delivered messages, opens a breach from it, sees the people it named, the child among
them and the 72-hour clock, and exports the PDF.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import BOB, Shoot, Stack, case_report, log_in, unique


def test_a_dpo_opens_a_breach_from_a_delivered_message_and_exports_it(
    stack: Stack, page: Page, shoot: Shoot, tmp_path: Path
) -> None:
    subject = unique("Ellie Marsh - strategy meeting")
    stack.send(case_report(subject, [BOB]), [BOB])
    assert stack.arrived(subject.encode(), 30) == [BOB], stack.diagnosis()

    log_in(page, "dpo")
    page.get_by_role("link", name="Breaches").click()
    page.get_by_role("link", name="Open a breach").click()
    page.get_by_label("Sender, recipient, subject or Message-ID contains").fill(subject)
    page.get_by_role("button", name="Search delivered messages").click()
    found = page.locator("form").filter(has=page.get_by_role("heading", name=subject))
    expect(found).to_contain_text("2 people named, 1 of them children")
    found.get_by_label(f"{BOB} (to)").check()
    found.get_by_label("Title (optional)").fill("Strategy notes sent to the wrong Jones")
    shoot(page, "search")
    found.get_by_role("button", name="Open a breach from this message").click()

    expect(
        page.get_by_role("heading", name="Strategy notes sent to the wrong Jones")
    ).to_be_visible()
    clock = page.get_by_role("region", name="The 72-hour clock")
    expect(clock).to_contain_text("Deadline to report to the regulator")
    expect(clock).to_contain_text(re.compile(r"(71 h [0-5]?\d|72 h 0) min left"))
    people = page.get_by_role("region", name="People named")
    expect(people).to_contain_text("(2, 1 child)")
    expect(people.get_by_role("row").filter(has_text="Ellie Marsh")).to_contain_text("Child")
    expect(people.get_by_role("row").filter(has_text="Jane Marsh")).to_contain_text(
        "Adult or unknown"
    )
    recipients = page.get_by_role("region", name="What is known").get_by_role("row")
    expect(recipients.filter(has_text=BOB)).to_contain_text("yes")
    shoot(page, "breach")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export PDF").click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    assert pdf.name.startswith("breach-") and pdf.suffix == ".pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert pdf.stat().st_size > 1000


def test_a_reviewer_cannot_open_the_breaches(stack: Stack, page: Page) -> None:
    log_in(page, "reviewer")
    expect(page.get_by_role("link", name="Breaches")).to_have_count(0)

    response = page.goto("/breaches")

    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("Only a data protection officer")
