"""What a reviewer sees of a held message (`web.findings`, `web.text`, `web.viewcache`): each
part's text with every finding marked where it stands, in the body and in each attachment;
the findings listed, each linking to its mark; what could not be read, and why; the HTML
body without anything that runs or fetches; a message scanned once however often and by
however many it is viewed."""

from __future__ import annotations

import io
import re
import threading
from email.message import EmailMessage

import docx
import pytest
from jinja2 import Environment, PackageLoader, select_autoescape

from mailwarden.scan import Scanner
from mailwarden.web.findings import (
    PART_LIMIT,
    FindingView,
    Mark,
    MessageView,
    PartView,
    message_view,
)
from mailwarden.web.text import safe_html
from mailwarden.web.viewcache import ViewCache, cached_view

DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
BODY = (
    "Hello,\n\nI am worried about Ellie Marsh and her brother Tom Marsh, both pupils at "
    "Greenfield Primary School. Ellie's NHS number is 943 476 5919.\n"
)
NAMES = ["Ellie Marsh", "Tom Marsh"]


def a_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def a_report(attachments: dict[str, bytes] | None = None, html: str | None = None) -> bytes:
    """A sender's report on two children: a body, maybe an HTML twin, and attachments."""
    message = EmailMessage()
    message["From"] = "Ann Smith <ann.smith@example.police.uk>"
    message["To"] = "safeguarding@greenfield.sch.uk"
    message["Subject"] = "Concern"
    message.set_content(BODY)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, data in (attachments or {}).items():
        maintype, subtype = DOCX_TYPE if name.endswith(".docx") else ("text", "plain")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


REFERRAL = a_docx(
    "Referral for Ellie Marsh and Tom Marsh, pupils at Greenfield Primary School.",
    "NHS number 943 476 5919.",
)


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner()


def marked(part: PartView) -> list[str]:
    return [part.text[m.start : m.end] for m in part.marks]


def rendered(view: MessageView) -> str:
    templates = Environment(
        loader=PackageLoader("mailwarden.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    page = '{% from "_message.html" import message %}{{ message(view) }}'
    return templates.from_string(page).render(view=view)


def test_each_name_is_marked_where_it_stands_in_the_body_and_in_the_attachment(
    scanner: Scanner,
) -> None:
    view = message_view(scanner, a_report({"referral.docx": REFERRAL}))
    parts = {p.title: p for p in view.parts}
    assert list(parts) == ["Subject", "Message body", "Attachment referral.docx"]
    for title in ("Message body", "Attachment referral.docx"):
        assert set(NAMES) <= set(marked(parts[title]))
        assert "943 476 5919" in marked(parts[title])
    attachment = parts["Attachment referral.docx"]
    assert attachment.text == (
        "Referral for Ellie Marsh and Tom Marsh, pupils at Greenfield Primary School.\n"
        "NHS number 943 476 5919."
    )
    nhs = next(m for m in attachment.marks if attachment.text[m.start : m.end] == "943 476 5919")
    assert (nhs.label, nhs.explanation) == ("NHS number", "valid check digit (NHS modulus 11)")
    listed = {(f.label, f.text, f.where) for f in view.findings}
    assert ("named person", "Tom Marsh", "Attachment referral.docx (paragraph 1)") in listed
    assert ("NHS number", "943 476 5919", "Message body") in listed
    assert view.problems == ()


def test_the_macro_marks_each_finding_and_the_list_links_to_it(scanner: Scanner) -> None:
    view = message_view(scanner, a_report({"referral.docx": REFERRAL}))
    html = rendered(view)
    anchors = re.findall(r'<mark id="(f-\d+)"', html)
    assert anchors == [f.anchor for f in view.findings]
    assert re.findall(r'<a href="#(f-\d+)">', html) == anchors
    attachment = html.split("<h3>Attachment referral.docx</h3>", 1)[1]
    for name in NAMES:
        assert re.search(
            rf'<mark id="f-\d+" title="named person: [^"]*">'
            rf'<span class="visually-hidden">\[named person\] </span>{name}</mark>',
            attachment,
        )


def test_overlapping_marks_split_the_text_and_each_keeps_its_anchor() -> None:
    child = Mark(1, 0, 31, "reference to a child", "a school pupil")
    person = Mark(2, 10, 21, "named person", "a known first name and a surname")
    same = Mark(3, 10, 21, "special-category detail", "health")
    part = PartView(
        "body", "Message body", "pupils at Ellie Marsh's school.", (child, person, same)
    )
    pieces = part.pieces()
    assert "".join(p.text for p in pieces) == part.text
    assert [(p.text, p.mark.index if p.mark else None, p.first) for p in pieces] == [
        ("pupils at ", 1, True),
        ("", 2, True),
        ("Ellie Marsh", 3, True),
        ("'s school.", 1, False),
    ]
    html = rendered(MessageView((part,), (), None, ()))
    assert [html.count(f'id="f-{n}"') for n in (1, 2, 3)] == [1, 1, 1]
    assert html.count("<mark") == html.count("</mark>") == 4


def test_an_unreadable_attachment_is_listed_with_why_and_the_rest_is_still_marked(
    scanner: Scanner,
) -> None:
    broken = REFERRAL[: len(REFERRAL) // 2]
    view = message_view(scanner, a_report({"broken.docx": broken, "notes.txt": b"Tom Marsh"}))
    (problem,) = view.problems
    assert (problem.title, problem.kind) == ("Attachment broken.docx", "corrupt")
    assert problem.detail
    notes = next(p for p in view.parts if p.title == "Attachment notes.txt")
    assert marked(notes) == ["Tom Marsh"]
    assert "Attachment broken.docx</strong>: " in rendered(view)


def test_a_huge_part_is_cut_with_a_note_and_its_later_findings_still_listed(
    scanner: Scanner,
) -> None:
    filler = "The weather was fine and nothing of note happened. " * 4_000
    notes = f"Tom Marsh was seen.\n{filler}\nNHS number 943 476 5919.\n".encode()
    view = message_view(scanner, a_report({"notes.txt": notes}))
    part = next(p for p in view.parts if p.title == "Attachment notes.txt")
    assert len(part.text) == PART_LIMIT
    assert part.cut == len(notes) - PART_LIMIT
    assert marked(part) == ["Tom Marsh"]
    late = [f for f in view.findings if f.where == "Attachment notes.txt"]
    assert [(f.text, bool(f.anchor)) for f in late] == [
        ("Tom Marsh", True),
        ("943 476 5919", False),
    ]
    html = rendered(view)
    assert f"The other {part.cut:,} characters of this part are not shown" in html
    assert "943 476 5919” in Attachment notes.txt: valid check digit" in html


def test_bytes_that_are_not_mime_are_shown_as_text_with_controls_replaced(
    scanner: Scanner,
) -> None:
    view = message_view(scanner, b"Ellie Marsh\x00\x07 NHS 943 476 5919 \xff")
    (part,) = view.parts
    assert part.title == "Message body"
    assert "\x00" not in part.text and "\x07" not in part.text
    assert marked(part) == ["Ellie Marsh", "943 476 5919"]
    assert message_view(scanner, b"") == MessageView((), (), None, ())
    assert "The message has no text that could be read." in rendered(message_view(scanner, b""))


def test_an_attached_message_is_a_part_of_its_own(scanner: Scanner) -> None:
    inner = EmailMessage()
    inner["Subject"] = "Earlier"
    inner.set_content("Ellie Marsh missed school again.")
    outer = EmailMessage()
    outer["From"] = "ann.smith@example.police.uk"
    outer["To"] = "safeguarding@greenfield.sch.uk"
    outer.set_content("See below.")
    outer.add_attachment(inner, filename="earlier.eml")
    view = message_view(scanner, outer.as_bytes())
    (forwarded,) = [p for p in view.parts if p.location.startswith("attachment:")]
    assert forwarded.text.startswith("Earlier\n")
    assert marked(forwarded) == ["Ellie Marsh"]
    assert forwarded.title.startswith("Attachment ")


def test_held_html_is_rendered_without_anything_that_runs_styles_or_fetches(
    scanner: Scanner,
) -> None:
    hostile = (
        "<html><head><title>x</title><style>p{color:red}</style>"
        '<link rel="stylesheet" href="https://evil.example/s.css"></head>'
        '<body onload="steal()" background="https://evil.example/bg.png">'
        '<h1 id="f-1">Report</h1><p style="color:red" onclick="steal()" class="x">'
        'On <b>Ellie Marsh</b> <img src="https://evil.example/pixel.gif" alt="logo">'
        '<img src="cid:photo"></p><a href="https://example.org/policy" onmouseover="x()">'
        'policy</a> <a href="javascript:steal()">click</a> <a href="/held/1/release">go</a>'
        '<script>steal()</script><iframe src="https://evil.example/"></iframe>'
        '<form action="/held/1/release"><input name="recipients"></form>'
        '<svg><image href="https://evil.example/i.svg"/></svg></body></html>'
    )
    safe = str(safe_html(hostile))
    for banned in ("<script", "steal", "style", "<img", "evil.example", "id=", "class=", "<h1"):
        assert banned not in safe, banned
    assert not re.search(r"\son\w+=", safe)
    assert "On <b>Ellie Marsh</b> [image: logo][image]" in safe
    assert '<a href="https://example.org/policy" rel="noopener noreferrer">policy</a>' in safe
    assert "<form" not in safe and "/held/1/release" not in safe
    view = message_view(scanner, a_report(html=hostile))
    assert view.html is not None
    assert view.html.strip() == safe_html(hostile)
    assert "<b>Ellie Marsh</b>" in rendered(view)


def test_an_alt_text_cannot_smuggle_markup() -> None:
    safe = str(safe_html('<img alt="&lt;script&gt;x()&lt;/script&gt;" src="https://a/b">'))
    assert "<script" not in safe
    assert safe == "[image: &lt;script&gt;x()&lt;/script&gt;]"


def test_a_message_is_scanned_once_however_many_view_it_at_once(scanner: Scanner) -> None:
    raw = a_report({"referral.docx": REFERRAL})
    cache = ViewCache()
    reads: list[int] = []
    started = threading.Barrier(8)

    def load() -> bytes:
        reads.append(1)
        return raw

    def view() -> None:
        started.wait()
        cache.view("digest", lambda: message_view(scanner, load()))

    threads = [threading.Thread(target=view) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(reads), cache.builds) == (1, 1)
    first = cached_view(scanner, "d1", load)
    assert cached_view(scanner, "d1", load) is first
    assert len(reads) == 2


def test_the_cache_lets_the_least_recently_viewed_go_past_its_size() -> None:
    def of(chars: int) -> MessageView:
        finding = FindingView(1, "named person", "x", "Message body", "", "")
        return MessageView(
            (PartView("body", "Message body", "a" * chars, ()),), (finding,), None, ()
        )

    cache = ViewCache(max_chars=30)
    for digest in ("a", "b"):
        cache.view(digest, lambda: of(10))
    cache.view("a", lambda: of(99))  # a hit: "a" is now the most recently viewed
    cache.view("c", lambda: of(10))
    assert (cache.builds, cache.chars) == (3, 22)
    cache.view("a", lambda: of(10))
    assert cache.builds == 3
    cache.view("b", lambda: of(10))
    assert cache.builds == 4
    cache.view("huge", lambda: of(100))
    cache.view("huge", lambda: of(100))
    assert cache.builds == 6
