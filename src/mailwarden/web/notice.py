"""The sender's page behind a hold notice's signed link (`/notice/TOKEN`): what was found and
why each recipient was held; confirm with a reason, or correct a wrong recipient.

The link is the sender's credential (the notice goes only to them), so no login is asked
for; every form still carries the CSRF token of a pre-login session. A link that is forged,
signed with another key, names no hold, or names a hold that is not that sender's gets one
"not a valid link" page (404), revealing nothing; a genuine link past `[gateway] link_days`
gets a page saying so and whom to ask (410). Every action is by the link's sender:

- `GET /notice/{token}`: the page, with the findings marked where they stand (`findings`,
  built once by `viewcache`), recorded as a view (`{"via": "notice"}`);
- `POST /notice/{token}/confirm` (`reason`, a few words): releases the recipients whose
  verdict is confirm and who are still held; those held for review stay for a reviewer;
- `POST /notice/{token}/correct` (`recipient`, `to`): the rules of `correction.py`; a
  corrected copy that is held again gets its own page, where it is sent on.

(No `from __future__ import annotations` here: FastAPI reads the routes' annotations.)
"""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mailwarden.gateway.links import LinkError, LinkExpired
from mailwarden.gateway.notices import VERDICT_WORDS, notice_from
from mailwarden.gateway.release import ReleaseError
from mailwarden.record.audit import Action
from mailwarden.record.holds import Hold, HoldNotFound
from mailwarden.rules.base import Verdict
from mailwarden.web.context import Checked, PageError, Web, WebContext
from mailwarden.web.correction import CorrectionError, carry_out, mail_address
from mailwarden.web.security import Session
from mailwarden.web.viewcache import hold_view

router = APIRouter()

NOT_VALID = "This is not a valid link. Use the link exactly as it is in the notice you were sent."
MIN_REASON_WORDS = 3
MAX_REASON_CHARACTERS = 500


@router.get("/notice/{token}", response_class=HTMLResponse)
def notice(request: Request, web: Web, token: str) -> HTMLResponse:
    hold = _linked(web, token)
    session = web.session_of(request) or Session.new()
    page = _page(web, session, token, hold)
    web.trail.append(hold.sender, Action.VIEW, hold.id, {"via": "notice"})
    return page


@router.post("/notice/{token}/confirm", dependencies=[Checked])
def confirm(
    request: Request, web: Web, token: str, reason: Annotated[str, Form()] = ""
) -> Response:
    hold = _linked(web, token)
    confirmable = [r.address for r in hold.still_held() if r.verdict is Verdict.CONFIRM]
    if not confirmable:
        raise PageError(409, "Nothing on this message is waiting for your confirmation.")
    words = " ".join(reason.split())
    if len(words.split()) < MIN_REASON_WORDS or len(words) > MAX_REASON_CHARACTERS:
        error = (
            f"Say in a few words (at least {MIN_REASON_WORDS}, at most "
            f"{MAX_REASON_CHARACTERS} characters) why the message should go."
        )
        session = web.session_of(request) or Session.new()
        return _page(web, session, token, hold, 422, confirm_error=error, reason=words)
    details = {"recipients": confirmable, "reason": words}
    web.trail.append(hold.sender, Action.CONFIRM, hold.id, details)
    try:
        web.release(hold.id, confirmable, by=hold.sender)
    except ReleaseError as exc:
        raise PageError(502, f"Your message was not sent: {exc}.") from exc
    return RedirectResponse(f"/notice/{token}", status_code=303)


@router.post("/notice/{token}/correct", dependencies=[Checked])
def correct(
    request: Request,
    web: Web,
    token: str,
    recipient: Annotated[str, Form()] = "",
    to: Annotated[str, Form()] = "",
) -> Response:
    hold = _linked(web, token)
    held = {r.address.lower(): r.address for r in hold.still_held()}
    old = held.get(recipient.strip().lower())
    if old is None:
        raise PageError(409, "That recipient is not waiting on this message any more.")
    session = web.session_of(request) or Session.new()
    try:
        outcome = carry_out(web, hold, old, mail_address(to))
    except CorrectionError as exc:
        if exc.status == 422:  # the sender's typing: the page again, to put it right
            return _page(web, session, token, hold, 422, correct_error=(old, str(exc)))
        raise PageError(exc.status, str(exc)) from exc
    if outcome.hold_id and web.links is not None:
        link = web.links.token(outcome.hold_id, hold.sender)
        return RedirectResponse(f"/notice/{link}", status_code=303)
    return web.page(
        "notice_corrected.html",
        session=session,
        user=None,
        token=token,
        old=old,
        outcome=outcome,
        delivered=outcome.verdict is Verdict.DELIVER,
    )


def _linked(web: WebContext, token: str) -> Hold:
    """The hold this token is a genuine, unexpired link to, for its own sender; else the
    refusal (404 for anything not genuine, 410 for an expired link)."""
    if web.links is None:
        raise PageError(404, NOT_VALID)
    try:
        claim = web.links.verify(token, timedelta(days=web.config.gateway.link_days))
    except LinkExpired as exc:
        raise PageError(410, _expired(web)) from exc
    except LinkError as exc:
        raise PageError(404, NOT_VALID) from exc
    try:
        hold = web.quarantine.get(claim.hold_id)
    except HoldNotFound as exc:
        raise PageError(404, NOT_VALID) from exc
    if hold.sender.lower() != claim.sender.lower():
        raise PageError(404, NOT_VALID)
    return hold


def _expired(web: WebContext) -> str:
    days = web.config.gateway.link_days
    return (
        f"This link has expired: the links in hold notices work for {days} "
        f"day{'s' if days != 1 else ''}. To have the message sent or corrected, ask the "
        f"reviewers (write to {notice_from(web.config)}), or log in to mailwarden review "
        "and find it among your held messages."
    )


def _page(
    web: WebContext,
    session: Session,
    token: str,
    hold: Hold,
    status: int = 200,
    confirm_error: str = "",
    reason: str = "",
    correct_error: tuple[str, str] = ("", ""),
) -> HTMLResponse:
    view = hold_view(web.scanner, web.quarantine, hold)
    still = hold.still_held()
    return web.page(
        "notice.html",
        status,
        session=session,
        user=None,
        token=token,
        hold=hold,
        view=view,
        still=still,
        confirmable=[r for r in still if r.verdict is Verdict.CONFIRM],
        for_review=[r for r in still if r.verdict is Verdict.HOLD],
        words=VERDICT_WORDS,
        confirm_error=confirm_error,
        reason=reason,
        correct_error=correct_error,
        min_words=MIN_REASON_WORDS,
        max_reason=MAX_REASON_CHARACTERS,
    )
