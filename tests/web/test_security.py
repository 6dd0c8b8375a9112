"""The login limit and the session cookie on their own, with a clock the test moves."""

from __future__ import annotations

from mailwarden.web.security import LoginLimiter, Session, Sessions


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_block_a_login_for_the_window_and_no_other() -> None:
    clock = Clock()
    limiter = LoginLimiter(failures=5, window=900, clock=clock)
    for _ in range(4):
        limiter.failed("ann")
    assert not limiter.blocked("ann")
    limiter.failed("ann")
    assert limiter.blocked("ann")
    assert not limiter.blocked("bob")
    clock.now += 899
    assert limiter.blocked("ann")
    clock.now += 2
    assert not limiter.blocked("ann")


def test_a_success_clears_the_failures() -> None:
    limiter = LoginLimiter(failures=2, window=900, clock=Clock())
    limiter.failed("ann")
    limiter.succeeded("ann")
    limiter.failed("ann")
    assert not limiter.blocked("ann")


def test_logins_sprayed_at_random_are_forgotten_once_stale() -> None:
    from mailwarden.web import security

    clock = Clock()
    limiter = LoginLimiter(failures=5, window=900, clock=clock)
    for n in range(security.TRACKED_LOGINS):
        limiter.failed(f"spray-{n}")
    clock.now += 901
    limiter.failed("ann")
    limiter.failed("ann-2")
    assert len(limiter._failed) == 2


def test_a_session_survives_its_cookie_and_nothing_else_does() -> None:
    sessions = Sessions(b"key", minutes=10)
    session = Session.new("reviewer")
    cookie = sessions.dump(session)
    assert sessions.load(cookie) == session
    assert Sessions(b"another key", minutes=10).load(cookie) is None
    tampered = ("A" if cookie[0] != "A" else "B") + cookie[1:]
    assert sessions.load(tampered) is None
    assert sessions.load("") is None
    assert session.csrf_ok(session.csrf)
    assert not session.csrf_ok("")
    assert not session.csrf_ok(None)
    assert not session.csrf_ok(Session.new("reviewer").csrf)
