"""Whatever bytes arrive, parse, extract and scan return a result, in time, without an exception.

Seeds are the scenario corpus and the 212 rspamd test messages in
../shared/corpora (skipped when that folder is absent). Hypothesis throws random
bytes at the stages and mutates the seeds the ways real and hostile mail
breaks: flipped bits, inserted and deleted runs, truncation, duplicated or
missing MIME boundaries, corrupted header lines, splices of two messages.

The time limit (`limits.seconds_per_message`) is set to 2 s here; a scan may
overrun it only by the parse and the last step in flight (MARGIN).
"""

from __future__ import annotations

import io
import json
import os
import re
import time
import zipfile
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailwarden.config import Config, config_from_dict
from mailwarden.extract import Budget, extract_message
from mailwarden.message import parse_message
from mailwarden.report import ScanReport
from mailwarden.scan import Scanner

REPO = Path(__file__).resolve().parents[2]
SCENARIO_MESSAGES = REPO / "tests" / "scenarios" / "messages"
RSPAMD_MESSAGES = REPO.parent / "shared" / "corpora" / "rspamd-messages"

SECONDS_PER_MESSAGE = 2.0
MARGIN = 3.0
SCALE = int(os.environ.get("MAILWARDEN_FUZZ_SCALE", "1"))
"""Multiplies every example count: MAILWARDEN_FUZZ_SCALE=50 for a long hunt, 1 in CI (~10 s)."""
MAX_SEED_BYTES = 256 * 1024
"""Seeds larger than this are left out of mutation, to keep each example quick."""


def _message_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".md")


SCENARIO_FILES = _message_files(SCENARIO_MESSAGES)
RSPAMD_FILES = _message_files(RSPAMD_MESSAGES)
SEEDS = [
    p.read_bytes() for p in SCENARIO_FILES + RSPAMD_FILES if p.stat().st_size <= MAX_SEED_BYTES
]


def _attachments(raw: bytes) -> list[tuple[str, str, bytes]]:
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    found = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and len(payload) <= MAX_SEED_BYTES:
            found.append((part.get_filename() or "file", part.get_content_type(), payload))
    return found


ATTACHMENTS = [a for p in SCENARIO_FILES for a in _attachments(p.read_bytes())]
"""Every office file, PDF, RTF, CSV, zip and attached message in the scenario corpus."""

FUZZ_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def fuzz_config() -> Config:
    return config_from_dict({"limits": {"seconds_per_message": SECONDS_PER_MESSAGE}})


@pytest.fixture(scope="module")
def fuzz_scanner(fuzz_config: Config) -> Scanner:
    return Scanner(fuzz_config)


# --- mutations ------------------------------------------------------------------------------

_BOUNDARY = re.compile(rb'boundary="?([^";\r\n]+)"?', re.IGNORECASE)
_HEADER_LINE = re.compile(rb"^[A-Za-z-]+:.*$", re.MULTILINE)

_HEADER_GARBAGE = [
    b"Content-Type: multipart/mixed; boundary=",
    b'Content-Type: multipart/mixed; boundary="' + b"x" * 2000 + b'"',
    b'Content-Type: text/plain; charset="x-\xff\xfe-unknown"',
    b"Content-Transfer-Encoding: base64",
    b"Content-Transfer-Encoding: quoted-printable",
    b'To: =?utf-8?q?=ZZ?= <@>, "unclosed <a@b',
    b"From: " + b"<" * 500,
    b"Subject: =?unknown-8bit?b?////?=",
    b"Content-Disposition: attachment; filename*=utf-8''%ff%fe.docx",
    b"Subject: \xe9\xe8\xff\x00\x01",
    b"X-Folded:" + b"\n " * 300 + b"end",
]


@st.composite
def _mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """One way mail breaks, applied to `data`."""
    size = max(len(data), 1)
    position = draw(st.integers(0, size - 1))
    kind = draw(
        st.sampled_from(
            ["flip", "insert", "delete", "truncate", "boundary", "header", "splice", "repeat"]
        )
    )
    if kind == "flip":
        bit = draw(st.integers(0, 7))
        if not data:
            return data
        return data[:position] + bytes([data[position] ^ (1 << bit)]) + data[position + 1 :]
    if kind == "insert":
        return data[:position] + draw(st.binary(min_size=1, max_size=64)) + data[position:]
    if kind == "delete":
        length = draw(st.integers(1, 512))
        return data[:position] + data[position + length :]
    if kind == "truncate":
        return data[:position]
    if kind == "boundary":
        return _break_boundaries(draw, data)
    if kind == "header":
        end = data.find(b"\n\n")
        lines = list(_HEADER_LINE.finditer(data, 0, len(data) if end < 0 else end))
        garbage = draw(st.sampled_from(_HEADER_GARBAGE))
        if not lines:
            return garbage + b"\n" + data
        line = draw(st.sampled_from(lines))
        return data[: line.start()] + garbage + data[line.end() :]
    if kind == "splice":
        other = draw(st.sampled_from(SEEDS)) if SEEDS else b""
        cut = draw(st.integers(0, max(len(other) - 1, 0)))
        return data[:position] + other[cut:]
    chunk = data[position : position + draw(st.integers(1, 200))]
    return data[:position] + chunk * draw(st.integers(2, 50)) + data[position:]


def _break_boundaries(draw: st.DrawFn, data: bytes) -> bytes:
    """Duplicate a boundary line, drop the closing one, or nest a part's opening twice."""
    match = _BOUNDARY.search(data)
    if match is None:
        return data
    delimiter = b"--" + match.group(1)
    lines = data.split(b"\n")
    at = [i for i, line in enumerate(lines) if line.startswith(delimiter)]
    if not at:
        return data
    how = draw(st.sampled_from(["duplicate", "drop_close", "close_early", "many"]))
    index = draw(st.sampled_from(at))
    if how == "duplicate":
        lines.insert(index, lines[index])
    elif how == "drop_close":
        lines = [line for line in lines if line.rstrip() != delimiter + b"--"]
    elif how == "close_early":
        lines.insert(index + 1, delimiter + b"--")
    else:
        lines[index:index] = [delimiter] * draw(st.integers(10, 400))
    return b"\n".join(lines)


@st.composite
def mutated_messages(draw: st.DrawFn) -> bytes:
    """A seed message with one to five mutations."""
    data = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 5))):
        data = draw(_mutation(data))
    return data


def _rezip_with_mutated_member(draw: st.DrawFn, data: bytes) -> bytes:
    """The same zip (DOCX, XLSX, ODT...) with one member's bytes broken: bad XML, not a bad zip."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        members = [(info, source.read(info)) for info in source.infolist()]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return data
    if not members:
        return data
    index = draw(st.integers(0, len(members) - 1))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for position, (info, content) in enumerate(members):
            if position == index:
                content = draw(_mutation(content))
            target.writestr(info.filename, content)
    return out.getvalue()


@st.composite
def messages_with_a_broken_attachment(draw: st.DrawFn) -> bytes:
    """A message carrying one of the corpus' attachments, its decoded bytes (or a member) broken."""
    name, content_type, data = draw(st.sampled_from(ATTACHMENTS))
    if data.startswith(b"PK\x03\x04") and draw(st.booleans()):
        data = _rezip_with_mutated_member(draw, data)
    else:
        for _ in range(draw(st.integers(1, 3))):
            data = draw(_mutation(data))
    message = EmailMessage()
    message["From"] = "fuzz@northmoor.gov.uk"
    message["To"] = "someone@example.org"
    message["Subject"] = f"broken {name}"
    message.set_content("See attached.\n")
    maintype, _, subtype = content_type.partition("/")
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    message.set_boundary("=_fuzz_7f3a9c")  # the email package would draw one with `random`
    return message.as_bytes()


# --- the properties -------------------------------------------------------------------------


def _parse_and_extract(raw: bytes, config: Config) -> None:
    started = time.monotonic()
    message = parse_message(raw, config.limits.parsing())
    budget = Budget(config.limits.extraction(), started=started)
    result = extract_message(message, budget=budget)
    assert isinstance(result.segments, list) and isinstance(result.problems, list)
    assert time.monotonic() - started < SECONDS_PER_MESSAGE + MARGIN


def _assert_scan_is_sound(scanner: Scanner, raw: bytes) -> ScanReport:
    started = time.monotonic()
    report = scanner.scan_bytes(raw, "fuzz.eml")
    elapsed = time.monotonic() - started
    assert elapsed < SECONDS_PER_MESSAGE + MARGIN, f"scan took {elapsed:.1f}s"
    # the JSON Lines contract must be printable: no lone surrogates from undecodable bytes
    json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8")
    return report


@settings(FUZZ_SETTINGS, max_examples=200 * SCALE)
@given(raw=st.binary(max_size=4096))
def test_random_bytes_parse_and_extract(raw: bytes, fuzz_config: Config) -> None:
    _parse_and_extract(raw, fuzz_config)


@settings(FUZZ_SETTINGS, max_examples=200 * SCALE)
@given(raw=mutated_messages())
def test_mutated_messages_parse_and_extract(raw: bytes, fuzz_config: Config) -> None:
    _parse_and_extract(raw, fuzz_config)


@settings(FUZZ_SETTINGS, max_examples=200 * SCALE)
@given(raw=messages_with_a_broken_attachment())
def test_broken_attachments_parse_and_extract(raw: bytes, fuzz_config: Config) -> None:
    _parse_and_extract(raw, fuzz_config)


@settings(FUZZ_SETTINGS, max_examples=80 * SCALE)
@given(
    raw=st.one_of(mutated_messages(), messages_with_a_broken_attachment(), st.binary(max_size=2048))
)
def test_mutated_messages_scan_to_a_printable_report_in_time(
    raw: bytes, fuzz_scanner: Scanner
) -> None:
    _assert_scan_is_sound(fuzz_scanner, raw)


@settings(FUZZ_SETTINGS, max_examples=80 * SCALE)
@given(raw=st.one_of(mutated_messages(), messages_with_a_broken_attachment()))
def test_mutated_messages_never_need_the_safety_net(raw: bytes, fuzz_scanner: Scanner) -> None:
    """`scan_bytes` turns a crash into an 'internal' error; no input should get that far."""
    report = _assert_scan_is_sound(fuzz_scanner, raw)
    internal = [p for p in report.problems if p.kind == "internal"]
    assert not internal, internal


# --- every seed as it is ----------------------------------------------------------------------


@pytest.mark.skipif(not RSPAMD_FILES, reason=f"{RSPAMD_MESSAGES} is absent")
def test_every_rspamd_message_scans_to_a_result_in_time(fuzz_scanner: Scanner) -> None:
    assert len(RSPAMD_FILES) == 212
    failures = []
    for path in RSPAMD_FILES:
        try:
            report = _assert_scan_is_sound(fuzz_scanner, path.read_bytes())
        except AssertionError as exc:
            failures.append(f"{path.name}: {exc}")
            continue
        internal = [p.detail for p in report.problems if p.kind == "internal"]
        if internal:
            failures.append(f"{path.name}: {internal}")
    assert not failures, "\n".join(failures)


def test_every_scenario_message_scans_to_a_result_in_time(fuzz_scanner: Scanner) -> None:
    assert SCENARIO_FILES, "the scenario corpus is missing"
    for path in SCENARIO_FILES:
        report = _assert_scan_is_sound(fuzz_scanner, path.read_bytes())
        assert not [p for p in report.problems if p.kind == "internal"], path.name


# --- what fuzzing found, kept as named regressions -------------------------------------------

UNPARSEABLE_HEADERS = [
    b"Message-ID: <x@",  # IndexError in the stdlib header parser
    b"Message-ID: <@>",  # IndexError
    b"Message-ID: <x@[",  # UnboundLocalError
    b"Date: Sat, 2222222226 Jan 2019 12:04:58 +0100",  # OverflowError
    b"Date: Sat, 26 Jan 2019 12:04:58 +99999999999",  # ValueError from the offset
]
"""Header lines the stdlib raises on when asked for their value (found by fuzzing)."""


@pytest.mark.parametrize("header", UNPARSEABLE_HEADERS, ids=lambda v: v.decode())
def test_an_unparseable_header_does_not_lose_the_whole_message(
    header: bytes, fuzz_scanner: Scanner
) -> None:
    """One bad header must not cost the recipients and the content."""
    raw = (
        header + b"\nFrom: ward12@northmoor-hospitals.nhs.uk\n"
        b"To: j.patel@example.com\nSubject: NHS number 485 777 3457\n\nDischarged today.\n"
    )
    report = fuzz_scanner.scan_bytes(raw, "unparseable-header.eml")
    assert not [p for p in report.problems if p.kind == "internal"], report.problems
    assert [r.mailbox.address for r in report.message.recipients] == ["j.patel@example.com"]
    assert ("UK_NHS", "485 777 3457") in {(f.type.value, f.text) for f in report.findings}
