"""Each recognizer's speed on three kinds of text, against a bare tokenising pass.

    .venv/bin/python bench/recognizers.py [--size 1000000] [--rounds 3] [--records 5000]

Texts (each `--size` characters):
- prose: ordinary English (the standard library's own documentation), few hits;
- mail: the seed-case message body repeated, dense with hits;
- table: CSV-style rows ("Header: value" cells, as the table extractors write them).

The baseline, named in every row, is one pass of a compiled `\\w+` regex over the same
text: the least any recognizer that reads every word could cost. A recognizer at "3.0×"
costs three such passes. The known-record recognizer is loaded with `--records` rows.
Figures are best-of-rounds wall times on this machine; the load average is printed.
Repeated text hits the PERSON recognizer's caches, so its figures for mail and table are
an upper bound: bench/scan.py measures it on varied mail.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import inspect
import os
import random
import re
import tempfile
import time
from pathlib import Path

from mailwarden.config import config_from_dict
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers import build_recognizers

REPO = Path(__file__).resolve().parent.parent
SEED_CASE = REPO / "tests" / "scenarios" / "messages" / "police_wrong_recipient_race_hate.eml"


PROSE_MODULES = (
    "argparse", "email.message", "http.client", "logging", "pathlib", "subprocess",
    "textwrap", "unittest.case", "collections", "datetime", "zipfile", "smtplib",
)  # fmt: skip


def english_prose(size: int) -> str:
    """Ordinary English: the docstrings of some standard-library modules, repeated."""
    docs: list[str] = []
    for name in PROSE_MODULES:
        module = importlib.import_module(name)
        for obj in (module, *vars(module).values()):
            if inspect.ismodule(obj) or inspect.isclass(obj) or inspect.isfunction(obj):
                docs.append(inspect.getdoc(obj) or "")
    base = "\n\n".join(dict.fromkeys(d for d in docs if d))
    return (base * (size // len(base) + 1))[:size]


def seed_mail(size: int) -> str:
    text = SEED_CASE.read_text(encoding="utf-8", errors="replace")
    body = text.split("\n\n", 1)[-1]
    return (body * (size // len(body) + 1))[:size]


def table_rows(size: int, rng: random.Random) -> str:
    firsts = ("Alfie", "Ellie", "Priya", "Tom", "Aisha", "Kai", "Zoe", "Oliver")
    lasts = ("Whitaker", "Marsh", "Sharma", "Briggs", "Rahman", "Dempsey", "Ashworth")
    rows = []
    total = 0
    while total < size:
        row = (
            f"Job: {rng.randrange(10**5, 10**6)}\tTenant: {rng.choice(firsts)} "
            f"{rng.choice(lasts)}\tAddress: {rng.randrange(1, 200)} Mill Lane, Northmoor\t"
            "Repair: Boiler not heating, engineer booked for Tuesday morning"
        )
        rows.append(row)
        total += len(row) + 1
    return "\n".join(rows)[:size]


def records_file(folder: Path, count: int, rng: random.Random) -> Path:
    path = folder / "records.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "nhs_number", "address"])
        for n in range(count):
            writer.writerow(
                [f"Person {n} Surname{n}", str(rng.randrange(10**9, 10**10)), f"{n} High Road"]
            )
    return path


def best_seconds(work: object, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--records", type=int, default=5000)
    args = parser.parse_args()
    rng = random.Random(1)
    texts = {
        "prose": english_prose(args.size),
        "mail": seed_mail(args.size),
        "table": table_rows(args.size, rng),
    }
    tokens = re.compile(r"\w+")
    baseline = {
        kind: best_seconds(lambda t=text: sum(1 for _ in tokens.finditer(t)), args.rounds)
        for kind, text in texts.items()
    }
    with tempfile.TemporaryDirectory() as folder:
        config = config_from_dict(
            {
                "detect": {
                    "known_records": {"files": [str(records_file(Path(folder), args.records, rng))]}
                }
            }
        )
        recognizers = build_recognizers(config)
    print(f"recognizer speed, {args.size:,} characters per text, best of {args.rounds}; "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("baseline: one pass of re.compile(r'\\w+').finditer over the same text")
    header = f"{'recognizer':20s}" + "".join(f"{k + ' MB/s':>12s}{'× base':>9s}" for k in texts)
    print(header)
    print("-" * len(header))
    print(
        f"{'(baseline)':20s}"
        + "".join(f"{args.size / baseline[k] / 1e6:12.1f}{1.0:9.1f}" for k in texts)
    )
    context = TextContext()
    for recognizer in recognizers:
        row = f"{recognizer.name:20s}"
        for kind, text in texts.items():
            many = getattr(recognizer, "analyze_many", None)
            if many is not None:
                seconds = best_seconds(lambda t=text, m=many: m([t], [context]), args.rounds)
            else:
                seconds = best_seconds(
                    lambda t=text, r=recognizer: list(r.analyze(t, context)), args.rounds
                )
            row += f"{args.size / seconds / 1e6:12.2f}{seconds / baseline[kind]:9.1f}"
        print(row)


if __name__ == "__main__":
    main()
