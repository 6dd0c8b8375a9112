"""The misdirection benchmark: does mailwarden stop the wrong recipient, and only the wrong one?

    .venv/bin/python bench/misdirection.py            # 3,000 historic, 400 outgoing, seed 1
    .venv/bin/python bench/misdirection.py --history 1000 --outgoing 100   # a quick one
    .venv/bin/python bench/misdirection.py --json /tmp/misdirection.json

What it does, in order (see bench/README.md for what each figure means):

1. generates a synthetic police force (bench/misdirection_org.py): its staff, partners,
   members of the public, cases and `--history` messages of mail in threads, and
   `--outgoing` messages sent after that history, each recipient labelled right or
   misdirected by the story that made it;
2. writes the history to an mbox and learns it into a fresh SQLite knowledge store
   with the product's learner (`learn_paths`, what `mailwarden learn` runs), after
   importing the staff and partner directory (`--no-directory` to leave it out; the
   case list with `--cases`);
3. scans every outgoing message with `Scanner(config, knowledge=store)`, the product's
   pipeline, and counts per recipient: a misdirected recipient is stopped when its
   verdict is confirm, hold or reject; a right one is a false alarm when it is not
   delivered;
4. prints recall and false-alarm rate per scenario kind, per rule and overall, against
   the goal (recall >= 0.98, false alarms <= 1%), then the first misses and false alarms
   with the rules' own explanations; `--json FILE` writes every recipient's result.

Everything runs offline, in a temporary folder removed afterwards.
"""

from __future__ import annotations

import argparse
import importlib
import json
import mailbox
import os
import pkgutil
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from misdirection_org import (
    CLEARED_DOMAINS,
    DOMAIN,
    FORCE,
    KINDS,
    PARTNER_DOMAINS,
    RULE_KINDS,
    SCENARIOS,
    Outgoing,
    World,
    build,
    outgoing,
)

GOAL_RECALL = 0.98
GOAL_FALSE_ALARMS = 0.01
STOPPING = ("confirm", "hold", "reject")


@dataclass(slots=True)
class RecipientResult:
    """One labelled recipient of one outgoing message, and what mailwarden decided."""

    index: int
    kind: str
    variant: str
    story: str
    address: str
    field: str
    right: bool
    verdict: str
    reasons: list[dict[str, str]] = field(default_factory=list)

    @property
    def stopped(self) -> bool:
        return self.verdict in STOPPING

    @property
    def rules(self) -> list[str]:
        return [r["rule"] for r in self.reasons if r["action"] in STOPPING]


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1, help="world and test-set seed (default 1)")
    parser.add_argument(
        "--history", type=int, default=3000, help="historic messages to learn (default 3000)"
    )
    parser.add_argument(
        "--outgoing", type=int, default=400, help="labelled outgoing messages to scan (default 400)"
    )
    parser.add_argument(
        "--show", type=int, default=15, help="misses and false alarms to print, each (default 15)"
    )
    parser.add_argument(
        "--rules",
        choices=("default", "all"),
        default="default",
        help="`default`: the rules the scanner ships with (DEFAULT_RULES); "
        "`all`: every rule module in mailwarden.rules",
    )
    parser.add_argument(
        "--no-directory",
        action="store_true",
        help="do not import the staff and partner directory before learning",
    )
    parser.add_argument(
        "--cases",
        action="store_true",
        help="also import the case list (reference, people, allowed addresses)",
    )
    parser.add_argument(
        "--learn-attachments",
        action="store_true",
        help="learn the people and references inside attachments too",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="learning processes (default: up to 2)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write every figure and result")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    started = time.monotonic()
    load_start = os.getloadavg()[0]
    print(
        f"mailwarden misdirection benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"commit {_commit()}"
    )
    print(
        f"machine: {os.cpu_count()} CPUs ({_cpu()}), Python {platform.python_version()}, "
        f"load average {load_start:.1f} at the start"
    )

    clock = time.monotonic()
    world = build(args.seed, args.history)
    labelled = outgoing(world, args.outgoing, args.seed)
    generated = time.monotonic() - clock
    recipients = sum(len(o.labels) for o in labelled)
    wrong = sum(1 for o in labelled for label in o.labels if not label.right)
    print(
        f"organisation: {FORCE} ({DOMAIN}), {len(world.staff)} staff addresses, "
        f"{len(world.contacts)} correspondents in the history "
        f"({_count_public(world)} members of the public), {len(world.cases)} cases"
    )
    print(
        f"history: {len(world.history):,} messages (seed {args.seed}); outgoing: "
        f"{len(labelled)} messages, {recipients} recipients ({wrong} misdirected, "
        f"{recipients - wrong} right); generated in {generated:.1f} s"
    )

    with tempfile.TemporaryDirectory(prefix="mw-misdirection-") as folder:
        tmp = Path(folder)
        config = _config(world, tmp)
        from mailwarden.knowledge.features import Keyer
        from mailwarden.knowledge.keyfile import load_or_create_key
        from mailwarden.knowledge.store import KnowledgeStore
        from mailwarden.policy.settings import policy_settings

        keyer = Keyer(load_or_create_key(config.knowledge.key_file))
        store = KnowledgeStore.open(
            config.knowledge.url,
            keyer,
            config.organisation.domains,
            lookalike_max_distance=policy_settings(None, config).lookalike_max_distance,
            retention_days=config.knowledge.retention_days,
        )
        with store:
            timings = _learn(store, world, config, tmp, args)
            rules = _rules(args.rules)
            results, scan_times = _scan(config, rules, store, labelled)
            stats = store.stats()
    timings["scan_s"] = sum(scan_times)

    print(
        f"store: {stats.correspondents:,} correspondents, {stats.threads:,} threads, "
        f"{stats.keys:,} keys, {stats.associations:,} associations, "
        f"{stats.directory_entries:,} directory entries, {stats.cases:,} imported cases"
    )
    print(
        f"learned {len(world.history):,} messages in {timings['learn_s']:.1f} s "
        f"({len(world.history) / max(timings['learn_s'], 1e-9):,.0f} msgs/s, "
        f"{args.workers} worker{'s' if args.workers != 1 else ''}"
        f"{', attachments read' if args.learn_attachments else ', bodies only'}); "
        f"directory import {timings['directory_s']:.2f} s"
    )
    ordered = sorted(scan_times)
    print(
        f"scanned {len(labelled)} outgoing messages: p50 {_pct(ordered, 50) * 1000:.0f} ms, "
        f"p99 {_pct(ordered, 99) * 1000:.0f} ms per message"
    )
    print(f"rules ({args.rules}): {', '.join(r.name for r in rules)}")
    missing = _unlisted_rules()
    if missing and args.rules == "default":
        print(f"  not in DEFAULT_RULES, so not run: {', '.join(missing)} (see --rules all)")

    figures = _report(results, args.show)
    total = time.monotonic() - started
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end; total wall time {total:.0f} s")
    if args.json:
        _write_json(args, world, labelled, results, figures, timings, stats, rules, total)
        print(f"figures written to {args.json}")
    return 0


# --- setting up ------------------------------------------------------------------------------


def _config(world: World, tmp: Path) -> Any:
    from mailwarden.config import Config

    return Config.model_validate(
        {
            "organisation": {
                "name": FORCE,
                "domains": [DOMAIN],
                "staff_names": sorted({c.name for c in world.staff if c.role}),
            },
            "knowledge": {"url": f"sqlite:///{tmp / 'knowledge.db'}", "key_file": str(tmp / "key")},
            "recipients": {"partner_domains": list(PARTNER_DOMAINS)},
            "markings": {
                "clearances": {domain: "OFFICIAL-SENSITIVE" for domain in CLEARED_DOMAINS}
            },
        }
    )


def _learn(
    store: Any, world: World, config: Any, tmp: Path, args: argparse.Namespace
) -> dict[str, float]:
    from mailwarden.knowledge.learn import learn_paths
    from mailwarden.knowledge.records import CaseRecord, DirectoryEntry

    timings: dict[str, float] = {"directory_s": 0.0, "cases_s": 0.0}
    if not args.no_directory:
        clock = time.monotonic()
        store.add_directory_entries(
            DirectoryEntry(c.address, c.name, c.org.name, c.internal) for c in world.directory
        )
        timings["directory_s"] = time.monotonic() - clock
    if args.cases:
        clock = time.monotonic()
        store.add_cases(
            CaseRecord(
                case.ref,
                tuple(p.name for p in case.people),
                tuple(
                    dict.fromkeys(
                        [
                            *(c.address for c in case.staff),
                            *(c.address for c in case.partners.values()),
                            *(p.contact.address for p in case.people if p.contact),
                        ]
                    )
                ),
            )
            for case in world.cases
        )
        timings["cases_s"] = time.monotonic() - clock
    path = tmp / "history.mbox"
    box = mailbox.mbox(str(path), create=True)
    box.lock()
    for raw in world.history:
        box.add(raw)
    box.flush()
    box.unlock()
    box.close()
    clock = time.monotonic()
    summary = learn_paths(
        store, [path], config, attachments=args.learn_attachments, workers=args.workers
    )
    timings["learn_s"] = time.monotonic() - clock
    if summary.learned != len(world.history):
        print(f"warning: {summary}; expected {len(world.history):,} learned")
    return timings


def _rules(which: str) -> tuple[Any, ...]:
    from mailwarden.rules import DEFAULT_RULES

    if which == "default":
        return tuple(DEFAULT_RULES)
    found = list(DEFAULT_RULES)
    names = {r.name for r in found}
    for module in _rule_modules():
        rule = getattr(module, "RULE", None)
        if rule is not None and rule.name not in names:
            found.append(rule)
            names.add(rule.name)
    return tuple(found)


def _rule_modules() -> list[Any]:
    import mailwarden.rules as package

    modules = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name != "base" and not info.name.startswith("_"):
            modules.append(importlib.import_module(f"mailwarden.rules.{info.name}"))
    return modules


def _unlisted_rules() -> list[str]:
    from mailwarden.rules import DEFAULT_RULES

    listed = {r.name for r in DEFAULT_RULES}
    return sorted(
        rule.name
        for module in _rule_modules()
        if (rule := getattr(module, "RULE", None)) is not None and rule.name not in listed
    )


def _scan(
    config: Any, rules: Sequence[Any], store: Any, labelled: Sequence[Outgoing]
) -> tuple[list[RecipientResult], list[float]]:
    from mailwarden.scan import Scanner

    scanner = Scanner(config, rules, knowledge=store)
    scanner.scan_bytes(labelled[0].raw)  # warm-up: the language model loads here
    results: list[RecipientResult] = []
    times: list[float] = []
    for item in labelled:
        clock = time.perf_counter()
        report = scanner.scan_bytes(item.raw, f"outgoing-{item.index}")
        times.append(time.perf_counter() - clock)
        decisions = {d.recipient.mailbox.address.lower(): d for d in report.decisions}
        for label in item.labels:
            decision = decisions.get(label.address.lower())
            if decision is None:
                verdict, reasons = "missing", []
            else:
                verdict = str(decision.verdict)
                reasons = [
                    {"rule": r.rule, "action": str(r.action), "explanation": r.explanation}
                    for r in decision.reasons
                ]
            results.append(
                RecipientResult(
                    item.index,
                    item.kind,
                    item.variant,
                    item.story,
                    label.address,
                    label.field,
                    label.right,
                    verdict,
                    reasons,
                )
            )
    return results, times


# --- reporting ------------------------------------------------------------------------------


def _report(results: Sequence[RecipientResult], show: int) -> dict[str, Any]:
    wrong = [r for r in results if not r.right]
    right = [r for r in results if r.right]
    figures: dict[str, Any] = {"kinds": {}, "rules": {}, "variants": {}}

    print(
        "\nBY SCENARIO KIND (recipients; a misdirected one is stopped by confirm/hold/reject, "
        "a right one is a false alarm unless delivered)"
    )
    rows = []
    for kind in KINDS:
        mine = [r for r in results if r.kind == kind]
        bad = [r for r in mine if not r.right]
        good = [r for r in mine if r.right]
        stopped = sum(r.stopped for r in bad)
        by_rule = sum(kind in r.rules for r in bad) if kind in RULE_KINDS else None
        alarms = sum(r.stopped for r in good)
        figures["kinds"][kind] = {
            "messages": len({r.index for r in mine}),
            "misdirected": len(bad),
            "stopped": stopped,
            "stopped_by_its_rule": by_rule,
            "right": len(good),
            "false_alarms": alarms,
        }
        rows.append(
            [
                kind,
                f"{len({r.index for r in mine})}",
                f"{len(bad)}",
                f"{stopped}",
                _rate(stopped, len(bad)),
                "—" if by_rule is None else _rate(by_rule, len(bad)),
                f"{len(good)}",
                f"{alarms}",
                _rate(alarms, len(good)),
            ]
        )
    stopped_all = sum(r.stopped for r in wrong)
    alarms_all = sum(r.stopped for r in right)
    rows.append(
        [
            "overall",
            f"{len({r.index for r in results})}",
            f"{len(wrong)}",
            f"{stopped_all}",
            _rate(stopped_all, len(wrong)),
            "",
            f"{len(right)}",
            f"{alarms_all}",
            _rate(alarms_all, len(right)),
        ]
    )
    _table(
        [
            "kind",
            "msgs",
            "misdirected",
            "stopped",
            "recall",
            "by its rule",
            "right",
            "false alarms",
            "false-alarm rate",
        ],
        rows,
    )

    print(
        "\nBY RULE (fired = asked for confirm, hold or reject on that recipient; alone = no other "
        "rule stopped it; without it = the overall figures if the rule were switched off)"
    )
    rules = sorted({rule for r in results for rule in r.rules} | set(RULE_KINDS))
    rows = []
    for rule in rules:
        own = [r for r in wrong if r.kind == rule]
        caught_own = sum(rule in r.rules for r in own)
        fired_wrong = sum(rule in r.rules for r in wrong)
        fired_right = sum(rule in r.rules for r in right)
        alone_wrong = sum(set(r.rules) == {rule} for r in wrong)
        alone_right = sum(set(r.rules) == {rule} for r in right)
        actions = Counter(a["action"] for r in results for a in r.reasons if a["rule"] == rule)
        figures["rules"][rule] = {
            "own_kind_misdirected": len(own),
            "own_kind_caught": caught_own,
            "fired_on_misdirected": fired_wrong,
            "alone_on_misdirected": alone_wrong,
            "fired_on_right": fired_right,
            "alone_on_right": alone_right,
            "recall_without": (stopped_all - alone_wrong) / len(wrong) if wrong else None,
            "false_alarm_rate_without": (alarms_all - alone_right) / len(right) if right else None,
            "actions": dict(actions),
        }
        rows.append(
            [
                rule,
                f"{caught_own}/{len(own)}" if own else "—",
                _rate(caught_own, len(own)),
                f"{fired_wrong} ({alone_wrong})",
                f"{fired_right} ({alone_right})",
                _rate(fired_right, len(right)),
                f"{_rate(stopped_all - alone_wrong, len(wrong))} / "
                f"{_rate(alarms_all - alone_right, len(right))}",
                " ".join(f"{a}:{n}" for a, n in sorted(actions.items())) or "—",
            ]
        )
    _table(
        [
            "rule",
            "own kind caught",
            "recall",
            "fired on misdirected (alone)",
            "fired on right (alone)",
            "false-alarm rate",
            "without it: recall / FA",
            "actions asked",
        ],
        rows,
    )

    print("\nBY VARIANT (misdirected stopped / misdirected; right alarmed / right)")
    rows = []
    for kind in KINDS:
        for variant, _, _ in SCENARIOS[kind]:
            mine = [r for r in results if r.kind == kind and r.variant == variant]
            if not mine:
                continue
            bad = [r for r in mine if not r.right]
            good = [r for r in mine if r.right]
            fired = Counter(rule for r in mine for rule in r.rules)
            figures["variants"][f"{kind}: {variant}"] = {
                "misdirected": len(bad),
                "stopped": sum(r.stopped for r in bad),
                "right": len(good),
                "false_alarms": sum(r.stopped for r in good),
                "rules": dict(fired),
            }
            rows.append(
                [
                    kind,
                    variant,
                    f"{sum(r.stopped for r in bad)}/{len(bad)}" if bad else "",
                    f"{sum(r.stopped for r in good)}/{len(good)}" if good else "",
                    ", ".join(f"{rule} {n}" for rule, n in fired.most_common(3)),
                ]
            )
    _table(["kind", "variant", "stopped", "alarmed", "rules that fired (recipients)"], rows)

    recall = stopped_all / len(wrong) if wrong else 1.0
    alarm_rate = alarms_all / len(right) if right else 0.0
    figures["overall"] = {
        "misdirected": len(wrong),
        "stopped": stopped_all,
        "recall": recall,
        "right": len(right),
        "false_alarms": alarms_all,
        "false_alarm_rate": alarm_rate,
    }
    print("\nGOAL")
    _table(
        ["goal", "figure", "status"],
        [
            [
                f"recall >= {GOAL_RECALL:.2f} (misdirected recipients stopped)",
                f"{recall:.3f} ({stopped_all}/{len(wrong)})",
                "met" if recall >= GOAL_RECALL else "NOT met",
            ],
            [
                f"false alarms <= {GOAL_FALSE_ALARMS:.0%} (right recipients not delivered)",
                f"{alarm_rate:.1%} ({alarms_all}/{len(right)})",
                "met" if alarm_rate <= GOAL_FALSE_ALARMS else "NOT met",
            ],
        ],
    )

    seed = next((r for r in results if r.variant.startswith("seed case")), None)
    if seed is not None:
        print(f"\nTHE SEED CASE (#{seed.index}): {seed.story}")
        print(f"  {seed.field} {seed.address} -> {seed.verdict}")
        for reason in seed.reasons:
            print(f"  {reason['rule']} ({reason['action']}): {reason['explanation']}")

    misses = [r for r in wrong if not r.stopped]
    alarms = [r for r in right if r.stopped]
    print(
        f"\nMISSES: {len(misses)} misdirected recipients delivered"
        + (f" (first {min(show, len(misses))})" if misses else "")
    )
    for r in _spread(misses, show):
        print(f"- #{r.index} {r.kind} · {r.variant}: {r.field} {r.address} -> {r.verdict}")
        print(f"    story: {r.story}")
        for reason in r.reasons:
            print(f"    {reason['rule']} ({reason['action']}): {reason['explanation']}")
    print(
        f"\nFALSE ALARMS: {len(alarms)} right recipients not delivered"
        + (f" (first {min(show, len(alarms))})" if alarms else "")
    )
    causes = Counter(" + ".join(sorted(r.rules)) for r in alarms)
    if causes:
        print(
            "  by the rules that fired: " + "; ".join(f"{c} {n}" for c, n in causes.most_common())
        )
    for r in _spread(alarms, show):
        print(f"- #{r.index} {r.kind} · {r.variant}: {r.field} {r.address} -> {r.verdict}")
        print(f"    story: {r.story}")
        for reason in r.reasons:
            if reason["action"] in STOPPING:
                print(f"    {reason['rule']} ({reason['action']}): {reason['explanation']}")
    elsewhere = [r for r in wrong if r.stopped and r.kind in RULE_KINDS and r.kind not in r.rules]
    print(
        f"\nSTOPPED, BUT NOT BY THEIR OWN RULE: {len(elsewhere)} misdirected recipients"
        + (
            f" (first {min(show, len(elsewhere))}; the rules that did stop them)"
            if elsewhere
            else ""
        )
    )
    for r in _spread(elsewhere, show):
        print(f"- #{r.index} {r.kind} · {r.variant}: {r.field} {r.address} -> {r.verdict}")
        print(f"    story: {r.story}")
        print(f"    stopped by: {', '.join(r.rules)}")
    return figures


def _spread(items: Sequence[RecipientResult], count: int) -> list[RecipientResult]:
    """`count` of them, taking each variant and set of rules in turn, so that one noisy
    variant or rule does not fill the list."""
    queues: dict[tuple[str, str, str], list[RecipientResult]] = defaultdict(list)
    for item in items:
        queues[(item.kind, item.variant, " ".join(sorted(item.rules)))].append(item)
    chosen: list[RecipientResult] = []
    causes = Counter(key[2] for key, queue in queues.items() for _ in queue)
    ordered = [queues[k] for k in sorted(queues, key=lambda k: causes[k[2]])]  # rarer causes first
    while len(chosen) < count and any(ordered):
        for queue in ordered:
            if queue and len(chosen) < count:
                chosen.append(queue.pop(0))
    return sorted(chosen, key=lambda r: (KINDS.index(r.kind), r.variant, r.index))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=False)]
    left = {0, 1} if header and header[1] == "variant" else {0}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i in left else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=False))
        ).rstrip()

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


def _pct(ordered: Sequence[float], pct: float) -> float:
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def _count_public(world: World) -> int:
    return sum(1 for c in world.contacts.values() if c.org.kind == "public")


def _commit() -> str:
    """The commit of the mailwarden being measured, and whether its package has changes."""
    import mailwarden

    package = Path(mailwarden.__file__).resolve().parent

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(package), *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".")
    except (OSError, subprocess.CalledProcessError):
        return f"unknown (mailwarden from {package})"
    return commit + (" (mailwarden has uncommitted changes)" if dirty else "")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _write_json(
    args: argparse.Namespace,
    world: World,
    labelled: Sequence[Outgoing],
    results: Sequence[RecipientResult],
    figures: dict[str, Any],
    timings: dict[str, float],
    stats: Any,
    rules: Sequence[Any],
    total: float,
) -> None:
    data = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "machine": {"cpus": os.cpu_count(), "cpu": _cpu(), "python": platform.python_version()},
        "arguments": vars(args),
        "world": {
            "staff": len(world.staff),
            "correspondents": len(world.contacts),
            "cases": len(world.cases),
            "history": len(world.history),
            "outgoing": len(labelled),
        },
        "store": {k: getattr(stats, k) for k in stats.__dataclass_fields__},
        "rules": [r.name for r in rules],
        "timings": timings,
        "total_s": total,
        "figures": figures,
        "recipients": [
            {
                "index": r.index,
                "kind": r.kind,
                "variant": r.variant,
                "story": r.story,
                "address": r.address,
                "field": r.field,
                "right": r.right,
                "verdict": r.verdict,
                "reasons": r.reasons,
            }
            for r in results
        ],
    }
    Path(args.json).write_text(json.dumps(data, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
