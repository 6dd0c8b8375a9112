"""`mailwarden scan`: the command's contract (JSON Lines, exit status, errors in one line)."""

from __future__ import annotations

import json
import mailbox
import subprocess
import sys
from pathlib import Path

import pytest

SEED_REPLY = """\
From: "PC Jane Holloway" <j.holloway@example.police.uk>
To: "Mr R Patel" <r.patel@gmail.com>
Cc: crime.desk@example.police.uk
Subject: RE: Damage to your car
Date: Mon, 03 Mar 2025 10:15:00 +0000
Message-ID: <reply-1@example.police.uk>

Dear Mr Patel,

The NHS number on the school's report is 485 777 3457.
Please contact safeguarding@greenfield.sch.uk.

Kind regards
Jane Holloway
"""

INTERNAL_NOTE = """\
From: j.holloway@example.police.uk
To: crime.desk@example.police.uk
Subject: Rota

The meeting has moved to Thursday.
"""


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailwarden", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "mailwarden.toml"
    path.write_text('[organisation]\ndomains = ["example.police.uk"]\n')
    return path


def test_json_lines_one_object_per_message_in_input_order(tmp_path: Path, config: Path) -> None:
    (tmp_path / "a_reply.eml").write_text(SEED_REPLY)
    (tmp_path / "b_note.eml").write_text(INTERNAL_NOTE)
    box = mailbox.mbox(tmp_path / "sent.mbox")
    box.add(INTERNAL_NOTE)
    box.add(SEED_REPLY)
    box.close()

    result = run(
        "scan", "--json", "--config", str(config),
        str(tmp_path / "a_reply.eml"), str(tmp_path / "b_note.eml"), str(tmp_path / "sent.mbox"),
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["source"]).name for r in lines] == [
        "a_reply.eml", "b_note.eml", "sent.mbox#0", "sent.mbox#1",
    ]  # fmt: skip
    assert [r["index"] for r in lines] == [None, None, 0, 1]

    reply = lines[0]
    assert {"type": "UK_NHS", "text": "485 777 3457", "location": "body"}.items() <= (
        reply["findings"][0].items()
    )
    for finding in reply["findings"]:
        assert set(finding) >= {"type", "text", "location", "score", "explanation"}
    recipients = {r["address"]: r for r in reply["recipients"]}
    assert recipients["r.patel@gmail.com"]["field"] == "to"
    assert recipients["r.patel@gmail.com"]["verdict"] == "confirm"
    [reason] = recipients["r.patel@gmail.com"]["reasons"]
    assert reason["rule"] == "sensitive_to_external" and "NHS number" in reason["explanation"]
    assert recipients["crime.desk@example.police.uk"]["verdict"] == "deliver"
    assert "sensitive_to_external" in recipients["r.patel@gmail.com"]["decided_by"]
    assert reply["errors"] == []


def test_exit_zero_when_everything_is_read_and_delivered(tmp_path: Path, config: Path) -> None:
    (tmp_path / "note.eml").write_text(INTERNAL_NOTE)
    result = run("scan", "--json", "--config", str(config), str(tmp_path / "note.eml"))
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert json.loads(line)["recipients"][0]["verdict"] == "deliver"


def test_readable_report_names_findings_and_verdicts(tmp_path: Path, config: Path) -> None:
    (tmp_path / "reply.eml").write_text(SEED_REPLY)
    result = run("scan", "--config", str(config), str(tmp_path / "reply.eml"))
    assert result.returncode == 1
    assert "485 777 3457" in result.stdout
    assert "CONFIRM" in result.stdout and "DELIVER" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "/no/such/file.eml"], "no such file or folder"),
        (["scan", "--config", "/no/such.toml", "x.eml"], "config file not found"),
        (["scan"], "Missing argument"),
        (["scan", "--frobnicate", "x.eml"], "No such option"),
    ],
)
def test_usage_errors_exit_two_with_one_line(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_config_names_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[organisation]\ndomians = []\n")
    (tmp_path / "note.eml").write_text(INTERNAL_NOTE)
    result = run("scan", "--config", str(bad), str(tmp_path / "note.eml"))
    assert result.returncode == 2
    assert "organisation.domians: unknown setting" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreadable_input_is_reported_not_crashed(tmp_path: Path) -> None:
    (tmp_path / "broken.msg").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 truncated")
    result = run("scan", "--json", str(tmp_path / "broken.msg"))
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert json.loads(line)["errors"]


def test_a_config_setting_that_moved_to_the_policy_still_applies_with_a_note(
    tmp_path: Path,
) -> None:
    config = tmp_path / "org.toml"
    config.write_text(
        '[organisation]\ndomains = ["example.police.uk"]\n'
        '[recipients]\npartner_domains = ["greenfield.sch.uk"]\n'
    )
    message = tmp_path / "m.eml"
    message.write_text(
        "From: a@example.police.uk\nTo: b@example.police.uk\nSubject: hi\n\nLunch?\n"
    )

    result = run("scan", "--config", str(config), str(message))

    assert result.returncode == 0, result.stderr
    assert '[recipients] partner_domains: now [partners."DOMAIN"]' in result.stderr
