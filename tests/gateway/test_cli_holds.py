"""`mailwarden held` lists the quarantine and `mailwarden release` delivers from it, with the
folder, database and next hop from the options or the config's [gateway] section."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text

from mailwarden.cli import main
from mailwarden.detect.finding import FindingType
from mailwarden.gateway.quarantine import HeldRecipient, Quarantine, RecipientState
from mailwarden.knowledge.features import Keyer
from mailwarden.knowledge.keyfile import load_or_create_key
from mailwarden.knowledge.store import KnowledgeStore
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.sent import SentFinding, SentRecipient, SentStore
from mailwarden.rules.base import Verdict

from .conftest import Sink, free_port

SENDER = "ann.smith@example.police.uk"
RAW = (
    b"From: Ann Smith <ann.smith@example.police.uk>\r\n"
    b"To: j.smith@example.net, dsl@greenfield.sch.uk\r\n"
    b"Subject: Referral: the Evans children\r\n"
    b"Message-ID: <ref-0093@example.police.uk>\r\n"
    b"Date: Mon, 24 Nov 2026 10:00:00 +0000\r\n"
    b"\r\n"
    b"Case AB/25/0093: Mia and Leo Evans, both at Greenfield School.\r\n"
)
WRONG = HeldRecipient(
    "j.smith@example.net", Verdict.HOLD, ("names people this recipient has never discussed",)
)
RIGHT = HeldRecipient("dsl@greenfield.sch.uk", Verdict.CONFIRM, ("special category data",))


def hold(folder: Path, *recipients: HeldRecipient, url: str | None = None) -> str:
    with Quarantine(folder, url) as quarantine:
        return quarantine.hold(RAW, SENDER, list(recipients) or [WRONG, RIGHT], "Referral")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_held_lists_each_message_with_its_recipients_and_why(tmp_path: Path) -> None:
    folder = tmp_path / "q"
    first = hold(folder)
    second = hold(folder, RIGHT)
    status, output = run("held", "--quarantine", str(folder))
    assert status == 0, output
    header, *lines = output.splitlines()
    assert header.split() == ["ID", "AGE", "SENDER", "RECIPIENT", "VERDICT", "STATE", "REASONS"]
    assert lines[0].split()[:7] == [first, "0s", SENDER, WRONG.address, "hold", "held", "names"]
    assert lines[0].endswith(WRONG.reasons[0])
    assert lines[1].split() == [RIGHT.address, "confirm", "held", "special", "category", "data"]
    assert lines[2].split()[:4] == [second, "0s", SENDER, RIGHT.address]
    assert len(lines) == 3


def test_held_json_is_one_object_per_hold(tmp_path: Path) -> None:
    folder = tmp_path / "q"
    hold_id = hold(folder)
    status, output = run("held", "--quarantine", str(folder), "--json")
    assert status == 0, output
    [record] = [json.loads(line) for line in output.splitlines()]
    assert record["id"] == hold_id
    assert record["sender"] == SENDER
    assert [(r["address"], r["verdict"], r["state"]) for r in record["recipients"]] == [
        (WRONG.address, "hold", "held"),
        (RIGHT.address, "confirm", "held"),
    ]
    assert record["recipients"][0]["reasons"] == list(WRONG.reasons)


def test_release_delivers_and_held_shows_what_is_left(
    tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    received, port = sink
    folder = tmp_path / "q"
    hold_id = hold(folder)
    hop = f"127.0.0.1:{port}"
    args = ["--quarantine", str(folder), "--next-hop", hop]
    status, output = run("release", hold_id, "--to", RIGHT.address, *args, "--by", "r.khan")
    assert (status, output) == (0, f"released {hold_id} to {RIGHT.address}\n")
    assert [m.rcpt_tos for m in received.messages] == [[RIGHT.address]]

    status, output = run("held", "--quarantine", str(folder))
    assert WRONG.address in output and "released by r.khan" in output

    status, output = run("release", hold_id, *args)
    assert (status, output) == (0, f"released {hold_id} to {WRONG.address}\n")
    with Quarantine(folder) as quarantine:
        decided_by = {r.address: r.decided_by for r in quarantine.get(hold_id).recipients}
    assert decided_by == {RIGHT.address: "r.khan", WRONG.address: getpass.getuser()}

    assert run("held", "--quarantine", str(folder)) == (0, "nothing is held\n")
    status, output = run("held", "--quarantine", str(folder), "--all")
    assert hold_id in output and output.count("released by") == 2
    with Quarantine(folder) as quarantine:  # each release kept what a breach would need
        kept = SentStore(quarantine.store.engine).search()
    assert [[r.address for r in k.recipients] for k in kept] == [[WRONG.address], [RIGHT.address]]
    assert all({"Mia", "Leo"} & {f.text.split()[0] for f in k.findings} for k in kept)


def test_release_of_an_unknown_id_exits_2_with_a_clear_message(
    tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    folder = tmp_path / "q"
    hold(folder)
    status, output = run(
        "release", "20261124T120000-0000", "--quarantine", str(folder), "--next-hop",
        f"127.0.0.1:{sink[1]}",
    )  # fmt: skip
    assert status == 2
    assert output == "mailwarden: no held message has the ID '20261124T120000-0000'\n"
    assert sink[0].messages == []


def test_release_with_the_next_hop_down_exits_2_and_keeps_it_held(tmp_path: Path) -> None:
    folder = tmp_path / "q"
    hold_id = hold(folder)
    nobody = f"127.0.0.1:{free_port()}"
    status, output = run("release", hold_id, "--quarantine", str(folder), "--next-hop", nobody)
    assert status == 2
    assert "did not take the message" in output and "nothing was released" in output
    with Quarantine(folder) as quarantine:
        assert len(quarantine.get(hold_id).still_held()) == 2


def test_settings_come_from_the_gateway_section(
    tmp_path: Path, sink: tuple[Sink, int], database_url: str
) -> None:
    """Relative to the config file: the folder; and the record database may be PostgreSQL."""
    received, port = sink
    hold_id = hold(tmp_path / "held-mail", url=database_url)
    config = tmp_path / "mailwarden.toml"
    config.write_text(
        "[gateway]\n"
        'quarantine = "held-mail"\n'
        f'database = "{database_url}"\n'
        f'next_hop = "127.0.0.1:{port}"\n'
        "learn = false\n"
    )
    status, output = run("held", "--config", str(config))
    assert status == 0 and hold_id in output, output
    status, output = run("release", hold_id, "--config", str(config), "--by", "r.khan")
    assert status == 0, output
    assert [m.rcpt_tos for m in received.messages] == [[WRONG.address, RIGHT.address]]


def test_held_without_a_quarantine_exits_2(tmp_path: Path) -> None:
    status, output = run("held", "--quarantine", str(tmp_path / "nowhere"))
    assert status == 2
    assert f"no quarantine at {tmp_path / 'nowhere'}" in output
    assert not (tmp_path / "nowhere").exists()


def test_a_bad_next_hop_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "q"
    hold_id = hold(folder)
    status, output = run("release", hold_id, "--quarantine", str(folder), "--next-hop", "nowhere")
    assert status == 2
    assert "is not HOST:PORT" in output


def test_a_release_teaches_the_knowledge_store_what_it_confirmed(
    tmp_path: Path, sink: tuple[Sink, int]
) -> None:
    received, port = sink
    folder = tmp_path / "q"
    hold_id = hold(folder)
    config = tmp_path / "mailwarden.toml"
    config.write_text(
        '[organisation]\ndomains = ["example.police.uk"]\n'
        '[knowledge]\nkey_file = "mailwarden.key"\n'
    )
    db = f"sqlite:///{tmp_path / 'knowledge.db'}"
    status, output = run(
        "release", hold_id, "--to", RIGHT.address, "--config", str(config),
        "--quarantine", str(folder), "--next-hop", f"127.0.0.1:{port}", "--db", db,
    )  # fmt: skip
    assert (status, output) == (0, f"released {hold_id} to {RIGHT.address}\n")
    assert [m.rcpt_tos for m in received.messages] == [[RIGHT.address]]
    keyer = Keyer(load_or_create_key(tmp_path / "mailwarden.key"))
    with KnowledgeStore.open(db, keyer, ["example.police.uk"]) as store:
        assert store.stats().messages == 1
        with store.engine.connect() as conn:
            known = set(conn.execute(text("SELECT address FROM correspondents")).scalars())
    assert known == {SENDER, RIGHT.address}
    with Quarantine(folder) as quarantine:
        assert quarantine.get(hold_id).recipients[1].state is RecipientState.RELEASED


def test_purge_held_deletes_what_was_decided_before_the_date(tmp_path: Path) -> None:
    folder = tmp_path / "q"
    decided, waiting = hold(folder), hold(folder)
    with Quarantine(folder) as quarantine:
        quarantine.mark(decided, [WRONG.address, RIGHT.address], RecipientState.REJECTED, "r.khan")
    before = datetime.now(UTC).isoformat()

    status, output = run("purge-held", "--before", before, "--quarantine", str(folder))

    assert (status, output.split(" decided")[0]) == (0, "purged 1 held message(s)")
    with Quarantine(folder) as quarantine:
        assert [h.id for h in quarantine.held(None)] == [waiting]


def test_purge_held_also_forgets_deliveries_past_sent_retention_days_and_records_it(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "q"
    hold(folder)
    config = tmp_path / "mailwarden.toml"
    config.write_text(f'[gateway]\nquarantine = "{folder}"\nsent_retention_days = 30\n')
    now = datetime.now(UTC)
    with Quarantine(folder) as quarantine:
        sent = SentStore(quarantine.store.engine)
        for days, name in ((45, "old"), (29, "recent")):
            sent.add(
                message_id=f"<{name}@example.police.uk>",
                sender=SENDER,
                subject="Referral",
                recipients=[SentRecipient(RIGHT.address)],
                findings=[SentFinding(FindingType.PERSON, "Mia Evans", "body")],
                digest=name[0] * 64,
                delivered_at=now - timedelta(days=days),
            )

    status, output = run("purge-held", "--before", now.isoformat(), "--config", str(config))

    assert status == 0 and "and 1 delivered message record(s)" in output
    with Quarantine(folder) as quarantine:
        engine = quarantine.store.engine
        assert [s.message_id for s in SentStore(engine).search()] == ["<recent@example.police.uk>"]
        [entry] = AuditTrail(engine).entries(action=Action.PURGE)
    assert (entry.subject, entry.details["kind"], entry.details["deleted"]) == (
        "sent messages",
        "sent",
        1,
    )


def test_purge_held_needs_a_date_and_refuses_one_in_the_future(tmp_path: Path) -> None:
    folder = tmp_path / "q"
    status, output = run("purge-held", "--quarantine", str(folder))
    assert status == 2 and "hold_retention_days" in output
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    status, output = run("purge-held", "--before", tomorrow, "--quarantine", str(folder))
    assert status == 2 and "in the future" in output
