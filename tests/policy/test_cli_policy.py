"""`mailwarden policy check` and `policy explain`, and `scan --policy`, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mailwarden.policy import default_policy

DEFAULT = Path(__file__).parents[2] / "src" / "mailwarden" / "policy" / "default_policy.toml"
ENCRYPTED = Path(__file__).parents[1] / "scenarios" / "messages" / "encrypted_pdf.eml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailwarden", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_accepts_the_shipped_default() -> None:
    done = run("policy", "check", str(DEFAULT))
    count = len(default_policy().model.actions)
    assert (done.returncode, done.stdout) == (0, f"{DEFAULT}: valid ({count} rules configured)\n")


def test_check_names_the_line_and_key_of_a_bad_file_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('# mine\n[actions.wrong_thread]\ninternal = "deliver"\nnew = "ignore"\n')
    done = run("policy", "check", str(bad))
    assert done.returncode == 2
    assert done.stderr.startswith("bad.toml:4: actions.wrong_thread.new: Input should be")
    assert done.stderr.count("\n") == 1


def test_a_missing_or_unknown_rule_file_is_a_usage_error(tmp_path: Path) -> None:
    assert run("policy", "check", str(tmp_path / "none.toml")).returncode == 2
    typo = tmp_path / "typo.toml"
    typo.write_text('[actions]\nwrong_thraed = "hold"\n')
    done = run("policy", "check", str(typo))
    assert (done.returncode, done.stderr) == (
        2,
        "typo.toml:2: actions.wrong_thraed: unknown rule 'wrong_thraed'\n",
    )


def test_explain_shows_each_recipients_verdict_and_the_line_that_decided(tmp_path: Path) -> None:
    message = tmp_path / "payslip.eml"
    raw = ENCRYPTED.read_text()
    message.write_text(
        raw.replace(
            "To: Gareth Pryce <gpryce1986@example.net>",
            "To: Gareth Pryce <gpryce1986@example.net>, hr@northmoor.gov.uk",
        )
    )
    policy = tmp_path / "strict.toml"
    policy.write_text('# encrypted mail needs a reviewer here\n[actions]\nunscannable = "hold"\n')
    done = run("policy", "explain", str(policy), str(message))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        str(message),
        '  gpryce1986@example.net: hold by strict.toml:3 [actions] unscannable = "hold" '
        "(rules: unscannable_content)",
        "  hr@northmoor.gov.uk: deliver by no rule fired (rules: -)",
    ]


def test_explain_with_the_default_policy_and_scan_with_a_policy(tmp_path: Path) -> None:
    done = run("policy", "explain", str(DEFAULT), str(ENCRYPTED))
    assert "confirm by default_policy.toml:" in done.stdout
    assert '[actions] unscannable = "confirm"' in done.stdout
    allow = tmp_path / "allow.toml"
    allow.write_text('[[allow]]\naddress = "gpryce1986@example.net"\nexpires = 2999-01-01\n')
    allowed = json.loads(run("scan", "--json", "--policy", str(allow), str(ENCRYPTED)).stdout)
    asked = json.loads(run("scan", "--json", str(ENCRYPTED)).stdout)
    assert [r["verdict"] for r in allowed["recipients"]] == ["deliver"]
    assert [r["verdict"] for r in asked["recipients"]] == ["confirm"]
    assert run("scan", "--policy", str(tmp_path / "none.toml"), str(ENCRYPTED)).returncode == 2


PARTNERS = """\
# who we work with
[partners."northshire.gov.uk"]
cleared = "OFFICIAL-SENSITIVE"
[partners."greenfield.sch.uk"]

[actions.protective_marking]
partner = "reject"
"""


def test_explain_names_the_line_with_partners_and_their_clearances(tmp_path: Path) -> None:
    message = tmp_path / "briefing.eml"
    message.write_bytes(
        b"From: Kate Ahmed <k.ahmed@example.police.uk>\r\n"
        b"To: p.nair@northshire.gov.uk, safeguarding@greenfield.sch.uk\r\n"
        b"Subject: Strategy meeting\r\n\r\n"
        b"OFFICIAL-SENSITIVE\r\n\r\nThe strategy meeting is moved to Thursday.\r\n"
    )
    policy = tmp_path / "partners.toml"
    policy.write_text(PARTNERS)
    done = run("policy", "explain", str(policy), str(message))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [
        "  p.nair@northshire.gov.uk: confirm by rule default severity "
        "(rules: sensitive_to_external)",
        "  safeguarding@greenfield.sch.uk: reject by partners.toml:7 [actions.protective_marking] "
        'partner = "reject" (rules: protective_marking, sensitive_to_external)',
    ]
    policy.write_text(PARTNERS.replace('cleared = "OFFICIAL-SENSITIVE"', 'cleared = "PUBLIC"'))
    bad = run("policy", "check", str(policy))
    assert bad.returncode == 2
    assert bad.stderr.startswith('partners.toml:3: partners."northshire.gov.uk".cleared: ')
