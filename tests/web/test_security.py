"""The login limit and the sessions on their own, on SQLite and PostgreSQL, with a clock
the test moves: the limit's three rules (one login from one client; one client across
logins; one login from many clients, sparing the owner's), and sessions that live only as
long as their rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from mailwarden.record import open_record_database
from mailwarden.record.schema import LoginFailureRow, WebSessionRow
from mailwarden.web.security import KEEP_ENDED, LoginLimiter, Session, Sessions


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_record_database(database_url)
    yield engine
    engine.dispose()


def test_five_failures_throttle_that_login_from_that_client_for_the_window(engine: Engine) -> None:
    clock = Clock()
    limiter = LoginLimiter(clock=clock)
    for _ in range(4):
        limiter.failed(engine, "ann", "198.51.100.7")
    assert not limiter.blocked(engine, "ann", "198.51.100.7")
    limiter.failed(engine, "ann", "198.51.100.7")
    assert limiter.blocked(engine, "ann", "198.51.100.7")
    assert not limiter.blocked(engine, "ann", "203.0.113.9"), "the owner, elsewhere"
    assert not limiter.blocked(engine, "bob", "198.51.100.7")
    clock.now += timedelta(minutes=14, seconds=59)
    assert limiter.blocked(engine, "ann", "198.51.100.7")
    clock.now += timedelta(seconds=2)
    assert not limiter.blocked(engine, "ann", "198.51.100.7")


def test_a_client_spraying_logins_is_stopped_for_every_login(engine: Engine) -> None:
    limiter = LoginLimiter(clock=Clock())
    for n in range(29):
        limiter.failed(engine, f"user{n}", "198.51.100.7")
    assert not limiter.blocked(engine, "admin", "198.51.100.7")
    limiter.failed(engine, "user29", "198.51.100.7")
    assert limiter.blocked(engine, "admin", "198.51.100.7")
    assert not limiter.blocked(engine, "admin", "203.0.113.9")


def test_a_login_guessed_from_many_clients_is_throttled_except_where_its_owner_logs_in(
    engine: Engine,
) -> None:
    clock = Clock()
    limiter, sessions = LoginLimiter(clock=clock), Sessions(b"key", 480, clock=clock)
    sessions.begin(engine, "ann", "password", "192.0.2.10")  # Ann's own desk
    for n in range(19):
        limiter.failed(engine, "ann", f"198.51.100.{n}")
    assert not limiter.blocked(engine, "ann", "198.51.100.200")
    limiter.failed(engine, "ann", "198.51.100.19")
    assert limiter.blocked(engine, "ann", "198.51.100.200")
    assert not limiter.blocked(engine, "ann", "192.0.2.10"), "Ann still gets in from her desk"
    assert not limiter.blocked(engine, "bob", "198.51.100.200")
    clock.now += timedelta(minutes=15, seconds=1)
    assert not limiter.blocked(engine, "ann", "198.51.100.200")


def test_a_login_clears_its_clients_failures_for_that_login_only(engine: Engine) -> None:
    limiter = LoginLimiter(per_login_and_client=2, clock=Clock())
    limiter.failed(engine, "ann", "192.0.2.10")
    limiter.failed(engine, "ann", "198.51.100.7")
    limiter.succeeded(engine, "ann", "192.0.2.10")
    limiter.failed(engine, "ann", "192.0.2.10")
    assert not limiter.blocked(engine, "ann", "192.0.2.10")
    limiter.failed(engine, "ann", "198.51.100.7")
    assert limiter.blocked(engine, "ann", "198.51.100.7")


def test_failures_past_the_window_are_deleted_now_and_then(engine: Engine) -> None:
    clock = Clock()
    LoginLimiter(clock=clock).failed(engine, "ann", "198.51.100.7")
    clock.now += timedelta(minutes=16)
    LoginLimiter(clock=clock).failed(engine, "bob", "198.51.100.7")  # a new process tidies
    with engine.connect() as conn:
        assert conn.execute(select(LoginFailureRow.login)).scalars().all() == ["bob"]


def test_a_session_lives_as_long_as_its_row(engine: Engine) -> None:
    clock = Clock()
    sessions = Sessions(b"key", minutes=10, clock=clock)
    session = sessions.begin(engine, "reviewer", "password", "192.0.2.10")
    cookie = sessions.dump(session)
    assert sessions.load(engine, cookie) == session
    with engine.connect() as conn:
        (row,) = conn.execute(select(WebSessionRow)).all()
    assert session.id not in (row.id, cookie) and len(row.id) == 64, "the row keeps a hash"
    assert (row.login, row.via, row.client) == ("reviewer", "password", "192.0.2.10")
    clock.now += timedelta(minutes=10)
    assert sessions.load(engine, cookie) is None, "expired"
    clock.now -= timedelta(minutes=5)
    assert sessions.load(engine, cookie) == session
    sessions.end(engine, session)
    assert sessions.load(engine, cookie) is None, "ended"


def test_a_cookie_is_nothing_if_forged_or_signed_with_another_key(engine: Engine) -> None:
    sessions = Sessions(b"key", minutes=10)
    session = sessions.begin(engine, "reviewer", "password", "192.0.2.10")
    cookie = sessions.dump(session)
    assert Sessions(b"another key", minutes=10).load(engine, cookie) is None
    tampered = ("A" if cookie[0] != "A" else "B") + cookie[1:]
    assert sessions.load(engine, tampered) is None
    assert sessions.load(engine, "") is None
    unknown = Session("reviewer", session.csrf, "an ID no login made")
    assert sessions.load(engine, sessions.dump(unknown)) is None


def test_a_pre_login_session_is_its_cookie_alone(engine: Engine) -> None:
    sessions = Sessions(b"key", minutes=10)
    session = Session.new()
    assert sessions.load(engine, sessions.dump(session)) == session
    assert session.login == "" and session.id == ""
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(WebSessionRow)).scalar() == 0
    assert session.csrf_ok(session.csrf)
    assert not session.csrf_ok("")
    assert not session.csrf_ok(None)
    assert not session.csrf_ok(Session.new().csrf)


def test_rows_a_month_past_their_end_are_deleted_at_a_later_login(engine: Engine) -> None:
    clock = Clock()
    old = Sessions(b"key", minutes=10, clock=clock)
    old.end(engine, old.begin(engine, "ann", "password", "192.0.2.10"))
    old.begin(engine, "bob", "oidc", "192.0.2.11")  # expires in 10 minutes, never ended
    clock.now += KEEP_ENDED + timedelta(minutes=11)
    Sessions(b"key", minutes=10, clock=clock).begin(engine, "dpo", "password", "192.0.2.12")
    with engine.connect() as conn:
        assert conn.execute(select(WebSessionRow.login)).scalars().all() == ["dpo"]
