"""expected.toml read into small checks, each one promise about one scenario's scan.

A check takes the scan's JSON (the `mailwarden scan --json` contract) and
returns None when the promise is kept, or a sentence saying how it was broken.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mailwarden.report import ScanReport

HERE = Path(__file__).resolve().parent
EXPECTED_FILE = HERE / "expected.toml"
MESSAGES_DIR = HERE / "messages"
CONFIG_FILE = HERE / "config.toml"
VERDICTS = ("deliver", "confirm", "hold", "reject")
DEFAULT_MAX_SECONDS = 10.0

Report = dict[str, Any]


@dataclass(frozen=True)
class Scanned:
    """One scenario's scan: the report, its JSON (the CLI contract) and the wall time."""

    report: ScanReport
    json: Report
    seconds: float


def load_expected() -> dict[str, dict[str, Any]]:
    with EXPECTED_FILE.open("rb") as handle:
        return tomllib.load(handle)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _one_or_many(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _listing(report: Report) -> str:
    found = [f"{f['type']} {f['text']!r} @ {f['location']}" for f in report["findings"]]
    return "; ".join(found[:40]) or "nothing"


@dataclass(frozen=True)
class Check:
    """One promise: an id for the test report, and the function that tests it."""

    scenario: str
    id: str
    run: Callable[[Report], str | None]


def must_find(scenario: str, spec: dict[str, Any]) -> Check:
    types = _one_or_many(spec["type"])
    text = spec.get("text")
    location = spec.get("location", "")
    category = spec.get("category")
    position = spec.get("position")

    def run(report: Report) -> str | None:
        for finding in report["findings"]:
            if finding["type"] not in types or not finding["location"].startswith(location):
                continue
            if text is not None and _norm(text) not in _norm(finding["text"]):
                continue
            if category is not None and finding.get("category") != category:
                continue
            if position is not None and position not in finding.get("position", ""):
                continue
            return None
        wanted = "|".join(types)
        details = "".join(
            [
                f" {text!r}" if text is not None else "",
                f" ({category})" if category else "",
                f" at {location or 'anywhere'}",
                f", position containing {position!r}" if position else "",
            ]
        )
        return f"expected {wanted}{details}; found: {_listing(report)}"

    label = "|".join(types) + (f":{text}" if text else "") + (f":{category}" if category else "")
    return Check(scenario, f"finds {label} @ {location or '*'}", run)


def must_not_find(scenario: str, spec: dict[str, Any]) -> Check:
    kind, text = spec["type"], _norm(spec["text"])

    def run(report: Report) -> str | None:
        for finding in report["findings"]:
            found = _norm(finding["text"])
            if finding["type"] == kind and len(found) >= 3 and (found in text or text in found):
                return f"{kind} {finding['text']!r} at {finding['location']} should not be reported"
        return None

    return Check(scenario, f"not {kind}:{spec['text']}", run)


def no_findings(scenario: str) -> Check:
    def run(report: Report) -> str | None:
        return None if not report["findings"] else f"expected nothing; found: {_listing(report)}"

    return Check(scenario, "finds nothing", run)


def absent_type(scenario: str, kind: str) -> Check:
    def run(report: Report) -> str | None:
        wrong = [f for f in report["findings"] if f["type"] == kind]
        if not wrong:
            return None
        return f"no {kind} expected; found {[f['text'] for f in wrong]}"

    return Check(scenario, f"no {kind} anywhere", run)


def _verdict_ok(actual: str, least: str) -> bool:
    if least == "deliver":
        return actual == "deliver"
    return VERDICTS.index(actual) >= VERDICTS.index(least)


def recipient_verdict(scenario: str, address: str, least: str) -> Check:
    def run(report: Report) -> str | None:
        verdicts = [r["verdict"] for r in report["recipients"] if r["address"] == address]
        if not verdicts:
            listed = [r["address"] for r in report["recipients"]]
            return f"no verdict for {address}; recipients: {listed}"
        if all(_verdict_ok(v, least) for v in verdicts):
            return None
        need = "exactly deliver" if least == "deliver" else f"at least {least}"
        return f"{address}: {verdicts}, expected {need}"

    return Check(scenario, f"{address} -> {least}", run)


def every_recipient(scenario: str, least: str, count: int) -> Check:
    def run(report: Report) -> str | None:
        recipients = report["recipients"]
        if len(recipients) != count:
            return f"expected {count} recipients, got {len(recipients)}"
        wrong = [r["address"] for r in recipients if not _verdict_ok(r["verdict"], least)]
        return f"{len(wrong)} recipients below {least}, e.g. {wrong[:3]}" if wrong else None

    return Check(scenario, f"all {count} recipients -> {least}", run)


def error_reported(scenario: str, spec: dict[str, Any]) -> Check:
    location, kinds = spec["location"], _one_or_many(spec["kind"])

    def run(report: Report) -> str | None:
        errors = [e for e in report["errors"] if e["location"].startswith(location)]
        if not any(e["kind"] in kinds for e in errors):
            return f"expected a {'/'.join(kinds)} error at {location}; errors: {report['errors']}"
        unscannable = [
            f
            for f in report["findings"]
            if f["type"] == "UNSCANNABLE" and f["location"].startswith(location)
        ]
        if not unscannable:
            return f"an error at {location} but no UNSCANNABLE finding there"
        return None

    return Check(scenario, f"error {'|'.join(kinds)} @ {location}", run)


def no_errors(scenario: str) -> Check:
    def run(report: Report) -> str | None:
        return f"unexpected errors: {report['errors']}" if report["errors"] else None

    return Check(scenario, "no errors", run)


def subject_reads(scenario: str, subject: str) -> Check:
    def run(report: Report) -> str | None:
        return None if report["subject"] == subject else f"subject {report['subject']!r}"

    return Check(scenario, "subject decoded", run)


def checks_for(scenario: str, spec: dict[str, Any]) -> list[Check]:
    """Every promise expected.toml makes about one scenario (not timing or exit status)."""
    checks = [must_find(scenario, s) for s in spec.get("findings", [])]
    checks += [must_not_find(scenario, s) for s in spec.get("absent", [])]
    checks += [absent_type(scenario, kind) for kind in spec.get("absent_types", [])]
    if spec.get("no_findings"):
        checks.append(no_findings(scenario))
    checks += [recipient_verdict(scenario, a, v) for a, v in spec.get("recipients", {}).items()]
    if "all_recipients" in spec:
        checks.append(every_recipient(scenario, spec["all_recipients"], spec["recipient_count"]))
    if "errors" in spec:
        checks += [error_reported(scenario, s) for s in spec["errors"]]
    else:
        checks.append(no_errors(scenario))
    if "subject" in spec:
        checks.append(subject_reads(scenario, spec["subject"]))
    return checks
