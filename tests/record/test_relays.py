"""Several relays share one PostgreSQL and one quarantine folder and keep no state of their
own: separate processes open a new database and hold messages at the same moment, and
every hold is there once, with its file."""

from __future__ import annotations

import hashlib
import multiprocessing
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import alembic.command  # noqa: F401  loaded before the fork, so the relays race to migrate
from tests.postgres import PostgresServer

from mailwarden.gateway.quarantine import Quarantine
from mailwarden.record import HeldRecipient
from mailwarden.rules.base import Verdict

RELAYS = 3
HOLDS_EACH = 40


def _message(relay: int, n: int) -> bytes:
    return f"Subject: {relay}/{n}\r\n\r\nbody {relay} {n}\r\n".encode()


def _relay(number: int, folder: Path, url: str, start: Barrier, out: Queue[object]) -> None:
    """One relay process: open the quarantine with the others, then hold its messages."""
    try:
        start.wait()
        with Quarantine(folder, url, relay=f"relay{number}.example.police.uk") as quarantine:
            ids = []
            for n in range(HOLDS_EACH):
                recipient = HeldRecipient(f"r{n}@example.net", Verdict.HOLD, ("marked",))
                ids.append(
                    quarantine.hold(_message(number, n), "ann@example.police.uk", [recipient])
                )
        out.put((number, ids))
    except BaseException as exc:
        out.put((number, repr(exc)))


def test_relays_open_and_hold_at_once_on_one_postgresql(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.create_database()
    folder = tmp_path / "shared-quarantine"
    context = multiprocessing.get_context("fork")
    start, out = context.Barrier(RELAYS), context.Queue()
    processes = [
        context.Process(target=_relay, args=(n, folder, url, start, out)) for n in range(RELAYS)
    ]
    for process in processes:
        process.start()
    results = dict(out.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(30)
    assert all(isinstance(ids, list) for ids in results.values()), results
    expected = {
        hold_id: _message(relay, n)
        for relay, ids in results.items()
        for n, hold_id in enumerate(ids)  # type: ignore[arg-type]
    }
    assert len(expected) == RELAYS * HOLDS_EACH
    with Quarantine(folder, url, relay="reviewer") as quarantine:
        holds = quarantine.held()
        assert sorted(h.id for h in holds) == sorted(expected)
        for hold in holds:
            assert quarantine.message(hold.id) == expected[hold.id]
            assert hold.digest == hashlib.sha256(expected[hold.id]).hexdigest()
    assert {h.relay for h in holds} == {f"relay{n}.example.police.uk" for n in range(RELAYS)}
