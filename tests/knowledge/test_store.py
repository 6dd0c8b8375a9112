"""The knowledge store, as the scanner and the rules rely on it, on SQLite and PostgreSQL.

The seed case: PC Jane Holloway writes to Greenfield School's safeguarding lead about
case AB/25/0093 and the pupil Ellie Marsh, with her colleague DS Owen Lacey copied in
on the school's reply; separately, Mr Rakesh Patel, a member of the public, writes to
her about the damage to his car, case AB/25/0071, and she answers him. Then she starts
a reply in Mr Patel's thread that carries Ellie Marsh and AB/25/0093: the store must
show that those were discussed with the school and colleagues, never with him.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy import event, inspect, select, text

from mailwarden.knowledge.features import Keyer, MessageFeatures, features_of, normalise
from mailwarden.knowledge.model import FeatureKind, Knowledge
from mailwarden.knowledge.records import CaseRecord, DirectoryEntry
from mailwarden.knowledge.schema import CorrespondentRow, metadata
from mailwarden.knowledge.store import Direction, KnowledgeStore
from mailwarden.message.model import Message
from mailwarden.message.parse import parse_message
from mailwarden.scan import Scanner

DOMAIN = "example.police.uk"
HOLLOWAY = "j.holloway@example.police.uk"
LACEY = "o.lacey@example.police.uk"
SCHOOL = "safeguarding@greenfield.sch.uk"
PATEL = "r.patel@gmail.com"

TO_SCHOOL = f"""\
From: "PC Jane Holloway" <{HOLLOWAY}>
To: "Greenfield Safeguarding" <{SCHOOL}>
Subject: Ellie Marsh - AB/25/0093
Date: Mon, 03 Mar 2025 09:00:00 +0000
Message-ID: <school-1@example.police.uk>

Dear colleague,

I am the officer in case AB/25/0093. Ellie Marsh (NHS 485 777 3457) was named by two
pupils in the incident on Friday. Could you send me the school's report?

Kind regards
Jane Holloway
"""

SCHOOL_REPLY = f"""\
From: "Greenfield Safeguarding" <{SCHOOL}>
To: "PC Jane Holloway" <{HOLLOWAY}>
Cc: "DS Owen Lacey" <{LACEY}>, "Governors" <governors@greenfield.sch.uk>
Subject: RE: Ellie Marsh - AB/25/0093
Date: Mon, 03 Mar 2025 14:30:00 +0000
Message-ID: <reply-9@greenfield.sch.uk>
In-Reply-To: <school-1@example.police.uk>
References: <school-1@example.police.uk>

Dear Jane,

Our report on Ellie Marsh for AB/25/0093 is attached to the MyConcern record.

Greenfield Safeguarding Team
"""

FROM_PATEL = f"""\
From: "Rakesh Patel" <{PATEL}>
To: "PC Jane Holloway" <{HOLLOWAY}>
Subject: Damage to my car
Date: Tue, 04 Mar 2025 08:10:00 +0000
Message-ID: <CAF123@mail.gmail.com>

Hello,

Any news on crime reference AB/25/0071? The car is still at the garage.

Rakesh Patel
"""

TO_PATEL = f"""\
From: "PC Jane Holloway" <{HOLLOWAY}>
To: "Rakesh Patel" <{PATEL}>
Subject: RE: Damage to my car
Date: Tue, 04 Mar 2025 11:00:00 +0000
Message-ID: <patel-2@example.police.uk>
In-Reply-To: <CAF123@mail.gmail.com>
References: <CAF123@mail.gmail.com>

Dear Mr Patel,

Crime AB/25/0071 is with the investigating team; I will update you on Friday.

Kind regards
Jane Holloway
"""

HISTORY = (TO_SCHOOL, SCHOOL_REPLY, FROM_PATEL, TO_PATEL)

WRONG_REPLY = f"""\
From: "PC Jane Holloway" <{HOLLOWAY}>
To: "Rakesh Patel" <{PATEL}>
Subject: RE: Damage to my car
Date: Wed, 05 Mar 2025 16:45:00 +0000
Message-ID: <patel-3@example.police.uk>
In-Reply-To: <patel-2@example.police.uk>
References: <CAF123@mail.gmail.com> <patel-2@example.police.uk>

Hello,

Update on AB/25/0093: Ellie Marsh and the other pupils were spoken to today.

Jane Holloway
"""

PLAIN_TEXTS = (
    "Ellie",
    "Marsh",
    "ellie marsh",
    "AB/25/0093",
    "AB250093",
    "AB/25/0071",
    "AB250071",
    "485 777 3457",
    "4857773457",
    "Damage to my car",
    "damage to my car",
    "MyConcern",
)
"""What the mail says about cases and people: none of it may be stored."""


@pytest.fixture
def store(database_url: str, keyer: Keyer) -> Iterator[KnowledgeStore]:
    opened = KnowledgeStore.open(database_url, keyer, [DOMAIN])
    yield opened
    opened.close()


def features(scanner: Scanner, store: KnowledgeStore, raw: str) -> tuple[Message, MessageFeatures]:
    """The message and its features as the scan pipeline makes them."""
    report = scanner.scan_bytes(raw.encode())
    return report.message, features_of(report.message, report.findings, store.keyer)


def learn_all(scanner: Scanner, store: KnowledgeStore, *raws: str) -> list[bool]:
    return [store.learn(*features(scanner, store, raw), raw=raw.encode()) for raw in raws]


def key(store: KnowledgeStore, kind: FeatureKind, text: str) -> str:
    return store.keyer.key(kind, normalise(kind, text))


def snapshot(scanner: Scanner, store: KnowledgeStore, raw: str) -> Knowledge:
    return store.knowledge_for(*features(scanner, store, raw))


def dump(store: KnowledgeStore) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a stable order."""
    tables: dict[str, list[tuple[object, ...]]] = {}
    with store.engine.connect() as conn:
        for name in sorted(inspect(conn).get_table_names()):
            rows = conn.execute(text(f"SELECT * FROM {name}")).all()
            tables[name] = sorted((tuple(row) for row in rows), key=repr)
    return tables


# ---- the seed case ------------------------------------------------------------------------


def test_a_reply_in_one_case_thread_shows_whom_the_other_case_was_discussed_with(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    assert learn_all(scanner, store, *HISTORY) == [True, True, True, True]

    known = snapshot(scanner, store, WRONG_REPLY)

    ellie = known.history(key(store, FeatureKind.PERSON, "Ellie Marsh"))
    school_case = known.history(key(store, FeatureKind.CASE, "AB/25/0093"))
    car_case = key(store, FeatureKind.CASE, "AB/25/0071")
    assert ellie is not None and school_case is not None
    assert ellie.correspondents == {HOLLOWAY, SCHOOL, LACEY}
    assert school_case.correspondents == {HOLLOWAY, SCHOOL, LACEY}
    assert PATEL not in ellie.correspondents
    assert ellie.kind is FeatureKind.PERSON and ellie.messages == 2
    assert school_case.key in ellie.cases
    assert car_case not in ellie.cases

    assert known.thread is not None
    assert known.thread.message_ids == ("<CAF123@mail.gmail.com>", "<patel-2@example.police.uk>")
    assert known.thread.participants == {HOLLOWAY, PATEL}
    assert known.thread.cases == {car_case}
    assert school_case.key not in known.thread.keys

    patel = known.correspondent(PATEL)
    assert patel is not None and patel.known and not patel.internal
    assert (patel.sent_to, patel.received_from) == (1, 1)
    assert patel.display_names == ("Rakesh Patel",)
    holloway = known.correspondent(HOLLOWAY)
    assert holloway is not None and holloway.internal
    assert known.similar == {}


def test_the_school_gets_its_own_case_and_the_car_owner_his(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    learn_all(scanner, store, *HISTORY)
    to_school = TO_SCHOOL.replace("school-1@", "school-5@").replace("Friday", "Monday")
    to_patel = TO_PATEL.replace("patel-2@", "patel-7@")

    school_view = snapshot(scanner, store, to_school)
    patel_view = snapshot(scanner, store, to_patel)

    school_case = school_view.history(key(store, FeatureKind.CASE, "AB/25/0093"))
    car_case = patel_view.history(key(store, FeatureKind.CASE, "AB/25/0071"))
    assert school_case is not None and SCHOOL in school_case.correspondents
    assert car_case is not None and car_case.correspondents == {HOLLOWAY, PATEL}


def test_incoming_mail_ties_the_sender_and_our_own_recipients_not_other_outsiders(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    learn_all(scanner, store, SCHOOL_REPLY)

    known = snapshot(scanner, store, SCHOOL_REPLY.replace("reply-9@", "reply-10@"))

    assert store.direction_of(parse_message(SCHOOL_REPLY.encode())) is Direction.INCOMING
    ellie = known.history(key(store, FeatureKind.PERSON, "Ellie Marsh"))
    assert ellie is not None
    assert ellie.correspondents == {SCHOOL, HOLLOWAY, LACEY}
    lacey = known.correspondent(LACEY)
    assert lacey is not None and lacey.internal
    assert known.correspondent("governors@greenfield.sch.uk") is None
    school = known.correspondent(SCHOOL)
    assert school is not None and (school.sent_to, school.received_from) == (0, 1)


# ---- idempotency and threads --------------------------------------------------------------


def test_learning_the_same_message_twice_changes_nothing(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    learn_all(scanner, store, *HISTORY)
    before = dump(store)

    assert learn_all(scanner, store, *HISTORY) == [False] * len(HISTORY)

    assert dump(store) == before
    assert store.stats().messages == len(HISTORY)


def test_a_batch_that_repeats_a_message_learns_it_once(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    from mailwarden.knowledge.store import Learnable, message_digest

    message, found = features(scanner, store, TO_PATEL)
    item = Learnable(message, found, message_digest(message))

    assert store.learn_many([item, item]) == [True, False]
    patel = store.knowledge_for(message, found).correspondent(PATEL)
    assert patel is not None and patel.sent_to == 1


def test_a_message_without_message_id_is_known_by_its_bytes(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    bare = "\n".join(line for line in FROM_PATEL.splitlines() if "Message-ID" not in line)
    assert learn_all(scanner, store, bare, bare) == [True, False]
    edited = bare.replace("still at the garage", "back from the garage")
    assert learn_all(scanner, store, edited) == [True]


def test_a_reply_learned_before_what_it_answers_joins_its_thread(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    learn_all(scanner, store, TO_PATEL, FROM_PATEL)  # the answer first, as an archive may

    known = snapshot(scanner, store, WRONG_REPLY)

    assert known.thread is not None
    assert known.thread.message_ids == ("<CAF123@mail.gmail.com>", "<patel-2@example.police.uk>")
    assert store.stats().threads == 1


def test_two_threads_a_message_joins_become_one(scanner: Scanner, store: KnowledgeStore) -> None:
    learn_all(scanner, store, TO_SCHOOL, FROM_PATEL)
    assert store.stats().threads == 2
    joining = TO_PATEL.replace(
        "References: <CAF123@mail.gmail.com>",
        "References: <school-1@example.police.uk> <CAF123@mail.gmail.com>",
    )

    learn_all(scanner, store, joining)

    assert store.stats().threads == 1
    known = snapshot(scanner, store, WRONG_REPLY)
    assert known.thread is not None
    assert known.thread.participants == {HOLLOWAY, SCHOOL, PATEL}
    assert key(store, FeatureKind.CASE, "AB/25/0093") in known.thread.cases


def test_a_new_message_has_no_thread(scanner: Scanner, store: KnowledgeStore) -> None:
    learn_all(scanner, store, *HISTORY)
    assert snapshot(scanner, store, FROM_PATEL.replace("CAF123@", "CAF999@")).thread is None


# ---- look-alikes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recipient", "looks_like"),
    [
        ('"Greenfield Safeguarding" <safeguarding@greenfeld.sch.uk>', SCHOOL),  # one letter
        ('"Rakesh Patel" <r.patel@outlook.com>', PATEL),  # same local part, other domain
        ('"Rakesh Patel" <rakesh.p1985@yahoo.co.uk>', PATEL),  # same display name
        ('"Jane" <j.holloway@example-police.uk>', HOLLOWAY),  # swapped domain
    ],
)
def test_an_unknown_recipient_close_to_a_known_contact_is_reported_with_it(
    scanner: Scanner, store: KnowledgeStore, recipient: str, looks_like: str
) -> None:
    learn_all(scanner, store, *HISTORY)
    slip = TO_PATEL.replace(f'"Rakesh Patel" <{PATEL}>', recipient).replace("patel-2@", "x-1@")

    known = snapshot(scanner, store, slip)

    unknown = parse_message(slip.encode()).recipients[0].mailbox.address
    assert [c.address for c in known.similar[unknown]] == [looks_like]


def test_known_recipients_and_strangers_have_no_look_alikes(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    learn_all(scanner, store, *HISTORY)
    stranger = TO_PATEL.replace(f'"Rakesh Patel" <{PATEL}>', '"Sam Lee" <s.lee@hotmail.com>')
    far = TO_PATEL.replace(f'"Rakesh Patel" <{PATEL}>', "<r.pxxxxl@gmail.com>")  # 3 edits

    assert snapshot(scanner, store, TO_PATEL.replace("patel-2@", "p-5@")).similar == {}
    assert snapshot(scanner, store, stranger.replace("patel-2@", "p-6@")).similar == {}
    assert snapshot(scanner, store, far.replace("patel-2@", "p-7@")).similar == {}


def test_look_alikes_are_found_by_index_not_by_reading_every_contact(
    tmp_path: Path, keyer: Keyer, scanner: Scanner
) -> None:
    """Checked on SQLite's query plan: no full scan of the contacts for an unknown recipient."""
    store = KnowledgeStore.open(f"sqlite:///{tmp_path / 'plan.db'}", keyer, [DOMAIN])
    store.add_directory_entries(
        DirectoryEntry(f"officer{i}@example.police.uk", f"Officer {i}") for i in range(300)
    )
    statements = _statements_of(store, lambda: snapshot(scanner, store, TO_PATEL))
    store.close()
    similar = [s for s in statements if "local_length BETWEEN" in s]
    assert len(similar) == 1
    with store.engine.connect() as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + similar[0], _example_parameters(similar[0])
            )
        )
    assert "SCAN correspondents" not in plan, plan


# ---- imports ------------------------------------------------------------------------------


def test_a_case_list_allows_its_addresses_for_the_case_and_its_people(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    imported = store.add_cases(
        [
            CaseRecord(
                "AB/25/0093",
                people=("Ellie Marsh", "Tom Ridley"),
                allowed=("Safeguarding@Greenfield.sch.uk", "social.care@northmoor.gov.uk"),
            ),
            CaseRecord("AB/25/0071", people=("Rakesh Patel",), allowed=(PATEL,)),
        ]
    )

    known = snapshot(scanner, store, WRONG_REPLY)

    assert imported == 2
    allowed = {SCHOOL, "social.care@northmoor.gov.uk"}
    school_case = known.history(key(store, FeatureKind.CASE, "AB/25/0093"))
    ellie = known.history(key(store, FeatureKind.PERSON, "Ellie Marsh"))
    assert school_case is not None and school_case.allowed == allowed
    assert school_case.correspondents == frozenset()  # imported, never mailed
    assert ellie is not None and ellie.allowed == allowed
    assert ellie.cases == {school_case.key}
    assert store.stats().cases == 2


def test_a_person_in_a_case_written_to_for_the_first_time_is_named_as_that_person(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    """The victim who reported by phone: a new address, but her name is in the case list."""
    store.add_cases([CaseRecord("AB/25/0093", people=("Sarah Marsh",), allowed=(SCHOOL,))])
    first_email = (
        f"From: PC Jane Holloway <{HOLLOWAY}>\nTo: Sarah Marsh <sarah.m1985@outlook.com>\n"
        "Cc: Tom Stranger <t.stranger@example.org>\nSubject: Your report\n\nDear Mrs Marsh,\n"
    )
    known = snapshot(scanner, store, first_email)
    [sarah] = known.named["sarah.m1985@outlook.com"]
    assert sarah.key == key(store, FeatureKind.PERSON, "Sarah Marsh")
    assert key(store, FeatureKind.CASE, "AB/25/0093") in sarah.cases
    assert "t.stranger@example.org" not in known.named


def test_directory_entries_are_known_contacts_with_their_organisation(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    count = store.add_directory_entries(
        [
            DirectoryEntry(SCHOOL, "Greenfield Safeguarding", "Greenfield Academy"),
            DirectoryEntry("duty@example.police.uk", "Duty Inspector"),
            DirectoryEntry("liaison@partner.org.uk", "Police Liaison", internal=True),
            DirectoryEntry("not an address"),
        ]
    )
    learn_all(scanner, store, TO_SCHOOL)

    known = snapshot(scanner, store, TO_SCHOOL.replace("school-1@", "school-2@"))

    assert count == 3
    school = known.correspondent(SCHOOL)
    assert school is not None
    assert school.in_directory and school.organisation == "Greenfield Academy"
    assert school.sent_to == 1 and school.known
    assert school.display_names == ("Greenfield Safeguarding",)
    with store.engine.connect() as conn:
        internal = dict(
            conn.execute(select(CorrespondentRow.address, CorrespondentRow.internal)).all()
        )
    assert internal["duty@example.police.uk"] and internal["liaison@partner.org.uk"]
    assert not internal[SCHOOL]
    assert store.stats().directory_entries == 3


# ---- forgetting ---------------------------------------------------------------------------


def test_forgetting_a_person_removes_every_trace_of_their_name(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    learn_all(scanner, store, *HISTORY)
    store.add_cases([CaseRecord("AB/25/0093", people=("Ellie Marsh",), allowed=(SCHOOL,))])
    ellie = key(store, FeatureKind.PERSON, "Ellie Marsh")

    forgotten = store.forget_person("  ellie   MARSH ")

    assert forgotten.rows["associations"] == 3 and forgotten.total > 3
    assert ellie not in repr(dump(store))
    known = snapshot(scanner, store, WRONG_REPLY)
    assert known.history(ellie) is None
    assert known.history(key(store, FeatureKind.CASE, "AB/25/0093")) is not None
    assert store.forget_person("Ellie Marsh").total == 0


def test_forgetting_a_correspondent_removes_the_address_everywhere(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    learn_all(scanner, store, *HISTORY)
    store.add_cases([CaseRecord("AB/25/0071", allowed=(PATEL,))])
    store.add_directory_entries([DirectoryEntry(PATEL, "Rakesh Patel")])

    forgotten = store.forget_correspondent("R.Patel@Gmail.com")

    assert forgotten.rows["correspondents"] == 1
    assert PATEL not in repr(dump(store))
    known = snapshot(scanner, store, WRONG_REPLY)
    assert known.correspondent(PATEL) is None
    assert known.thread is not None and known.thread.participants == {HOLLOWAY}
    assert known.correspondent(HOLLOWAY) is not None


def test_what_has_not_been_seen_for_the_retention_period_is_forgotten(
    scanner: Scanner, database_url: str, keyer: Keyer
) -> None:
    store = KnowledgeStore.open(database_url, keyer, [DOMAIN], retention_days=30)
    learn_all(scanner, store, *HISTORY)  # March 2025
    store.add_cases([CaseRecord("AB/25/0093", people=("Ellie Marsh",), allowed=(SCHOOL,))])
    store.add_directory_entries([DirectoryEntry(SCHOOL, "Greenfield Safeguarding")])
    recent = TO_PATEL.replace("patel-2@", "patel-8@").replace(
        "Tue, 04 Mar 2025", "Tue, 15 Apr 2025"
    )
    learn_all(scanner, store, recent)

    nothing_yet = store.forget_expired(datetime(2025, 4, 1, tzinfo=UTC))
    forgotten = store.forget_expired(datetime(2025, 4, 20, tzinfo=UTC))

    assert nothing_yet.total == 0
    assert forgotten.rows["associations"] > 0 and forgotten.rows["messages"] == 4
    about_the_car = snapshot(scanner, store, recent.replace("patel-8@", "patel-9@"))
    car_case = about_the_car.history(key(store, FeatureKind.CASE, "AB/25/0071"))
    assert car_case is not None and car_case.correspondents == {HOLLOWAY, PATEL}
    known = snapshot(scanner, store, WRONG_REPLY)
    school_case = known.history(key(store, FeatureKind.CASE, "AB/25/0093"))
    assert school_case is not None  # imported: kept
    assert school_case.correspondents == frozenset() and school_case.allowed == {SCHOOL}
    assert known.thread is None  # its earlier messages are gone
    assert store.stats().messages == 1
    assert store.stats().correspondents == 3  # Lacey is gone; the school is in the directory
    with store.engine.connect() as conn:
        kept = set(conn.execute(select(CorrespondentRow.address)).scalars())
    assert kept == {HOLLOWAY, PATEL, SCHOOL}
    store.close()


def test_retention_counts_back_from_today_by_default(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    today = datetime.now(UTC)
    old = FROM_PATEL.replace(
        "Tue, 04 Mar 2025 08:10:00 +0000", format_datetime(today - timedelta(days=800))
    )
    new = TO_PATEL.replace(
        "Tue, 04 Mar 2025 11:00:00 +0000", format_datetime(today - timedelta(days=1))
    )
    learn_all(scanner, store, old, new)

    forgotten = store.forget_expired()

    assert forgotten.rows["messages"] == 1
    assert store.stats().messages == 1


# ---- what is stored -----------------------------------------------------------------------


def test_no_name_reference_identifier_or_subject_is_stored_in_plain_text(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    learn_all(scanner, store, *HISTORY)
    store.add_cases([CaseRecord("AB/25/0093", people=("Ellie Marsh",), allowed=(SCHOOL,))])
    snapshot(scanner, store, WRONG_REPLY)

    everything = dump(store)
    stored = repr(everything).casefold()

    assert set(everything) == set(metadata.tables) | {"alembic_version"}
    assert all(everything[name] for name in ("associations", "feature_keys", "thread_keys"))
    leaked = [plain for plain in PLAIN_TEXTS if plain.casefold() in stored]
    assert leaked == []
    assert HOLLOWAY in stored and "pc jane holloway" in stored  # addressing is kept


def test_the_snapshot_takes_a_few_queries_whatever_the_number_of_keys(
    scanner: Scanner, store: KnowledgeStore
) -> None:
    learn_all(scanner, store, *HISTORY)
    many = "\n".join(f"Case AB/25/{n:04d} is closed." for n in range(100, 160))
    crowded = WRONG_REPLY.replace("Jane Holloway\n", many + "\nJane Holloway\n")
    message, found = features(scanner, store, crowded)
    assert len(found.features) > 60

    statements = _statements_of(store, lambda: store.knowledge_for(message, found))

    assert len(statements) <= 12, statements


def test_stats_count_what_is_held(scanner: Scanner, store: KnowledgeStore) -> None:
    empty = store.stats()
    learn_all(scanner, store, *HISTORY)

    held = store.stats()

    assert (empty.messages, empty.correspondents, empty.keys) == (0, 0, 0)
    assert held.messages == 4 and held.threads == 2
    assert held.correspondents == 4  # Holloway, Lacey, the school, Mr Patel
    assert held.keys >= 4 and held.associations >= 9


# ---- helpers ------------------------------------------------------------------------------


def _statements_of(store: KnowledgeStore, action: object) -> list[str]:
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        action()  # type: ignore[operator]
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    return statements


def _example_parameters(statement: str) -> tuple[object, ...]:
    return tuple("x" if i % 2 else 1 for i in range(statement.count("?")))
