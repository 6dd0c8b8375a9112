"""`mailwarden audit`: verify proves the trail intact or names the first broken entry;
export writes CSV or JSON Lines that read back to the same entries; syslog sends RFC 5424
lines to a real UDP socket; purge keeps the rest verifiable; exports and purges are
themselves recorded."""

from __future__ import annotations

import csv
import io
import json
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, text

from mailwarden.cli import main
from mailwarden.record import open_record_database
from mailwarden.record.audit import Action, AuditEntry, AuditTrail, verify_chain

HOLD_ID = "20261125T101502-7f3a"
RELAY = "gateway@relay1.example.police.uk"
REVIEWER = "k.patel@example.police.uk"
START = datetime(2026, 11, 25, 10, 15, 2, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_record_database(database_url)
    yield engine
    engine.dispose()


def record_a_hold(engine: Engine, start: datetime = START) -> list[AuditEntry]:
    """A message held, a reviewer looking at it and releasing it, a second apart."""
    moments = iter(start + timedelta(seconds=n) for n in range(100))
    trail = AuditTrail(engine, lambda: next(moments))
    return [
        trail.append(
            RELAY,
            Action.HOLD,
            HOLD_ID,
            {"recipients": [{"address": "j.smith@example.net", "verdict": "hold"}]},
        ),
        trail.append(REVIEWER, Action.VIEW, HOLD_ID, {"part": "message"}),
        trail.append(REVIEWER, Action.RELEASE, HOLD_ID, {"recipients": ["j.smith@example.net"]}),
    ]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def tamper(engine: Engine, sql: str) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        else:  # SQLite cannot switch a trigger off: drop them, as an intruder would
            conn.execute(text("DROP TRIGGER audit_entries_no_update"))
            conn.execute(text("DROP TRIGGER audit_entries_no_delete"))
        conn.execute(text(sql))
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))


def test_verify_says_the_chain_is_intact(engine: Engine, database_url: str) -> None:
    record_a_hold(engine)
    assert run("audit", "verify", "--record-db", database_url) == (0, "3 entries, chain intact\n")


def test_verify_names_the_row_changed_by_hand(engine: Engine, database_url: str) -> None:
    record_a_hold(engine)
    tamper(engine, "UPDATE audit_entries SET actor = 'someone.else' WHERE seq = 2")
    status, output = run("audit", "verify", "--record-db", database_url)
    assert status == 1
    assert output == (
        f"entry 2 (2026-11-25 10:15:03, view of {HOLD_ID}): its hash does not match its contents\n"
    )


def test_verify_names_a_deleted_row_as_a_gap(engine: Engine, database_url: str) -> None:
    record_a_hold(engine)
    tamper(engine, "DELETE FROM audit_entries WHERE seq = 2")
    status, output = run("audit", "verify", "--record-db", database_url)
    assert status == 1
    assert output.startswith(f"entry 3 (2026-11-25 10:15:04, release of {HOLD_ID}): entry 2 is")


def test_verify_uses_the_record_database_in_the_quarantine_folder(tmp_path: Path) -> None:
    (tmp_path / "quarantine").mkdir()
    config = tmp_path / "mailwarden.toml"
    config.write_text('[gateway]\nquarantine = "quarantine"\n', encoding="utf-8")
    engine = open_record_database(str(tmp_path / "quarantine" / "holds.db"))
    record_a_hold(engine)
    engine.dispose()
    assert run("audit", "verify", "--config", str(config)) == (0, "3 entries, chain intact\n")


def test_without_a_record_database_it_says_where_it_looked(tmp_path: Path) -> None:
    config = tmp_path / "mailwarden.toml"
    config.write_text('[gateway]\nquarantine = "nowhere"\n', encoding="utf-8")
    status, output = run("audit", "verify", "--config", str(config))
    assert status == 2 and "no record database" in output and "nowhere" in output


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_reads_back_to_the_same_entries_and_is_recorded(
    engine: Engine, database_url: str, tmp_path: Path, fmt: str
) -> None:
    entries = record_a_hold(engine)
    out = tmp_path / f"audit.{fmt}"
    status, output = run(
        "audit", "export", "--format", fmt, "--output", str(out),
        "--record-db", database_url, "--by", "dpo@example.police.uk",
    )  # fmt: skip
    assert status == 0, output
    assert "exported 3 entries" in output
    text_ = out.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text_)))
        back = [AuditEntry.from_json({**r, "details": json.loads(r["details"])}) for r in rows]
    else:
        back = [AuditEntry.from_json(json.loads(line)) for line in text_.splitlines()]
    assert back == entries
    assert verify_chain(back, {}).ok

    export = list(AuditTrail(engine).entries(action=Action.EXPORT))
    assert len(export) == 1 and export[0].actor == "dpo@example.police.uk"
    assert export[0].details == {"to": str(out), "format": fmt, "entries": 3}
    assert run("audit", "verify", "--record-db", database_url)[1] == "4 entries, chain intact\n"


def test_an_export_to_standard_output_takes_a_time_range(engine: Engine, database_url: str) -> None:
    record_a_hold(engine)
    result = CliRunner().invoke(
        main,
        ["audit", "export", "--record-db", database_url,
         "--since", "2026-11-25T10:15:03", "--until", "2026-11-25T10:15:04"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["view"]


def test_a_date_that_is_not_one_is_a_usage_error(database_url: str) -> None:
    status, output = run("audit", "export", "--record-db", database_url, "--since", "last week")
    assert status == 2 and "'last week' is not a date" in output


@pytest.fixture
def udp_listener() -> Iterator[socket.socket]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(10)
        yield sock


RFC5424 = re.compile(
    r"<(?P<pri>\d+)>1 (?P<at>\S+) (?P<host>\S+) mailwarden (?P<pid>\d+) (?P<msgid>\S+) "
    r"\[audit@32473 seq=\"(?P<seq>\d+)\" actor=\"(?P<actor>[^\"]*)\" "
    r"subject=\"(?P<subject>[^\"]*)\" hash=\"(?P<hash>[0-9a-f]{64})\" "
    r"prev=\"[0-9a-f]{64}\"\] (?P<msg>\{.*\})"
)


def test_syslog_sends_rfc_5424_lines_to_a_real_udp_socket(
    engine: Engine, database_url: str, udp_listener: socket.socket
) -> None:
    entries = record_a_hold(engine)
    host, port = udp_listener.getsockname()
    status, output = run(
        "audit", "syslog", "--address", f"{host}:{port}", "--record-db", database_url,
        "--by", "siem-forwarder",
    )  # fmt: skip
    assert status == 0, output
    assert "sent 3 entries" in output

    received = [udp_listener.recv(65536).decode("utf-8") for _ in entries]
    for line, entry in zip(received, entries, strict=True):
        match = RFC5424.fullmatch(line)
        assert match, line
        assert int(match["pri"]) == 10 * 8 + 6  # authpriv.info
        assert match["at"] == entry.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert (match["msgid"], match["seq"]) == (entry.action, str(entry.seq))
        assert (match["actor"], match["subject"], match["hash"]) == (
            entry.actor,
            entry.subject,
            entry.hash,
        )
        assert AuditEntry.from_json(json.loads(match["msg"])) == entry
    [sent] = AuditTrail(engine).entries(action=Action.EXPORT)
    assert sent.actor == "siem-forwarder"
    assert sent.details == {"to": f"syslog {host}:{port}", "entries": 3}


def test_syslog_to_a_socket_that_is_not_there_is_a_usage_error(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    record_a_hold(engine)
    status, output = run(
        "audit", "syslog", "--address", str(tmp_path / "log"), "--record-db", database_url
    )
    assert status == 2 and "cannot send to syslog" in output


def test_purge_by_the_configured_retention_keeps_the_rest_verifiable(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    record_a_hold(engine, now - timedelta(days=400))
    recent = record_a_hold(engine, now - timedelta(days=10))
    config = tmp_path / "mailwarden.toml"
    config.write_text(
        f'[gateway]\ndatabase = "{database_url}"\n\n[audit]\nretention_days = 365\n',
        encoding="utf-8",
    )
    status, output = run("audit", "purge", "--config", str(config), "--by", "retention")
    assert status == 0, output
    assert output.startswith("purged 3 entries older than ")

    left = list(AuditTrail(engine).entries())
    assert left[:3] == recent
    assert (left[3].action, left[3].actor, left[3].details["deleted"]) == ("purge", "retention", 3)
    assert run("audit", "verify", "--config", str(config)) == (0, "4 entries, chain intact\n")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), "give --before DATE or set retention_days"),
        (("--before", "2999-01-01"), "is in the future"),
    ],
)
def test_purge_needs_a_cutoff_in_the_past(
    database_url: str, args: tuple[str, ...], words: str
) -> None:
    status, output = run("audit", "purge", "--record-db", database_url, *args)
    assert status == 2 and words in output


def test_a_retention_of_no_days_is_a_configuration_error(tmp_path: Path) -> None:
    config = tmp_path / "mailwarden.toml"
    config.write_text("[audit]\nretention_days = 0\n", encoding="utf-8")
    status, output = run("audit", "purge", "--config", str(config))
    assert status == 2 and "audit.retention_days" in output
