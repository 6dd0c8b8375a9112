"""The data protection officer's breach workflow (`/breaches`): open a breach from a
delivered message mailwarden recorded, from an uploaded message file (read, never kept) or
by hand; see what is known, the people named and the children among them, and the 72-hour
clock; answer the regulator's questions, work the tasks, edit the drafts; export it as PDF
or JSON. DPOs and admins only; every step is in the audit trail (`record.breaches`).

(No `from __future__ import annotations` here: FastAPI reads the routes' annotations.)
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from mailwarden.breach.clock import parse_moment, shown
from mailwarden.breach.drafts import Drafts, drafted, edited, redrafted
from mailwarden.breach.export import breach_json
from mailwarden.breach.facts import Facts, Source, facts_from_sent, facts_of
from mailwarden.breach.opening import opening, with_person
from mailwarden.breach.pdf import breach_pdf
from mailwarden.breach.questions import QUESTIONS, answers_from, risk_hint
from mailwarden.breach.state import NEXT, BreachState
from mailwarden.record.audit import Action
from mailwarden.record.breaches import Breach, BreachNotFound, BreachStateError, BreachStore
from mailwarden.record.sent import SentNotFound, SentRecipient, SentStore, kept_findings
from mailwarden.web.accounts import Role, User
from mailwarden.web.context import Checked, PageError, Viewer, Web, WebContext
from mailwarden.web.security import Session

router = APIRouter()
BREACH_ROLES = frozenset({Role.DPO, Role.ADMIN})
FUTURE_SLACK = timedelta(minutes=5)
"""How far ahead of the server's clock an "aware at" time may be (clocks differ a little)."""
STATE_BUTTONS = {
    BreachState.REPORTED: "Mark as reported to the regulator",
    BreachState.CLOSED: "Close the breach",
    BreachState.OPEN: "Reopen the breach",
}


async def form_fields(request: Request) -> dict[str, str]:
    """A posted form's text fields (the last value of each)."""
    form = await request.form()
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


Fields = Annotated[dict[str, str], Depends(form_fields)]


def dpo(who: Viewer) -> tuple[User, Session]:
    """The viewer, if a DPO or an admin; else 403."""
    user, _ = who
    if user.role not in BREACH_ROLES:
        raise PageError(403, "Only a data protection officer or an admin may work on breaches.")
    return who


Dpo = Annotated[tuple[User, Session], Depends(dpo)]


@router.get("/breaches", response_class=HTMLResponse)
def breaches(who: Dpo, web: Web) -> HTMLResponse:
    user, session = who
    return web.page(
        "breaches.html",
        session=session,
        user=user,
        breaches=BreachStore(web.engine).list(),
        now=datetime.now(UTC),
        shown=shown,
    )


@router.get("/breaches/new", response_class=HTMLResponse)
def new_breach(who: Dpo, web: Web, search: str = "") -> HTMLResponse:
    user, session = who
    now = datetime.now(UTC)
    found = SentStore(web.engine).search(search.strip(), limit=20)
    domains = web.config.organisation.domains
    return web.page(
        "breach_new.html",
        session=session,
        user=user,
        search=search,
        found=[(sent, facts_from_sent(sent, domains)) for sent in found],
        now_field=now.strftime("%Y-%m-%dT%H:%M"),
        shown=shown,
    )


@router.post("/breaches/new/sent", dependencies=[Checked])
def open_from_sent(
    who: Dpo,
    web: Web,
    sent_id: Annotated[int, Form()],
    aware_at: Annotated[str, Form()],
    title: Annotated[str, Form()] = "",
    wrong: Annotated[list[str] | None, Form()] = None,
) -> RedirectResponse:
    try:
        sent = SentStore(web.engine).get(sent_id)
    except SentNotFound as exc:
        raise PageError(404, "There is no delivered message with this ID.") from exc
    facts = facts_from_sent(sent, web.config.organisation.domains)
    chosen = {a.lower() for a in wrong or []}
    recipients = tuple(replace(r, wrong=r.address.lower() in chosen) for r in facts.recipients)
    facts = replace(facts, recipients=recipients)
    default = f"Email sent to the wrong recipient on {shown(sent.delivered_at)}"
    breach = _open(web, who[0], facts, title or default, aware_at, sent_id)
    return RedirectResponse(f"/breaches/{breach.id}", status_code=303)


@router.post("/breaches/new/upload", dependencies=[Checked])
def open_from_upload(
    who: Dpo,
    web: Web,
    message: UploadFile,
    aware_at: Annotated[str, Form()],
    title: Annotated[str, Form()] = "",
) -> RedirectResponse:
    limit = web.config.limits.max_message_bytes
    raw = message.file.read(limit + 1)
    if not raw:
        raise PageError(400, "The file is empty: choose the message file (.eml) to read.")
    if len(raw) > limit:
        raise PageError(413, f"The file is larger than the {limit:,} bytes a message may be.")
    report = web.scanner.scan_bytes(raw, source=message.filename or "upload")
    parsed = report.message
    facts = facts_of(
        kept_findings(report.findings, report.segments),
        source=Source.UPLOAD,
        sender=parsed.sender.address if parsed.sender else "",
        subject=parsed.subject,
        message_id=parsed.message_id,
        sent_at=parsed.date,
        recipients=[SentRecipient(r.mailbox.address, r.field.value) for r in parsed.recipients],
        internal=web.config.organisation.domains,
    )
    breach = _open(web, who[0], facts, title or "Breach from a message file", aware_at, None)
    return RedirectResponse(f"/breaches/{breach.id}", status_code=303)


@router.post("/breaches/new/hand", dependencies=[Checked])
def open_by_hand(
    who: Dpo,
    web: Web,
    title: Annotated[str, Form()],
    aware_at: Annotated[str, Form()],
    what_happened: Annotated[str, Form()] = "",
) -> RedirectResponse:
    if not title.strip():
        raise PageError(400, "Give the breach a title.")
    breach = _open(web, who[0], Facts(), title, aware_at, None, what_happened.strip())
    return RedirectResponse(f"/breaches/{breach.id}", status_code=303)


@router.get("/breaches/{breach_id}.json")
def export_json(who: Dpo, web: Web, breach_id: int) -> JSONResponse:
    breach = _breach(web, breach_id)
    BreachStore(web.engine).exported(breach_id, "json", who[0].login)
    return JSONResponse(
        breach_json(breach, datetime.now(UTC)),
        headers={"Content-Disposition": f'attachment; filename="breach-{breach_id}.json"'},
    )


@router.get("/breaches/{breach_id}.pdf")
def export_pdf(who: Dpo, web: Web, breach_id: int) -> Response:
    breach = _breach(web, breach_id)
    pdf = breach_pdf(breach, datetime.now(UTC), web.config.organisation.name)
    BreachStore(web.engine).exported(breach_id, "pdf", who[0].login)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="breach-{breach_id}.pdf"'},
    )


@router.get("/breaches/{breach_id}", response_class=HTMLResponse)
def breach_page(who: Dpo, web: Web, breach_id: int) -> HTMLResponse:
    user, session = who
    breach = _breach(web, breach_id)
    web.trail.append(user.login, Action.VIEW, breach.subject, {"role": user.role.value})
    now = datetime.now(UTC)
    return web.page(
        "breach.html",
        session=session,
        user=user,
        breach=breach,
        reading=breach.clock.at(now),
        now=now,
        questions=QUESTIONS,
        hint=risk_hint(breach.facts),
        next_states=[(s, STATE_BUTTONS[s]) for s in STATE_BUTTONS if s in NEXT[breach.state]],
        shown=shown,
        field=_field,
    )


@router.post("/breaches/{breach_id}/answers", dependencies=[Checked])
def save_answers(who: Dpo, web: Web, breach_id: int, fields: Fields) -> RedirectResponse:
    breach = _breach(web, breach_id)
    answers = answers_from(fields)
    drafts = redrafted(breach.drafts, _drafted(web, breach.facts, answers, breach.aware_at))
    BreachStore(web.engine).save_answers(breach_id, answers, drafts, who[0].login)
    return _back(breach_id, "questions")


@router.post("/breaches/{breach_id}/drafts", dependencies=[Checked])
def save_drafts(who: Dpo, web: Web, breach_id: int, fields: Fields) -> RedirectResponse:
    breach = _breach(web, breach_id)
    drafts = edited(breach.drafts, fields)
    BreachStore(web.engine).save_drafts(breach_id, drafts, who[0].login)
    return _back(breach_id, "drafts")


@router.post("/breaches/{breach_id}/people", dependencies=[Checked])
def add_person(
    who: Dpo,
    web: Web,
    breach_id: int,
    name: Annotated[str, Form()],
    child: Annotated[str, Form()] = "",
) -> RedirectResponse:
    breach = _breach(web, breach_id)
    if not name.strip():
        raise PageError(400, "Give the person's name.")
    facts = with_person(breach.facts, name, bool(child))
    drafts = redrafted(breach.drafts, _drafted(web, facts, breach.answers, breach.aware_at))
    BreachStore(web.engine).save_facts(breach_id, facts, drafts, who[0].login)
    return _back(breach_id, "people")


@router.post("/breaches/{breach_id}/tasks", dependencies=[Checked])
def add_task(
    who: Dpo,
    web: Web,
    breach_id: int,
    title: Annotated[str, Form()],
    owner: Annotated[str, Form()] = "",
    due_at: Annotated[str, Form()] = "",
) -> RedirectResponse:
    _breach(web, breach_id)
    if not title.strip():
        raise PageError(400, "Say what the task is.")
    store = BreachStore(web.engine)
    store.add_task(breach_id, title, owner.strip() or who[0].login, _moment(due_at), who[0].login)
    return _back(breach_id, "tasks")


@router.post("/breaches/{breach_id}/tasks/{task_id}", dependencies=[Checked])
def update_task(
    who: Dpo,
    web: Web,
    breach_id: int,
    task_id: int,
    owner: Annotated[str, Form()] = "",
    due_at: Annotated[str, Form()] = "",
    done: Annotated[str, Form()] = "",
) -> RedirectResponse:
    try:
        BreachStore(web.engine).update_task(
            breach_id,
            task_id,
            owner=owner,
            due_at=_moment(due_at),
            done=bool(done),
            by=who[0].login,
        )
    except BreachNotFound as exc:
        raise PageError(404, "There is no such task in this breach.") from exc
    return _back(breach_id, "tasks")


@router.post("/breaches/{breach_id}/state", dependencies=[Checked])
def change_state(
    who: Dpo, web: Web, breach_id: int, state: Annotated[str, Form()]
) -> RedirectResponse:
    _breach(web, breach_id)
    try:
        BreachStore(web.engine).set_state(breach_id, BreachState(state), who[0].login)
    except ValueError as exc:  # BreachStateError, or no such state
        message = str(exc) if isinstance(exc, BreachStateError) else "There is no such state."
        raise PageError(409, message) from exc
    return _back(breach_id, "clock")


def _open(
    web: WebContext,
    user: User,
    facts: Facts,
    title: str,
    aware_text: str,
    sent_id: int | None,
    what_happened: str = "",
) -> Breach:
    now = datetime.now(UTC)
    aware_at = _moment(aware_text) or now
    if aware_at > now + FUTURE_SLACK:
        raise PageError(400, "The time the organisation became aware cannot be in the future.")
    start = opening(facts, user.login, now, aware_at, web.config.organisation.name)
    answers, drafts = start.answers, start.drafts
    if what_happened:
        answers = {**answers, "what_happened": what_happened}
        drafts = _drafted(web, facts, answers, aware_at)
    return BreachStore(web.engine).open(
        title=title,
        aware_at=aware_at,
        by=user.login,
        facts=facts,
        answers=answers,
        drafts=drafts,
        tasks=start.tasks,
        sent_message_id=sent_id,
    )


def _drafted(web: WebContext, facts: Facts, answers: dict[str, str], aware_at: datetime) -> Drafts:
    return drafted(facts, answers, aware_at, web.config.organisation.name)


def _breach(web: WebContext, breach_id: int) -> Breach:
    try:
        return BreachStore(web.engine).get(breach_id)
    except BreachNotFound as exc:
        raise PageError(404, "There is no breach with this ID.") from exc


def _moment(text: str) -> datetime | None:
    try:
        return parse_moment(text)
    except ValueError as exc:
        raise PageError(400, f"{text!r} is not a date and time (YYYY-MM-DDTHH:MM).") from exc


def _field(moment: datetime | None) -> str:
    """A moment as a datetime-local field's value (UTC)."""
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def _back(breach_id: int, section: str) -> RedirectResponse:
    return RedirectResponse(f"/breaches/{breach_id}#{section}", status_code=303)
