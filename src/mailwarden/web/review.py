"""The reviewer's pages: the queue of held messages, one held message (its findings marked
where they stand, `findings`, built once by `viewcache`), and the decisions on it
(release to chosen recipients, reject, return to the sender), each recorded in the audit
trail. A sender sees only their own holds and decides none.

(No `from __future__ import annotations` here: FastAPI reads the routes' annotations.)
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse

from mailwarden.gateway.release import ReleaseError
from mailwarden.record.audit import Action
from mailwarden.record.holds import RecipientState
from mailwarden.web.accounts import User
from mailwarden.web.context import Checked, PageError, Viewer, Web, WebContext, require_reviewer
from mailwarden.web.queue import PAGE_SIZE, QueueFilter, queue_page
from mailwarden.web.viewcache import hold_view

router = APIRouter()
STATES = {
    "held": RecipientState.HELD,
    "released": RecipientState.RELEASED,
    "rejected": RecipientState.REJECTED,
    "returned": RecipientState.RETURNED,
    "all": None,
}


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue", response_class=HTMLResponse)
def queue(
    who: Viewer, web: Web, state: str = "held", search: str = "", page_number: int = 0
) -> HTMLResponse:
    user, session = who
    if state not in STATES:
        raise PageError(400, f"There is no state {state!r}.")
    chosen = QueueFilter(STATES[state], search.strip(), None if user.reviews else user.login)
    holds, more = queue_page(web.quarantine, chosen, max(page_number, 0))
    return web.page(
        "queue.html",
        session=session,
        user=user,
        holds=holds,
        more=more,
        state=state,
        states=list(STATES),
        search=search,
        page_number=page_number,
        now=datetime.now(UTC),
        target=web.target,
        age=_age,
        size=PAGE_SIZE,
    )


@router.get("/held/{hold_id}", response_class=HTMLResponse)
def held(who: Viewer, web: Web, hold_id: str) -> HTMLResponse:
    user, session = who
    hold = web.visible_hold(user, hold_id)
    view = hold_view(web.scanner, web.quarantine, hold)
    web.trail.append(user.login, Action.VIEW, hold_id, {"role": user.role.value})
    return web.page("held.html", session=session, user=user, hold=hold, view=view, message="")


@router.post("/held/{hold_id}/release", dependencies=[Checked])
def release_to(
    who: Viewer, web: Web, hold_id: str, recipients: Annotated[list[str], Form()]
) -> RedirectResponse:
    user, _ = who
    require_reviewer(user)
    web.visible_hold(user, hold_id)
    try:
        web.release(hold_id, recipients, by=user.login)
    except ReleaseError as exc:
        raise PageError(409, str(exc)) from exc
    return RedirectResponse(f"/held/{hold_id}", status_code=303)


@router.post("/held/{hold_id}/reject", dependencies=[Checked])
def reject(
    who: Viewer,
    web: Web,
    hold_id: str,
    recipients: Annotated[list[str], Form()],
    note: Annotated[str, Form()] = "",
) -> RedirectResponse:
    return _decide(web, who[0], hold_id, recipients, RecipientState.REJECTED, Action.REJECT, note)


@router.post("/held/{hold_id}/return", dependencies=[Checked])
def return_to_sender(
    who: Viewer,
    web: Web,
    hold_id: str,
    recipients: Annotated[list[str], Form()],
    note: Annotated[str, Form()] = "",
) -> RedirectResponse:
    return _decide(web, who[0], hold_id, recipients, RecipientState.RETURNED, Action.RETURN, note)


def _decide(
    web: WebContext,
    user: User,
    hold_id: str,
    recipients: list[str],
    state: RecipientState,
    action: Action,
    note: str,
) -> RedirectResponse:
    require_reviewer(user)
    hold = web.visible_hold(user, hold_id)
    held = {r.address.lower() for r in hold.still_held()}
    chosen = [a for a in recipients if a.lower() in held]
    if not chosen:
        raise PageError(409, "None of the chosen recipients is still held.")
    web.quarantine.mark(hold_id, chosen, state, user.login, note.strip())
    web.trail.append(user.login, action, hold_id, {"recipients": chosen})
    return RedirectResponse(f"/held/{hold_id}", status_code=303)


def _age(now: datetime, then: datetime) -> timedelta:
    return now - then
