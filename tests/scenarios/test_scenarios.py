"""The scenario corpus scanned by the real pipeline, checked against expected.toml.

Each promise in expected.toml is its own test, named for the scenario and the
promise ("police_wrong_recipient_race_hate-finds CHILD|PERSON:Tyler Briggs @ body"),
so a failure says exactly which promise is broken. Then the corpus itself:
reproducible, every fixture expected, the hostile ones what they claim to be,
the demo set a copy, and the real CLI over the whole folder.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from mailwarden.config import Config, load_config
from mailwarden.scan import Scanner

from . import build_corpus
from .expectations import (
    CONFIG_FILE,
    DEFAULT_MAX_SECONDS,
    MESSAGES_DIR,
    Check,
    Scanned,
    checks_for,
    load_expected,
)

EXPECTED = load_expected()
CHECKS = [check for name, spec in EXPECTED.items() for check in checks_for(name, spec)]
DEMO_DIR = build_corpus.DEMO_DIR


# --- the promises ---------------------------------------------------------------------------


@pytest.mark.parametrize("check", CHECKS, ids=[f"{c.scenario}-{c.id}" for c in CHECKS])
def test_scenario_promise(check: Check, scan_scenario: Callable[[str], Scanned]) -> None:
    failure = check.run(scan_scenario(check.scenario).json)
    assert failure is None, failure


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_exit_status_says_whether_the_message_is_clean(
    scenario: str, scan_scenario: Callable[[str], Scanned]
) -> None:
    report = scan_scenario(scenario).report
    expected_clean = EXPECTED[scenario]["exit"] == 0
    assert report.clean is expected_clean, (
        f"expected exit {EXPECTED[scenario]['exit']}; errors {report.to_json()['errors']}, "
        f"verdicts {[d.verdict.value for d in report.decisions][:5]}"
    )


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_scan_finishes_in_time(scenario: str, scan_scenario: Callable[[str], Scanned]) -> None:
    limit = EXPECTED[scenario].get("max_seconds", DEFAULT_MAX_SECONDS)
    assert scan_scenario(scenario).seconds < limit


# --- a 30 MB attachment, built at test time ---------------------------------------------------


@pytest.mark.slow
def test_large_30mb_attachment_is_read_to_its_end_or_said_to_be_unread(
    tmp_path: Path, scenario_scanner: Scanner, scenario_config: Config
) -> None:
    """The personal rows sit at the end of 30 MB: found, or the cut is reported; never silence."""
    path = build_corpus.write_large_attachment(tmp_path / "large_30mb_attachment.eml")
    started = time.monotonic()
    report = scenario_scanner.scan_bytes(path.read_bytes(), str(path)).to_json()
    elapsed = time.monotonic() - started

    assert elapsed < scenario_config.limits.seconds_per_message + 10
    where = "attachment:repairs_log_full_export.csv"
    found = {(f["type"], f["text"]) for f in report["findings"] if f["location"] == where}
    read_to_end = ("UK_NHS", build_corpus.LARGE_TAIL_NHS) in found and (
        "UK_NINO",
        build_corpus.LARGE_TAIL_NINO,
    ) in found
    cut_reported = any(e["location"].startswith(where) for e in report["errors"])
    assert read_to_end or cut_reported, (
        f"the tail's NHS number and NINO were not found and no error says {where} was cut; "
        f"errors: {report['errors']}, warnings: {report['warnings']}"
    )
    assert [r["verdict"] for r in report["recipients"]] == ["confirm"]


def test_text_past_the_character_limit_is_reported_not_silently_dropped(
    scenario_config: Config,
) -> None:
    """Text cut by `limits.max_text_chars` must be an error, or padding can hide data."""
    limits = scenario_config.limits.model_copy(update={"max_text_chars": 1000})
    scanner = Scanner(scenario_config.model_copy(update={"limits": limits}))
    padding = "Nothing to see in this paragraph. " * 100
    raw = (
        f"From: Repairs Team <repairs@{build_corpus.COUNCIL}>\n"
        "To: Contractor <jobs@fixright-repairs.example.co.uk>\nSubject: Job notes\n\n"
        f"{padding}\nTenant NHS number {build_corpus.NHS_MARGARET}, wheelchair user.\n"
    ).encode()
    report = scanner.scan_bytes(raw, "padded.eml").to_json()
    found = ("UK_NHS", build_corpus.NHS_MARGARET) in {
        (f["type"], f["text"]) for f in report["findings"]
    }
    assert found or report["errors"], "the text past the limit was dropped without a word"
    assert [r["verdict"] for r in report["recipients"]] == ["confirm"]


# --- the corpus itself ----------------------------------------------------------------------


def test_every_fixture_has_expectations_and_every_expectation_a_fixture() -> None:
    on_disk = {p.name for p in MESSAGES_DIR.iterdir()}
    assert on_disk == {build_corpus.filename(n) for n in EXPECTED}, "messages/ != expected.toml"
    assert set(build_corpus.SCENARIOS) == set(EXPECTED), "the generator and expected.toml disagree"


def test_every_scenario_tells_its_story() -> None:
    for name, spec in EXPECTED.items():
        assert spec.get("story"), f"{name} has no story"
        assert spec["exit"] in (0, 1), name


def test_corpus_regenerates_byte_for_byte(tmp_path: Path) -> None:
    """No dates, random boundaries or zip times: two builds agree and match what is committed."""
    first = build_corpus.build(tmp_path / "a" / "messages", tmp_path / "a" / "demo")
    second = build_corpus.build(tmp_path / "b" / "messages", tmp_path / "b" / "demo")
    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() == other.read_bytes(), f"{one.name} differs between two builds"
    stale = [
        path.name
        for path in first
        if path.read_bytes()
        != ((MESSAGES_DIR if path.parent.name == "messages" else DEMO_DIR) / path.name).read_bytes()
    ]
    if stale and zlib.ZLIB_RUNTIME_VERSION != build_corpus.ZLIB_VERSION:
        pytest.skip(f"zlib {zlib.ZLIB_RUNTIME_VERSION} deflates differently from the corpus' zlib")
    assert not stale, f"{stale} differ from a fresh build: run tests/scenarios/build_corpus.py"


def _attachments(name: str) -> dict[str, bytes]:
    raw = (MESSAGES_DIR / build_corpus.filename(name)).read_bytes()
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return {
        part.get_filename() or "": part.get_payload(decode=True)
        for part in message.iter_attachments()
    }


def test_encrypted_pdf_fixture_is_a_real_pdf_behind_a_password() -> None:
    """Encrypted, not broken: with the password the text is there (so 'encrypted' is the truth)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(_attachments("encrypted_pdf")["Payslip_March_2025.pdf"]))
    assert reader.is_encrypted
    assert not reader.decrypt("")
    assert reader.decrypt("14031986")
    assert "JH 68 48 20 B" in reader.pages[0].extract_text()


def test_zip_bomb_fixture_inflates_a_thousandfold() -> None:
    outer = zipfile.ZipFile(io.BytesIO(_attachments("zip_bomb")["unused_material.zip"]))
    inner = zipfile.ZipFile(io.BytesIO(outer.read("bundle_part1.zip")))
    inflated = sum(info.file_size for info in inner.infolist())
    stored = (MESSAGES_DIR / "zip_bomb.eml").stat().st_size
    assert inflated >= 80 * 1024 * 1024 and inflated / stored > 1000


def test_billion_laughs_fixture_nests_entities() -> None:
    docx = zipfile.ZipFile(
        io.BytesIO(_attachments("billion_laughs_docx")["licensing_minutes.docx"])
    )
    document = docx.read("word/document.xml")
    assert b"<!DOCTYPE" in document and b"&lol9;" in document
    assert document.count(b"<!ENTITY") == 10


def test_identifiers_in_the_corpus_pass_their_check_rules() -> None:
    import phonenumbers
    from stdnum import iban, luhn
    from stdnum.gb import nhs

    assert nhs.is_valid(build_corpus.NHS_MARGARET) and nhs.is_valid(build_corpus.NHS_MIA)
    assert iban.is_valid(build_corpus.IBAN_CLIENT) and iban.is_valid(build_corpus.IBAN_PAYEE)
    assert luhn.is_valid(build_corpus.CARD.replace(" ", ""))
    assert build_corpus.PNC_GARSIDE == "19/0384713E"
    for number in ("07912 384617", "07781 452390", "07845 219036", "0161 480 2277"):
        assert phonenumbers.is_valid_number(phonenumbers.parse(number, "GB")), number


# --- the demo set ---------------------------------------------------------------------------


def test_demo_messages_are_the_scenarios_in_story_order() -> None:
    demo = sorted(p.name for p in DEMO_DIR.iterdir())
    assert demo == [build_corpus.demo_name(i, n) for i, n in enumerate(build_corpus.DEMO)]
    assert demo[0].endswith("police_wrong_recipient_race_hate.eml"), "the seed case comes first"
    for index, name in enumerate(build_corpus.DEMO):
        copy = DEMO_DIR / build_corpus.demo_name(index, name)
        assert copy.read_bytes() == (MESSAGES_DIR / build_corpus.filename(name)).read_bytes()
        assert name in EXPECTED


def test_demo_config_is_valid_and_guards_the_same_organisation() -> None:
    demo = load_config(DEMO_DIR.parent / "config.toml")
    assert demo.organisation.domains == load_config(CONFIG_FILE).organisation.domains


# --- the real command -----------------------------------------------------------------------


def _run_cli(*paths: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mailwarden", "scan", "--json", "--config", str(CONFIG_FILE)]
    return subprocess.run(
        [*command, *map(str, paths)], capture_output=True, text=True, timeout=240, check=False
    )


def test_cli_prints_one_json_line_per_message_in_order_and_exits_1(
    scan_scenario: Callable[[str], Scanned],
) -> None:
    result = _run_cli(MESSAGES_DIR)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    expected_order = sorted(p.name for p in MESSAGES_DIR.iterdir())
    assert len(lines) == len(expected_order), result.stderr
    for line, name in zip(lines, expected_order, strict=True):
        record = json.loads(line)
        assert Path(record["source"]).name == name
        assert {"source", "findings", "recipients", "errors"} <= set(record)
        in_process = scan_scenario(Path(name).stem).json
        assert _summary(record) == _summary(in_process), f"CLI and library disagree on {name}"


def test_cli_exits_0_for_the_clean_message() -> None:
    result = _run_cli(MESSAGES_DIR / "clean_meeting_invite.eml")
    assert result.returncode == 0, result.stdout + result.stderr
    [line] = result.stdout.splitlines()
    assert json.loads(line)["errors"] == []


def _summary(record: dict[str, object]) -> object:
    findings = record["findings"]
    recipients = record["recipients"]
    assert isinstance(findings, list) and isinstance(recipients, list)
    return (
        sorted((f["type"], f["text"], f["location"]) for f in findings),
        [(r["address"], r["verdict"]) for r in recipients],
    )
