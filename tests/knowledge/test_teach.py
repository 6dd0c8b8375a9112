"""Learning what the gateway sent: only to the recipients it delivered, then to those a
release confirms; a retried delivery and a race between two relays count once.

The story: PC Holloway writes about Ellie Marsh (case AB/25/0093) to the school's
safeguarding lead and, by a slip, to the school's governors' list. The gateway delivers
to the safeguarding lead and holds the governors' copy; a reviewer later releases it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from tests.knowledge.test_store import DOMAIN, HOLLOWAY, SCHOOL, dump, features, key, snapshot

from mailwarden.knowledge.features import Keyer
from mailwarden.knowledge.model import FeatureKind
from mailwarden.knowledge.store import KnowledgeStore
from mailwarden.scan import Scanner

GOVERNORS = "governors@greenfield.sch.uk"

TO_SCHOOL_AND_GOVERNORS = f"""\
From: "PC Jane Holloway" <{HOLLOWAY}>
To: "Greenfield Safeguarding" <{SCHOOL}>, "Governors" <{GOVERNORS}>
Subject: Ellie Marsh - AB/25/0093
Date: Mon, 03 Mar 2025 09:00:00 +0000
Message-ID: <slip-1@example.police.uk>

Dear colleagues,

I am the officer in case AB/25/0093. Ellie Marsh was named by two pupils.

Jane Holloway
"""

NEXT_MESSAGE = f"""\
From: "PC Jane Holloway" <{HOLLOWAY}>
To: "Greenfield Safeguarding" <{SCHOOL}>
Subject: RE: Ellie Marsh - AB/25/0093
Date: Tue, 04 Mar 2025 09:00:00 +0000
Message-ID: <slip-2@example.police.uk>
In-Reply-To: <slip-1@example.police.uk>

Ellie Marsh: AB/25/0093 update.
"""


@pytest.fixture
def store(database_url: str, keyer: Keyer) -> Iterator[KnowledgeStore]:
    opened = KnowledgeStore.open(database_url, keyer, [DOMAIN])
    yield opened
    opened.close()


def teach(scanner: Scanner, store: KnowledgeStore, raw: str, *recipients: str) -> bool:
    message, found = features(scanner, store, raw)
    return store.teach(message, found, recipients, raw.encode())


def ellie_correspondents(scanner: Scanner, store: KnowledgeStore) -> frozenset[str]:
    history = snapshot(scanner, store, NEXT_MESSAGE).history(
        key(store, FeatureKind.PERSON, "Ellie Marsh")
    )
    return history.correspondents if history is not None else frozenset()


def test_a_held_recipient_is_not_learned_until_a_release_confirms_it(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    assert teach(scanner, store, TO_SCHOOL_AND_GOVERNORS, SCHOOL)
    assert ellie_correspondents(scanner, store) == {HOLLOWAY, SCHOOL}
    thread = snapshot(scanner, store, NEXT_MESSAGE).thread
    assert thread is not None and GOVERNORS not in thread.participants

    assert teach(scanner, store, TO_SCHOOL_AND_GOVERNORS, GOVERNORS)

    assert ellie_correspondents(scanner, store) == {HOLLOWAY, SCHOOL, GOVERNORS}
    thread = snapshot(scanner, store, NEXT_MESSAGE).thread
    assert thread is not None and {SCHOOL, GOVERNORS} <= thread.participants


def test_a_retried_delivery_changes_nothing(scanner: Scanner, store: KnowledgeStore) -> None:
    assert teach(scanner, store, TO_SCHOOL_AND_GOVERNORS, SCHOOL)
    before = dump(store)

    assert not teach(scanner, store, TO_SCHOOL_AND_GOVERNORS, SCHOOL)
    assert not teach(scanner, store, TO_SCHOOL_AND_GOVERNORS, SCHOOL.upper())

    assert dump(store) == before


def test_a_release_of_an_address_the_headers_do_not_name_teaches_nothing(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    assert teach(scanner, store, TO_SCHOOL_AND_GOVERNORS, SCHOOL)

    assert not teach(scanner, store, TO_SCHOOL_AND_GOVERNORS, "bcc.copy@elsewhere.example")
    assert ellie_correspondents(scanner, store) == {HOLLOWAY, SCHOOL}


def test_two_relays_learning_the_same_messages_at_once_learn_each_once(
    scanner: Scanner, database_url: str, keyer: Keyer
) -> None:
    raws = [
        TO_SCHOOL_AND_GOVERNORS.replace("slip-1@", f"race-{n}@").replace("Marsh", f"Marsh{n}")
        for n in range(12)
    ]
    stores = [KnowledgeStore.open(database_url, keyer, [DOMAIN]) for _ in range(2)]
    prepared = [features(scanner, stores[0], raw) for raw in raws]
    start = threading.Barrier(2)
    results: dict[int, list[bool]] = {}
    errors: list[BaseException] = []

    def relay(index: int) -> None:
        start.wait()
        try:
            results[index] = [
                stores[index].teach(message, found, [SCHOOL], raw.encode())
                for (message, found), raw in zip(prepared, raws, strict=True)
            ]
        except BaseException as exc:  # reported below, with the thread's result
            errors.append(exc)

    threads = [threading.Thread(target=relay, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert [a or b for a, b in zip(results[0], results[1], strict=True)] == [True] * 12
        assert not any(a and b for a, b in zip(results[0], results[1], strict=True))
        assert stores[0].stats().messages == 12
    finally:
        for opened in stores:
            opened.close()
