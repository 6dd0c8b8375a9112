"""The pre-send check benchmark: concurrent checks over HTTP against `mailwarden serve`,
beside the same drafts scanned in-process.

    .venv/bin/python bench/presend.py                          # 50 clients, back to back
    .venv/bin/python bench/presend.py --requests 300 --pdf-requests 60   # a quick run
    .venv/bin/python bench/presend.py --rate 40 --pdf-rate 2   # paced: checks offered per second
    .venv/bin/python bench/presend.py --workers 2              # two server processes

What it does, in order:

1. drafts (not timed): the text messages of the scan bench's corpus (bench/corpus.py) as
   the JSON drafts an add-in sends (from, to, cc, subject, and the text and HTML bodies
   the message has), every one distinct, so the language model's cache is not flattered;
   the PDF drafts are the first of them with a 2 MB PDF attached: three pages of the
   corpus's text, which the scan extracts, and a scanned page's JPEG, as bench/corpus.py
   writes a scanned letter (each PDF distinct too);
2. the server: `mailwarden serve` as a child process, with the shipped policy, the
   corpus's five organisations as its own, no knowledge store unless `--db`, a SQLite
   record database in a temporary folder, `--workers` processes; one domain token per
   organisation, so each draft is checked with its sender's;
3. each phase (plain drafts, then PDF drafts), after a warm-up of `--clients` checks:
   - back to back (the default): `--clients` httpx async clients, each sending its next
     check as soon as its last is answered, until `--requests` are answered: the server
     saturated, so latency is mostly waiting (Little's law: clients / throughput);
   - paced (`--rate R`): checks arrive at R per second (Poisson), at most `--clients` in
     flight; a check's latency counts from when it arrived, waiting for a client included;
   per check, the time from sending to the whole answer; requests/s over the phase's wall
   time; the CPU seconds of the server (every process of it) and of this process (the
   clients share the machine's cores with the server);
4. the baseline: the same drafts as MIME (as the server makes them) through
   `Scanner.scan_bytes` in this process, one at a time, after the server has stopped;
5. the goals: p99 under 150 ms plain and under 1 s with the PDF.

Exits 1 when a check was answered with anything but 200.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import json
import math
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import httpx

from corpus import ORGANISATIONS, generate, pdf
from mailwarden.api.draft import mailbox, mime_from_draft
from mailwarden.api.models import Draft
from mailwarden.config import config_from_dict
from mailwarden.policy.schema import default_policy as shipped_policy
from mailwarden.record import open_record_database
from mailwarden.record.tokens import TokenStore
from mailwarden.scan import Scanner
from postfix_instance import free_ports, start_http_server

GOAL_PLAIN_P99_MS = 150.0
GOAL_PDF_P99_MS = 1000.0
PDF_BYTES = 2 * 1024 * 1024
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Phase:
    """One phase's answers."""

    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    verdicts: Counter[str] = field(default_factory=Counter)
    wall: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    server_rss_mb: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0


# --- the drafts ----------------------------------------------------------------------------


def drafts(count: int, seed: int) -> list[dict[str, Any]]:
    """`count` distinct JSON drafts from the corpus's text messages."""
    found: list[dict[str, Any]] = []
    for item in generate(math.ceil(count * 1.5) + 20, seed):
        if item.kind == "text":
            found.append(as_draft(item.raw))
        if len(found) == count:
            return found
    raise SystemExit(f"the corpus gave only {len(found)} text messages")


def as_draft(raw: bytes) -> dict[str, Any]:
    message = message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    draft: dict[str, Any] = {
        "from": str(message["From"]),
        "to": [str(a) for a in message["To"].addresses],
        "cc": [str(a) for a in message["Cc"].addresses] if message["Cc"] else [],
        "subject": str(message["Subject"]),
    }
    for part in message.walk():
        kind = part.get_content_type()
        if kind in ("text/plain", "text/html") and not part.is_attachment():
            draft["text" if kind == "text/plain" else "html"] = part.get_content()
    return draft


def with_pdf(draft: dict[str, Any], index: int, seed: int) -> dict[str, Any]:
    """The draft with a 2 MB PDF: three pages of its text, and a scanned page's JPEG."""
    rng = random.Random(seed * 1_000_003 + index)
    text = draft.get("text") or draft.get("html") or ""
    lines = [line for paragraph in text.splitlines() for line in textwrap.wrap(paragraph, 95)]
    lines = (lines * (1 + 150 // max(1, len(lines))))[:150]
    pages = [lines[i : i + 50] for i in range(0, len(lines), 50)]
    bare = len(pdf(pages))
    jpeg = b"\xff\xd8\xff\xe1" + rng.randbytes(PDF_BYTES - bare - 400) + b"\xff\xd9"
    document = pdf(pages, jpeg)
    attachment = {
        "filename": f"Scan_{index:05d}.pdf",
        "content_type": "application/pdf",
        "content_base64": base64.b64encode(document).decode(),
    }
    return {**draft, "attachments": [attachment]}


def domain_of(draft: dict[str, Any]) -> str:
    return str(draft["from"]).rsplit("@", 1)[1].rstrip(">").lower()


# --- the server ----------------------------------------------------------------------------


def start_server(folder: Path, args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], str]:
    (port,) = free_ports(1)
    domains = ", ".join(f'"{d}"' for d in sorted({o.domain for o in ORGANISATIONS}))
    config = folder / "mailwarden.toml"
    config.write_text(
        f"[organisation]\ndomains = [{domains}]\n\n"
        f'[knowledge]\nkey_file = "{folder / "mailwarden.key"}"\n\n'
        f'[gateway]\nquarantine = "{folder / "quarantine"}"\n\n'
        f'[api]\nlisten = "127.0.0.1:{port}"\nscan_threads = {args.scan_threads}\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "mailwarden", "serve", "--config", str(config)]
    if args.db:
        command += ["--db", args.db]
    if args.workers > 1:
        command += ["--workers", str(args.workers)]
    url = f"http://127.0.0.1:{port}"
    process = start_http_server(command, folder / "serve.log", f"{url}/openapi.json", 120)
    return process, url


def make_tokens(folder: Path, domains: set[str]) -> dict[str, str]:
    """One domain token per sender domain, in the server's record database."""
    engine = open_record_database(f"sqlite:///{folder / 'quarantine' / 'holds.db'}")
    tokens = TokenStore(engine)
    made = {d: tokens.create(f"bench-{d}", domain=d)[1] for d in sorted(domains)}
    engine.dispose()
    return made


def tree_cpu(pid: int) -> float:
    """CPU seconds (user and system) of a process and every live descendant of it."""
    return sum((int(f[11]) + int(f[12])) / TICKS for f in _tree(pid))


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and every live descendant of it, in MB."""
    return sum(int(f[21]) * os.sysconf("SC_PAGE_SIZE") for f in _tree(pid)) / 1e6


def _tree(pid: int) -> list[list[str]]:
    """The /proc stat fields (after the command) of a process and its live descendants."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        stats[int(entry.name)] = fields
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        if current in stats:
            found.append(stats[current])
        todo += children.get(current, [])
    return found


# --- the clients ---------------------------------------------------------------------------


async def fire(
    url: str,
    bodies: Sequence[tuple[bytes, str]],
    clients: int,
    total: int,
    rate: float | None,
    phase: Phase,
) -> None:
    """`total` checks from `clients` clients, back to back, or arriving at `rate` a second."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=300) as client:

        async def check(index: int, arrived: float) -> None:
            body, token = bodies[index % len(bodies)]
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            answer = await client.post("/v1/check", content=body, headers=headers)
            phase.latencies.append(time.perf_counter() - arrived)
            phase.statuses[answer.status_code] += 1
            if answer.status_code == 200:
                phase.verdicts[json.loads(answer.content)["verdict"]] += 1

        started = time.perf_counter()
        if rate is None:
            counter = itertools.count()

            async def client_loop() -> None:
                while (index := next(counter)) < total:
                    await check(index, time.perf_counter())

            await asyncio.gather(*(client_loop() for _ in range(clients)))
        else:
            slots = asyncio.Semaphore(clients)
            rng = random.Random(1)
            arrival = started
            pending = []

            async def paced(index: int, arrived: float) -> None:
                async with slots:
                    await check(index, arrived)

            for index in range(total):
                arrival += rng.expovariate(rate)
                await asyncio.sleep(max(0.0, arrival - time.perf_counter()))
                pending.append(asyncio.create_task(paced(index, arrival)))
            await asyncio.gather(*pending)
        phase.wall = time.perf_counter() - started


def run_phase(
    name: str,
    url: str,
    server: int,
    bodies: Sequence[tuple[bytes, str]],
    args: argparse.Namespace,
    total: int,
    rate: float | None,
) -> Phase:
    warm_up = Phase("warm-up")
    asyncio.run(fire(url, bodies[-args.clients :], args.clients, args.clients, None, warm_up))
    phase = Phase(name)
    server_before, client_before = tree_cpu(server), time.process_time()
    asyncio.run(fire(url, bodies, args.clients, total, rate, phase))
    phase.server_cpu = tree_cpu(server) - server_before
    phase.client_cpu = time.process_time() - client_before
    phase.server_rss_mb = tree_rss_mb(server)
    return phase


# --- the baseline --------------------------------------------------------------------------


def in_process(scanner: Scanner, chosen: Sequence[dict[str, Any]]) -> list[float]:
    """`scan_bytes` of each draft as the server makes it into MIME, one at a time."""
    messages = [
        mime_from_draft(d := Draft.model_validate(x), mailbox(d.sender or "", "from"))
        for x in chosen
    ]
    scanner.scan_bytes(messages[-1], "warm-up")
    seconds = []
    for raw in messages:
        started = time.perf_counter()
        scanner.scan_bytes(raw, "bench")
        seconds.append(time.perf_counter() - started)
    return seconds


# --- the report ----------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _row(name: str, rate: float, seconds: Sequence[float], extra: str = "") -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{name:34} {rate:8.1f} {percentile(ms, 50):8.0f} {percentile(ms, 95):8.0f} "
        f"{percentile(ms, 99):8.0f} {max(ms, default=0):8.0f}  {extra}"
    )


def render(
    args: argparse.Namespace,
    phases: Sequence[Phase],
    baselines: dict[str, list[float]],
    sizes: dict[str, float],
    load: float,
) -> str:
    mode = "back to back" if args.rate is None else "paced"
    lines = [
        f"mailwarden pre-send benchmark — {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, "
        f"commit {_commit()}",
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load:.1f} at the start",
        f"server: mailwarden serve, {args.workers} process(es), scan_threads "
        f"{args.scan_threads}, {'knowledge store ' + args.db if args.db else 'no knowledge store'}"
        f", shipped policy, SQLite record database",
        f"drafts: {sizes['plain_count']:,} plain (mean JSON {sizes['plain_kb']:.1f} KB), "
        f"{sizes['pdf_count']:,} with a 2 MB PDF (JSON {sizes['pdf_kb']:.0f} KB); "
        f"{args.clients} clients, {mode}",
        "",
        f"{'':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}",
    ]
    for phase in phases:
        count = max(1, len(phase.latencies))
        offered = args.rate if phase.name == "plain" else args.pdf_rate
        label = f"HTTP, {phase.name}" + (f" at {offered:g}/s" if offered else "")
        cpu = (
            f"CPU ms/check: server {phase.server_cpu / count * 1000:.1f}, "
            f"clients {phase.client_cpu / count * 1000:.1f}"
        )
        lines.append(_row(label, phase.rate, phase.latencies, cpu))
    for name, seconds in baselines.items():
        rate = len(seconds) / sum(seconds) if seconds else 0.0
        lines.append(_row(f"in-process scan_bytes, {name}", rate, seconds, "one at a time"))
    lines.append(
        "server memory (RSS, every process) after each phase: "
        + ", ".join(f"{p.name} {p.server_rss_mb:.0f} MB" for p in phases)
    )
    lines += ["", "ANSWERS"]
    for phase in phases:
        statuses = ", ".join(f"{n} × {s}" for s, n in sorted(phase.statuses.items()))
        verdicts = ", ".join(f"{v} {n}" for v, n in phase.verdicts.most_common())
        lines.append(f"  {phase.name}: {statuses}; verdicts: {verdicts}")
    lines += ["", "GOALS"]
    for phase, goal in zip(phases, (GOAL_PLAIN_P99_MS, GOAL_PDF_P99_MS), strict=False):
        p99 = percentile(phase.latencies, 99) * 1000
        verdict = "met" if p99 < goal else "NOT met"
        lines.append(f"  {phase.name}: p99 under {goal:.0f} ms: {p99:.0f} ms, {verdict}")
    lines.append(f"load average {os.getloadavg()[0]:.1f} at the end")
    return "\n".join(lines)


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent,
        check=False,
    )
    return done.stdout.strip() or "unknown"


# --- main ----------------------------------------------------------------------------------


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--requests", type=int, default=1000, help="plain checks timed (1000)")
    parser.add_argument("--pdf-requests", type=int, default=200, help="PDF checks timed (200)")
    parser.add_argument("--pdfs", type=int, default=20, help="distinct PDF drafts (20)")
    parser.add_argument("--rate", type=float, help="plain checks offered per second (paced)")
    parser.add_argument("--pdf-rate", type=float, help="PDF checks offered per second (paced)")
    parser.add_argument("--workers", type=int, default=1, help="server processes (1)")
    parser.add_argument("--scan-threads", type=int, default=2, help="[api] scan_threads (2)")
    parser.add_argument("--db", help="a knowledge store URL for the server (default: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline", type=int, default=300, help="plain drafts scanned in-process")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    load = os.getloadavg()[0]
    plain = drafts(args.requests + args.clients, args.seed)
    with_pdfs = [with_pdf(d, i, args.seed) for i, d in enumerate(plain[: args.pdfs])]
    sizes = {
        "plain_count": len(plain),
        "pdf_count": len(with_pdfs),
        "plain_kb": sum(len(json.dumps(d)) for d in plain) / len(plain) / 1024,
        "pdf_kb": len(json.dumps(with_pdfs[0])) / 1024,
    }
    phases = []
    with tempfile.TemporaryDirectory(prefix="mailwarden-presend-") as tmp:
        folder = Path(tmp)
        process, url = start_server(folder, args)
        try:
            tokens = make_tokens(folder, {domain_of(d) for d in plain})
            for name, chosen, total, rate in (
                ("plain", plain, args.requests, args.rate),
                ("PDF", with_pdfs, args.pdf_requests, args.pdf_rate),
            ):
                bodies = [(json.dumps(d).encode(), tokens[domain_of(d)]) for d in chosen]
                phases.append(run_phase(name, url, process.pid, bodies, args, total, rate))
                print(f"{name}: {phases[-1].rate:.1f} req/s", file=sys.stderr)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(60)
    domains = sorted({o.domain for o in ORGANISATIONS})
    scanner = Scanner(
        config_from_dict({"organisation": {"domains": domains}}), policy=shipped_policy()
    )
    baselines = {
        "plain": in_process(scanner, plain[: args.baseline]),
        "PDF": in_process(scanner, with_pdfs),
    }
    print(render(args, phases, baselines, sizes, load))
    if args.json:
        figures = {
            "phases": [
                {
                    "name": p.name,
                    "requests_per_second": p.rate,
                    "latency_ms": {
                        q: percentile(p.latencies, n) * 1000
                        for q, n in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))
                    },
                    "statuses": dict(p.statuses),
                    "server_cpu_seconds": p.server_cpu,
                    "client_cpu_seconds": p.client_cpu,
                    "server_rss_mb": p.server_rss_mb,
                }
                for p in phases
            ],
            "baseline_ms": {
                k: {q: percentile(v, n) * 1000 for q, n in (("p50", 50), ("p99", 99))}
                for k, v in baselines.items()
            },
            "arguments": {k: str(v) for k, v in vars(args).items()},
        }
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    failed = any(set(p.statuses) - {200} for p in phases)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
