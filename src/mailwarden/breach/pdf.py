"""A breach as a PDF (reportlab): the title, the clock and its deadline, the facts, the
people (children marked), the recipients, the answers, the tasks and the drafts."""

from __future__ import annotations

import io
from datetime import datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from mailwarden.breach.clock import shown
from mailwarden.breach.questions import QUESTIONS, risk_hint
from mailwarden.record.breaches import Breach

FONTS = Path("/usr/share/fonts/truetype/dejavu")
"""DejaVu, where installed, writes every name; else the PDF standard fonts (Latin-1)."""


def breach_pdf(breach: Breach, now: datetime, organisation: str = "") -> bytes:
    """The breach's PDF at `now` (for its clock)."""
    styles = _styles()
    h1, h2, body, small = styles["h1"], styles["h2"], styles["body"], styles["small"]
    reading = breach.clock.at(now)
    facts = breach.facts
    story: list[Flowable] = [
        Paragraph(_text(f"Personal data breach {breach.id}: {breach.title}"), h1),
        Paragraph(
            _text(f"{organisation + ' – ' if organisation else ''}state: {breach.state.value}"),
            small,
        ),
        Paragraph("The 72-hour clock", h2),
        *_lines(
            body,
            f"Became aware: {shown(breach.aware_at)}",
            f"Deadline to report to the regulator: {shown(reading.deadline)}",
            f"At {shown(now)}: {reading.words}",
            f"Opened {shown(breach.opened_at)} by {breach.opened_by}",
        ),
        Paragraph("What is known", h2),
        *_lines(
            body,
            *(
                line
                for line in (
                    f"From: {facts.sender}" if facts.sender else "",
                    f"Subject: {facts.subject}" if facts.subject else "",
                    f"Sent: {shown(facts.sent_at)}" if facts.sent_at else "",
                )
                if line
            ),
        ),
        Paragraph("Recipients", h2),
        *_lines(
            body,
            *(
                f"{r.address} ({r.field}){' – should not have received it' if r.wrong else ''}"
                for r in facts.recipients
            ),
            empty="No recipients recorded.",
        ),
        Paragraph(f"People named ({len(facts.people)}, {len(facts.children)} children)", h2),
        *_lines(
            body,
            *(f"{p.name}{' – CHILD' if p.child else ''} ({p.why})" for p in facts.people),
            empty="No one named.",
        ),
        Paragraph("Categories of data", h2),
        *_lines(
            body,
            *(
                f"{c.name} ({c.kind}): {c.count}"
                + (f" – {', '.join(c.values)}" if c.values else "")
                for c in facts.categories
            ),
            empty="None found.",
        ),
        Paragraph("The regulator's questions", h2),
    ]
    hint = risk_hint(facts)
    if hint:
        story.append(Paragraph(_text(hint), small))
    for question in QUESTIONS:
        answer = breach.answers.get(question.key, "") or "(not yet answered)"
        story += [Paragraph(_text(question.text), styles["q"]), Paragraph(_text(answer), body)]
    story.append(Paragraph("Tasks", h2))
    story += _lines(
        body,
        *(
            f"[{'done' if t.done else ' '}] {t.title} – {t.owner}, due {shown(t.due_at) or '-'}"
            + (f", done {shown(t.done_at)} by {t.done_by}" if t.done_at else "")
            for t in breach.tasks
        ),
        empty="No tasks.",
    )
    drafts = breach.drafts
    story += [
        Paragraph("Draft: request to the wrong recipient to delete it", h2),
        Paragraph(_text(drafts.deletion_request), body),
    ]
    for n in drafts.notices:
        story += [Paragraph(_text(f"Draft: notice to {n.to}"), h2), Paragraph(_text(n.text), body)]
    story += [
        Paragraph("Draft: report to the regulator", h2),
        Paragraph(_text(drafts.report), body),
    ]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Personal data breach {breach.id}",
        author=organisation or "mailwarden",
    )
    document.build(story)
    return out.getvalue()


def _lines(style: ParagraphStyle, *lines: str, empty: str = "") -> list[Flowable]:
    return [Paragraph(_text(line), style) for line in (lines or ((empty,) if empty else ()))]


def _text(text: str) -> str:
    """Plain text as a Paragraph's markup: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


@cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = getSampleStyleSheet()
    return {
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=bold, fontSize=16),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=12),
        "q": ParagraphStyle("q", parent=base["BodyText"], fontName=bold, spaceBefore=4),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=regular),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName=regular, fontSize=8),
    }


def _fonts() -> tuple[str, str]:
    regular, bold = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
    if not (regular.is_file() and bold.is_file()):
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    return "DejaVuSans", "DejaVuSans-Bold"
