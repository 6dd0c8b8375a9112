"""The gateway benchmark: real Postfix with and without mailwarden as its content filter.

    .venv/bin/python bench/gateway.py                  # 500 messages of the scan bench's mix
    .venv/bin/python bench/gateway.py --plain          # ordinary text messages only
    .venv/bin/python bench/gateway.py --messages 100   # a quick run

Runs as root (Postfix's master needs it). What it does, in order:

1. generates the corpus (bench/corpus.py, the scan bench's 70/20/10 mix of text,
   attachment and large messages; `--plain`: its text messages only), not timed; each
   message goes from its From address to its To and Cc addresses;
2. runs the same two passes through two private Postfix instances (bench/postfix_instance.py),
   both relaying to one SMTP sink in this process: first Postfix alone (Postfix → sink),
   then Postfix with `mailwarden gateway` (a child process, the shipped default policy, the
   corpus's five organisations as its own) as its content filter: Postfix → mailwarden →
   Postfix's re-injection smtpd → sink, as deployed. Each pass starts after a warm-up:
   - latency: `--latency-messages` messages (spread evenly over the corpus, so the mix is
     kept) sent one at a time, each once the one before has arrived; the time from
     handing it to smtplib to its arrival at the sink, for messages that are delivered;
   - throughput: every message, from `--senders` SMTP sessions at once; messages/s is the
     count over the time from the first send to the last message accounted for;
   - accounting, by Message-ID: delivered (at the sink), held (in the quarantine) or
     refused (a bounce at the sink names it); anything else once Postfix's queue is empty
     is lost, and the bench exits 1;
   - CPU seconds per message of the gateway process, of the Postfix processes (the master,
     its children and the children it reaped) and of this process (senders and sink);
3. times the scan alone (`Scanner.scan_bytes` in this process, one message at a time,
   same policy and configuration): the ceiling the gateway's scan sets;
4. prints it all, with the goals: at least 50 messages/s through the filter on the mixed
   corpus; on plain messages, at least half of Postfix's own throughput; nothing lost.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import getaddresses
from pathlib import Path

from corpus import ORGANISATIONS, generate
from mailwarden.cli_gateway import postfix_lines
from mailwarden.gateway.quarantine import Quarantine
from postfix_instance import (
    Gateway,
    Postfix,
    Sink,
    free_ports,
    header,
    message_id,
    running_postfix,
    serve_sink,
)

GOAL_RATE = 50.0
GOAL_PLAIN_SHARE = 0.5
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class Mail:
    id: str
    raw: bytes
    sender: str
    recipients: tuple[str, ...]
    kind: str


@dataclass
class Pass:
    """One relay's figures: latency pass, then throughput pass."""

    name: str
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    lost: list[str] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    stopped: int = 0
    """Messages held or refused for at least one recipient."""

    def rate(self, count: int) -> float:
        return count / self.seconds if self.seconds else 0.0


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    if os.geteuid() != 0 or not Path("/usr/sbin/postfix").exists():
        print("bench/gateway.py needs Postfix (apt-get install postfix) and root to start it")
        return 2
    started = time.time()
    load_before = os.getloadavg()[0]
    mails = corpus(args.messages, args.seed, args.plain)
    sample = mails[:: max(1, len(mails) // args.latency_messages)][: args.latency_messages]
    print(_heading(args, mails, load_before))
    with tempfile.TemporaryDirectory(prefix="mailwarden-bench-") as work:
        folder = Path(work)
        config = _config(folder)
        sink = Sink()
        [sink_port] = free_ports(1)
        controller = serve_sink(sink, sink_port)
        try:
            alone = run_pass("Postfix alone", sink, sink_port, mails, sample, args, None)
            print(_pass_line(alone, len(mails)))
            filtered = run_pass(
                "Postfix + mailwarden", sink, sink_port, mails, sample, args, (config, folder)
            )
            print(_pass_line(filtered, len(mails)))
        finally:
            controller.stop()
    scan = time_scan(mails, config_domains())
    print(render(args, mails, alone, filtered, scan, load_before, started))
    return 1 if alone.lost or filtered.lost else 0


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=500, help="corpus size (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--plain", action="store_true", help="text messages only, no attachments")
    parser.add_argument(
        "--senders", type=int, default=4, help="SMTP sessions sending at once (default 4)"
    )
    parser.add_argument(
        "--latency-messages", type=int, default=50, help="messages timed one by one (default 50)"
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds to wait for a pass to settle"
    )
    parser.add_argument(
        "--processes", type=int, default=0, help="gateway worker processes (default: one per CPU)"
    )
    return parser.parse_args(argv)


# --- the corpus ----------------------------------------------------------------------------


def corpus(count: int, seed: int, plain: bool) -> list[Mail]:
    """`count` messages of the scan bench's mix, or of its text messages only."""
    source = generate(count * 2 if plain else count, seed)
    mails = []
    for item in source:
        if plain and item.kind != "text":
            continue
        raw = item.raw
        addresses = getaddresses([header(raw, "To") or "", header(raw, "Cc") or ""])
        [(_, sender)] = getaddresses([header(raw, "From") or ""])
        mails.append(
            Mail(message_id(raw), raw, sender, tuple(a for _, a in addresses if a), item.kind)
        )
        if len(mails) == count:
            break
    return mails


def config_domains() -> list[str]:
    return sorted({org.domain for org in ORGANISATIONS})


def _config(folder: Path) -> Path:
    path = folder / "mailwarden.toml"
    domains = ", ".join(f'"{d}"' for d in config_domains())
    path.write_text(
        f"[organisation]\ndomains = [{domains}]\n\n"
        f'[knowledge]\nkey_file = "{folder / "mailwarden.key"}"\n'
    )
    return path


# --- one pass ------------------------------------------------------------------------------


def run_pass(
    name: str,
    sink: Sink,
    sink_port: int,
    mails: list[Mail],
    sample: list[Mail],
    args: argparse.Namespace,
    gateway_setup: tuple[Path, Path] | None,
) -> Pass:
    """Latency, then throughput, through a Postfix of its own (with the gateway if set up)."""
    result = Pass(name)
    with ExitStack() as stack:
        quarantine: Path | None = None
        gateway: Gateway | None = None
        lines = ""
        if gateway_setup is not None:
            config, folder = gateway_setup
            filter_port, reinject_port = free_ports(2)
            lines = postfix_lines(f"127.0.0.1:{filter_port}", f"127.0.0.1:{reinject_port}")
            quarantine = folder / "quarantine"
            gateway = Gateway(
                filter_port,
                [
                    *("--next-hop", f"127.0.0.1:{reinject_port}"),
                    *("--quarantine", str(quarantine), "--config", str(config)),
                    *(["--processes", str(args.processes)] if args.processes else []),
                ],
                folder / "gateway.log",
            )
        postfix = stack.enter_context(running_postfix(sink_port, lines))
        if gateway is not None:
            gateway.start()
            stack.callback(gateway.stop)
        watch = Accounts(sink, postfix, quarantine)

        warm = [_renamed(m, "warm") for m in sample[:3]]
        send(postfix.port, warm, 1)
        watch.settle(warm, args.timeout)
        for mail in (_renamed(m, "latency") for m in sample):
            sent = time.monotonic()
            send(postfix.port, [mail], 1)
            fates = watch.settle([mail], args.timeout)
            arrived = watch.arrival.get(mail.id)
            if fates.get(mail.id) == "delivered" and arrived is not None:
                result.latencies.append(arrived - sent)

        sink.messages.clear()
        watch.reset()
        cpu_before = _cpu(postfix, gateway)
        first = time.monotonic()
        send(postfix.port, mails, args.senders)
        fates = watch.settle(mails, args.timeout)
        result.seconds = watch.last_accounted - first
        cpu_after = _cpu(postfix, gateway)
        result.cpu = {k: cpu_after[k] - cpu_before[k] for k in cpu_after}
        result.lost = [m.id for m in mails if m.id not in fates]
        result.stopped = len(watch.stopped & {m.id for m in mails})
        sink.messages.clear()
    return result


def _renamed(mail: Mail, prefix: str) -> Mail:
    """The same message under another Message-ID, so each pass counts its own."""
    raw = mail.raw.replace(f"<{mail.id}>".encode(), f"<{prefix}.{mail.id}>".encode(), 1)
    return Mail(f"{prefix}.{mail.id}", raw, mail.sender, mail.recipients, mail.kind)


def send(port: int, mails: Sequence[Mail], sessions: int) -> None:
    """Hand every message to Postfix, from `sessions` SMTP sessions at once."""
    failures: list[BaseException] = []

    def session(batch: Sequence[Mail]) -> None:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=300) as smtp:
                for mail in batch:
                    smtp.sendmail(mail.sender, list(mail.recipients), mail.raw)
        except (OSError, smtplib.SMTPException) as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=session, args=(mails[i::sessions],)) for i in range(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"Postfix did not take every message: {failures[0]!r}")


class Accounts:
    """Where each message went: the sink (delivered, or a delivery status notification naming
    it: refused) or the quarantine (held). Notices to senders are neither."""

    def __init__(self, sink: Sink, postfix: Postfix, quarantine: Path | None) -> None:
        self.sink = sink
        self.postfix = postfix
        self.quarantine = quarantine
        self.reset()

    def reset(self) -> None:
        self.arrival: dict[str, float] = {}
        self.fates: dict[str, str] = {}
        self.last_accounted = 0.0
        self._seen = 0
        self._holds: set[str] = set()
        self.stopped: set[str] = set()
        """Messages held or refused for at least one recipient."""

    def settle(self, mails: Sequence[Mail], timeout: float) -> dict[str, str]:
        """Poll until every message has a fate and Postfix's queue is empty, or `timeout`."""
        wanted = {m.id for m in mails}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._look(wanted)
            if wanted <= self.fates.keys() and not self.postfix.queue():
                break
            time.sleep(0.1)
        return {k: v for k, v in self.fates.items() if k in wanted}

    def _look(self, wanted: set[str]) -> None:
        now = time.monotonic()
        received = self.sink.messages[self._seen :]
        self._seen += len(received)
        for message in received:
            if not message.automatic:
                self.arrival.setdefault(message.message_id, message.arrived)
                self._account(message.message_id, "delivered", message.arrived)
            elif "multipart/report" in (header(message.content, "Content-Type") or ""):
                for mail_id in wanted:
                    if mail_id.encode() in message.content:
                        self.stopped.add(mail_id)
                        self._account(mail_id, "refused", message.arrived)
        if self.quarantine is not None and self.quarantine.exists():
            with Quarantine(self.quarantine) as quarantine:
                for hold in quarantine.held(state=None):
                    if hold.id not in self._holds:
                        self._holds.add(hold.id)
                        self.stopped.add(hold.message_id.strip("<>"))
                        self._account(hold.message_id.strip("<>"), "held", now)

    def _account(self, mail_id: str, fate: str, when: float) -> None:
        if mail_id not in self.fates:
            self.fates[mail_id] = fate
            self.last_accounted = max(self.last_accounted, when)


# --- CPU -----------------------------------------------------------------------------------


def _cpu(postfix: Postfix, gateway: Gateway | None) -> dict[str, float]:
    """CPU seconds so far: the gateway, Postfix (master, children, reaped children), us."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {"bench": usage.ru_utime + usage.ru_stime, "postfix": 0.0, "gateway": 0.0}
    stats = _proc_stats()
    master = _postfix_master(postfix)
    if master is not None:
        figures["postfix"] = _tree_cpu(master, stats)
    if gateway is not None and gateway.process is not None:
        figures["gateway"] = _tree_cpu(gateway.process.pid, stats)
    return figures


def _proc_stats() -> dict[int, tuple[int, float, float]]:
    """pid → (parent pid, CPU seconds of its own, CPU seconds of the children it reaped)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / TICKS
        reaped = (int(fields[13]) + int(fields[14])) / TICKS
        stats[int(entry.name)] = (int(fields[1]), own, reaped)
    return stats


def _tree_cpu(root: int, stats: dict[int, tuple[int, float, float]]) -> float:
    """A process's CPU, its reaped children's, and its live descendants' own."""
    if root not in stats:
        return 0.0
    total = stats[root][1] + stats[root][2]
    children = [pid for pid, (parent, _, _) in stats.items() if parent == root]
    return total + sum(_tree_cpu(pid, stats) for pid in children)


def _postfix_master(postfix: Postfix) -> int | None:
    path = postfix.directory / "queue" / "pid" / "master.pid"
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


# --- the scan alone ------------------------------------------------------------------------


@dataclass
class ScanAlone:
    seconds: list[float]
    """`scan_bytes` wall time per message."""
    not_delivered: int
    """Messages with a recipient the verdict does not deliver (the gateway's held + refused)."""


def time_scan(mails: Sequence[Mail], domains: list[str]) -> ScanAlone:
    """`scan_bytes` in this process, one message at a time, after one warm-up message."""
    from mailwarden.config import config_from_dict
    from mailwarden.policy.schema import default_policy
    from mailwarden.rules.base import Verdict
    from mailwarden.scan import Scanner

    scanner = Scanner(
        config_from_dict({"organisation": {"domains": domains}}), policy=default_policy()
    )
    scanner.scan_bytes(mails[0].raw)
    result = ScanAlone([], 0)
    for mail in mails:
        start = time.perf_counter()
        report = scanner.scan_bytes(mail.raw, "bench")
        result.seconds.append(time.perf_counter() - start)
        result.not_delivered += any(d.verdict is not Verdict.DELIVER for d in report.decisions)
    return result


# --- the report ----------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def _heading(args: argparse.Namespace, mails: Sequence[Mail], load: float) -> str:
    size = sum(len(m.raw) for m in mails) / 1e6
    kinds = Counter(m.kind for m in mails)
    mix = ", ".join(f"{kinds[k]:,} {k}" for k in ("text", "attachment", "large") if kinds[k])
    commit = _commit()
    return (
        f"mailwarden gateway benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit}\n"
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{_postfix_version()}, load average {load:.1f} at the start\n"
        f"corpus: {len(mails):,} messages (seed {args.seed}{', --plain' if args.plain else ''}, "
        f"{size:.1f} MB): {mix}; {args.senders} sending sessions, "
        f"{args.latency_messages} timed one by one"
    )


def _pass_line(result: Pass, count: int) -> str:
    return (
        f"  {result.name}: {result.rate(count):.1f} msgs/s, {result.stopped} held or refused, "
        f"lost {len(result.lost)}"
    )


def render(
    args: argparse.Namespace,
    mails: Sequence[Mail],
    alone: Pass,
    filtered: Pass,
    scan: ScanAlone,
    load_before: float,
    started: float,
) -> str:
    count = len(mails)
    ratio = filtered.rate(count) / alone.rate(count) if alone.rate(count) else 0.0
    lines = [
        "",
        "THROUGHPUT AND LATENCY",
        f"{'relay':22} {'msgs/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'held or refused':>16} {'lost':>5}",
    ]
    for result in (alone, filtered):
        lat = [s * 1000 for s in result.latencies]
        lines.append(
            f"{result.name:22} {result.rate(count):7.1f} {percentile(lat, 50):7.0f} "
            f"{percentile(lat, 99):7.0f} {result.stopped:16} {len(result.lost):5}"
        )
    added50 = percentile(filtered.latencies, 50) - percentile(alone.latencies, 50)
    added99 = percentile(filtered.latencies, 99) - percentile(alone.latencies, 99)
    scan_seconds = scan.seconds
    scan_rate = len(scan_seconds) / sum(scan_seconds) if scan_seconds else 0.0
    lines += [
        f"ratio (with / without mailwarden): {ratio:.2f}",
        f"added latency, one message at a time: p50 {added50 * 1000:.0f} ms, "
        f"p99 {added99 * 1000:.0f} ms (over {len(filtered.latencies)} delivered messages)",
        "",
        "WHERE THE TIME GOES (CPU ms per message, throughput pass)",
    ]
    for result in (alone, filtered):
        parts = ", ".join(f"{k} {v / count * 1000:.1f}" for k, v in result.cpu.items() if v)
        lines.append(f"{result.name:22} {parts}")
    lines += [
        f"scan alone (scan_bytes in one thread): {scan_rate:.1f} msgs/s, "
        f"p50 {percentile(scan_seconds, 50) * 1000:.1f} ms, "
        f"p99 {percentile(scan_seconds, 99) * 1000:.1f} ms, "
        f"mean {sum(scan_seconds) / max(1, len(scan_seconds)) * 1000:.1f} ms; "
        f"{scan.not_delivered} messages not delivered to every recipient "
        f"(through the gateway: {filtered.stopped})",
        "",
        "GOALS",
    ]
    lost = len(alone.lost) + len(filtered.lost)
    if args.plain:
        met = ratio >= GOAL_PLAIN_SHARE
        lines.append(
            f"plain: at least half of Postfix's own throughput: {ratio:.2f} "
            f"{'met' if met else 'NOT met'}"
        )
    else:
        met = filtered.rate(count) >= GOAL_RATE
        lines.append(
            f"mixed corpus: at least {GOAL_RATE:.0f} msgs/s through the filter: "
            f"{filtered.rate(count):.1f} {'met' if met else 'NOT met'}"
        )
    lines.append(f"nothing lost: {'met' if not lost else f'NOT met, {lost} lost'}")
    if lost:
        lines.append("lost: " + ", ".join((alone.lost + filtered.lost)[:20]))
    lines.append(
        f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
        f"{time.time() - started:.0f} s in all"
    )
    return "\n".join(lines)


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent,
    )
    return done.stdout.strip() or "unknown"


def _postfix_version() -> str:
    postconf = shutil.which("postconf") or "/usr/sbin/postconf"
    done = subprocess.run([postconf, "-d", "mail_version"], capture_output=True, text=True)
    return f"Postfix {done.stdout.split('=')[-1].strip()}" if done.returncode == 0 else "Postfix"


if __name__ == "__main__":
    sys.exit(main())
