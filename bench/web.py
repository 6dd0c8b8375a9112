"""The review web app's benchmark: 20 reviewers at once on a queue of 10,000 held
messages, and on a held message with a 5 MB PDF attached, against `mailwarden web`.

    .venv/bin/python bench/web.py                     # SQLite: 10,000 held, 20 reviewers
    .venv/bin/python bench/web.py --postgres          # a private PostgreSQL (tests/postgres.py)
    .venv/bin/python bench/web.py --db postgresql+psycopg://user@host/db    # an empty database
    .venv/bin/python bench/web.py --holds 2000 --requests 200               # a quick run

What it does, in order:

1. the record database (not timed, but its time is printed): `--holds` messages held for
   one to three outside recipients each (verdict hold or confirm, the gateway's reasons),
   the oldest ten days ago, plus a fifth as many already decided (released or rejected),
   so the queue's state filter has history to skip; each has its .eml in the quarantine
   folder (the scan bench's corpus messages, bench/corpus.py). The rows are written in
   batches of 1,000, as `HoldStore.add` writes one. Then the pages' own messages, held
   through `Quarantine.hold` as the gateway holds them: a corpus message, and messages
   with a 5 MiB PDF attached (a 20-page case bundle of the corpus's text: names, NHS
   numbers, addresses; and a scanned page's JPEG), each with distinct bytes and text, so
   that a first view is never answered from the app's view cache or the language model's;
2. the server: `mailwarden web` as a child process (the shipped policy, the corpus's
   organisations, no knowledge store, the findings view cache as shipped), `--clients`
   reviewer accounts, each logged in through the login form by its own httpx client
   (its own session cookie and CSRF token);
3. the pages, each timed from request to the whole body, every answer checked (200 and
   the page asked for):
   - `queue, first page`: /queue, the 50 oldest held;
   - `queue, page n`: /queue?page_number=n, n at random over the whole queue;
   - `queue, sender search`: /queue?search=..., part of a sender's address;
   - `held, plain`: /held/ID of the corpus message;
   - `held, 5 MB PDF`: /held/ID of the message with the PDF, findings marked, as a
     reviewer sees it again (the view was built at its first view);
   - `held, 5 MB PDF, 1st view`: a message with a PDF no one has opened: the message is
     read, scanned and its findings marked while the reviewer waits;
4. the baseline: each page requested by one reviewer alone, one request at a time
   (`--alone` each, `--cold` first views); then the load: `--clients` reviewers at once,
   each requesting its next page as soon as its last arrived (the server saturated: a
   team's busiest morning), `--requests` queue pages, then `--pdf-requests` message pages
   (half plain, half the PDF), then each reviewer opening a different unseen PDF message
   at the same moment; then the queue pages again, each reviewer pausing `--think`
   seconds on average between pages (a quick reviewer's pace, still faster than reading).
   The ratio of a page's p95 under load to its p95 alone is what sharing the server costs;
5. the goal: the queue page of 10,000 held within 200 ms at p95 with 20 reviewers at
   once, checked both back to back and paced.

Exits 1 when a page was answered with anything but 200 or was not the page asked for.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import platform
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default
from pathlib import Path

import httpx
from sqlalchemy import insert

from corpus import ORGANISATIONS, generate, pdf
from mailwarden.gateway.quarantine import HeldRecipient, Quarantine
from mailwarden.record.schema import HoldRecipientRow, HoldRow
from mailwarden.rules.base import Verdict
from mailwarden.web import Role, UserStore
from postfix_instance import free_ports, start_http_server

GOAL_QUEUE_P95_MS = 200.0
PDF_BYTES = 5 * 1024 * 1024
PASSWORD = "a reviewer's long passphrase for the bench"
TICKS = os.sysconf("SC_CLK_TCK")
REASONS = (
    "{0} is outside the organisation and the message contains 2 references to children, "
    "3 named people, 1 NHS number, 1 postcode.",
    "The message is marked OFFICIAL-SENSITIVE in the body and {0} is cleared only for OFFICIAL.",
    "{0} has never been written to, and the message names people.",
    "{0} looks like a known address with one letter changed.",
)


@dataclass
class Page:
    """One page's timings in one phase."""

    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    wrong: int = 0


@dataclass
class Phase:
    name: str
    pages: dict[str, Page] = field(default_factory=dict)
    wall: float = 0.0
    server_cpu: float = 0.0

    def page(self, name: str) -> Page:
        return self.pages.setdefault(name, Page(name))

    @property
    def requests(self) -> int:
        return sum(len(p.latencies) for p in self.pages.values())


# --- the record database -------------------------------------------------------------------


def corpus_messages(count: int, seed: int) -> list[bytes]:
    """`count` of the corpus's text messages (each distinct)."""
    found = [m.raw for m in generate(count * 2 + 20, seed) if m.kind == "text"]
    if len(found) < count:
        raise SystemExit(f"the corpus gave only {len(found)} text messages")
    return found[:count]


def header(raw: bytes, name: str) -> str:
    found = re.search(rb"(?im)^" + name.encode() + rb":[ \t]*(.*)$", raw)
    return found.group(1).decode("utf-8", "replace").strip() if found else ""


def seed_holds(quarantine: Quarantine, count: int, messages: Sequence[bytes], seed: int) -> float:
    """`count` held messages and a fifth as many decided ones; the seconds it took."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now(UTC)
    decided = count // 5
    total = count + decided
    step = timedelta(days=10) / total
    outside = [d for o in ORGANISATIONS for d in o.partners] + ["gmail.com", "outlook.com"]
    holds: list[dict[str, object]] = []
    recipients: list[dict[str, object]] = []
    for index in range(total):
        raw = messages[index % len(messages)]
        held_at = now - timedelta(days=10) + step * index
        hold_id = held_at.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(8)
        path = f"{hold_id}.eml"
        (quarantine.folder / path).write_bytes(raw)
        sender = re.sub(r".*<|>.*", "", header(raw, "From"))
        holds.append(
            {
                "id": hold_id,
                "sender": sender,
                "subject": header(raw, "Subject"),
                "message_id": header(raw, "Message-ID").strip("<>"),
                "digest": secrets.token_hex(32),
                "size": len(raw),
                "path": path,
                "held_at": held_at,
                "relay": "bench",
            }
        )
        settled = decided > 0 and index % (total // decided) == 0
        for position in range(rng.choice((1, 1, 2, 3))):
            address = f"{rng.choice(('a', 'j', 'm', 's'))}.{index}.{position}@{rng.choice(outside)}"
            done = rng.choice(("released", "rejected")) if settled else "held"
            recipients.append(
                {
                    "hold_id": hold_id,
                    "position": position,
                    "address": address,
                    "verdict": rng.choice(("hold", "confirm")),
                    "reasons": [r.format(address) for r in rng.sample(REASONS, 2)],
                    "state": done,
                    "held_at": held_at,
                    "decided_at": None if done == "held" else held_at + timedelta(hours=1),
                    "decided_by": "" if done == "held" else "reviewer01",
                    "note": "",
                }
            )
        if len(holds) == 1000 or index == total - 1:
            with quarantine.store.engine.begin() as conn:
                conn.execute(insert(HoldRow), holds)
                conn.execute(insert(HoldRecipientRow), recipients)
            holds, recipients = [], []
    return time.perf_counter() - started


def with_pdf(raw: bytes, texts: Sequence[bytes], rng: random.Random) -> bytes:
    """The message with a 5 MB PDF: 20 pages of the corpus's text and a scanned page."""
    lines: list[str] = []
    for text in texts:
        part = message_from_bytes(text, policy=default).get_body(("plain", "html"))
        body = re.sub(r"<[^>]+>", "", str(part.get_content())) if part else ""
        lines += [w for p in body.splitlines() if p.strip() for w in textwrap.wrap(p, 95)]
        if len(lines) >= 20 * 55:
            break
    pages = [lines[i : i + 55] for i in range(0, 20 * 55, 55)]
    bare = len(pdf(pages))
    jpeg = b"\xff\xd8\xff\xe1" + rng.randbytes(PDF_BYTES - bare - 400) + b"\xff\xd9"
    message = EmailMessage(policy=SMTP)
    for name in ("From", "To", "Message-ID", "Date"):
        message[name] = header(raw, name) or "x"
    message["Subject"] = "Case bundle: " + header(raw, "Subject")
    message.set_content("Please find the case bundle attached, as discussed.\n")
    message.add_attachment(
        pdf(pages, jpeg), maintype="application", subtype="pdf", filename="Case_bundle.pdf"
    )
    return message.as_bytes()


def hold(quarantine: Quarantine, message: bytes) -> str:
    """The message held for one outside recipient, as the gateway holds it; its ID."""
    to = "c.marsh@gmail.com"
    return quarantine.hold(
        message,
        re.sub(r".*<|>.*", "", header(message, "From")),
        [HeldRecipient(to, Verdict.HOLD, (REASONS[0].format(to), REASONS[1].format(to)))],
        subject=header(message, "Subject"),
    )


# --- the server ----------------------------------------------------------------------------


def start_server(
    folder: Path, record_url: str, workers: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    (port,) = free_ports(1)
    domains = ", ".join(f'"{d}"' for d in sorted({o.domain for o in ORGANISATIONS}))
    config = folder / "mailwarden.toml"
    config.write_text(
        f"[organisation]\ndomains = [{domains}]\n\n"
        f'[knowledge]\nkey_file = "{folder / "mailwarden.key"}"\n\n'
        f'[gateway]\nquarantine = "{folder / "quarantine"}"\ndatabase = "{record_url}"\n\n'
        f'[web]\nlisten = "127.0.0.1:{port}"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "mailwarden", "web", "--config", str(config)]
    command += ["--workers", str(workers)]
    url = f"http://127.0.0.1:{port}"
    process = start_http_server(command, folder / "web.log", f"{url}/login", 180)
    return process, url


def tree(pid: int) -> list[int]:
    """The server process and its workers (`--workers`), and theirs."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            for child in (task / "children").read_text().split():
                found += tree(int(child))
    return found


def _stat(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a worker that ended between the listing and the read
        return ["0"] * 22


def tree_cpu(pid: int) -> float:
    """CPU seconds (user and system) of the server and its workers."""
    return sum(int(f[11]) + int(f[12]) for f in map(_stat, tree(pid))) / TICKS


def rss_mb(pid: int) -> float:
    """Resident memory of the server and its workers."""
    pages = sum(int(_stat(p)[21]) for p in tree(pid))
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


# --- the reviewers -------------------------------------------------------------------------


async def logged_in(url: str, login: str) -> httpx.AsyncClient:
    """A client with its own session, logged in through the form."""
    client = httpx.AsyncClient(base_url=url, timeout=300, follow_redirects=False)
    form = await client.get("/login")
    token = re.search(r'name="csrf" value="([^"]*)"', form.text)
    if token is None:
        raise SystemExit("the login page has no CSRF field")
    answer = await client.post(
        "/login", data={"login": login, "password": PASSWORD, "csrf": token.group(1)}
    )
    if answer.status_code != 303:
        raise SystemExit(f"login as {login} failed: {answer.status_code}")
    return client


Request = tuple[str, str, str]
"""(page name, path, text the page must contain)."""


async def run(
    clients: Sequence[httpx.AsyncClient],
    requests: Callable[[], Request],
    total: int,
    phase: Phase,
    pid: int,
    think: float = 0.0,
) -> None:
    """`total` requests from these clients, each sending its next as soon as its last is in,
    or after a pause of `think` seconds on average (exponential: some read longer)."""
    counter = itertools.count()
    pauses = random.Random(total)
    cpu = tree_cpu(pid)

    async def session(client: httpx.AsyncClient) -> None:
        while next(counter) < total:
            name, path, expected = requests()
            started = time.perf_counter()
            answer = await client.get(path)
            page = phase.page(name)
            page.latencies.append(time.perf_counter() - started)
            page.statuses[answer.status_code] += 1
            if answer.status_code == 200 and expected not in answer.text:
                page.wrong += 1
            if think:
                await asyncio.sleep(pauses.expovariate(1 / think))

    started = time.perf_counter()
    await asyncio.gather(*(session(c) for c in clients))
    phase.wall += time.perf_counter() - started
    phase.server_cpu += tree_cpu(pid) - cpu


# --- the report ----------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds: Sequence[float], p: float) -> float:
    return percentile(seconds, p) * 1000


def report(phases: Sequence[Phase], alone: Phase, clients: int) -> None:
    print(
        f"\n{'page':24} {'phase':14} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8}  p95 / alone"
    )
    for phase in (alone, *phases):
        for page in phase.pages.values():
            base = alone.pages.get(page.name)
            ratio = (
                f"{ms(page.latencies, 95) / ms(base.latencies, 95):6.1f}x"
                if base and phase is not alone and ms(base.latencies, 95)
                else ""
            )
            print(
                f"{page.name:24} {phase.name:14} {len(page.latencies):5} "
                f"{ms(page.latencies, 50):8.0f} {ms(page.latencies, 95):8.0f} "
                f"{ms(page.latencies, 99):8.0f} {max(page.latencies, default=0) * 1000:8.0f}"
                f"  {ratio}"
            )
    print()
    for phase in (alone, *phases):
        rate = phase.requests / phase.wall if phase.wall else 0.0
        print(
            f"{phase.name:14} {phase.requests:5} pages in {phase.wall:6.1f} s: {rate:6.1f} pages/s,"
            f" server CPU {phase.server_cpu:6.1f} s ({phase.server_cpu / phase.wall:.2f} cores)"
        )


# --- the run -------------------------------------------------------------------------------


@contextmanager
def database(args: argparse.Namespace, folder: Path) -> Iterator[str]:
    """The record database's URL: SQLite in `folder`, `--db`, or a private PostgreSQL."""
    if args.db:
        yield args.db
    elif args.postgres:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.postgres import running_postgres

        with running_postgres() as server:
            yield server.create_database()
    else:
        yield f"sqlite:///{folder / 'quarantine' / 'holds.db'}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--holds", type=int, default=10_000, help="held messages in the queue")
    parser.add_argument("--clients", type=int, default=20, help="reviewers at once")
    parser.add_argument("--requests", type=int, default=600, help="queue pages under load")
    parser.add_argument("--pdf-requests", type=int, default=200, help="message pages under load")
    parser.add_argument("--alone", type=int, default=30, help="requests per page, alone")
    parser.add_argument("--cold", type=int, default=3, help="first views of a PDF, alone")
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds between a reviewer's pages, paced"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (mailwarden web --workers)"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--postgres", action="store_true", help="a private PostgreSQL server")
    where.add_argument("--db", help="an empty record database (SQLAlchemy URL)")
    args = parser.parse_args(argv)
    print(
        f"mailwarden web bench: {args.holds:,} held, {args.clients} reviewers; "
        f"{platform.python_version()}, {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="mailwarden-web-bench-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        (folder / "quarantine").mkdir()
        record_url = stack.enter_context(database(args, folder))
        kind = record_url.split(":", 1)[0].split("+")[0]
        quarantine = Quarantine(folder / "quarantine", record_url, relay="bench")
        messages = corpus_messages(200, args.seed)
        took = seed_holds(quarantine, args.holds, messages, args.seed)
        plain_id = hold(quarantine, messages[1])
        bundles = [  # distinct bytes and text: a first view is never served from a cache
            with_pdf(messages[n], messages[n:] + messages[:n], random.Random(args.seed + n))
            for n in range(1 + args.cold + args.clients)
        ]
        pdf_id, *fresh = (hold(quarantine, bundle) for bundle in bundles)
        users = UserStore(quarantine.store.engine)
        logins = [f"reviewer{n:02d}" for n in range(1, args.clients + 1)]
        for login in logins:
            users.add(login, login.title(), Role.REVIEWER, PASSWORD, by="bench setup")
        quarantine.close()
        print(
            f"record database ({kind}): {args.holds:,} held and {args.holds // 5:,} decided "
            f"written in {took:.1f} s; {len(bundles)} messages with a {PDF_BYTES / 2**20:.0f} MiB "
            f"PDF ({len(bundles[0]) / 1e6:.1f} MB as mail)"
        )
        server, url = start_server(folder, record_url, args.workers)
        stack.callback(server.wait, 30)
        stack.callback(server.send_signal, signal.SIGTERM)
        print(f"mailwarden web up: RSS {rss_mb(server.pid):.0f} MB")
        rng = random.Random(args.seed)
        last_page = (args.holds - 1) // 50
        searches = sorted({re.sub(r".*<|@.*", "", header(m, "From")) for m in messages})

        def queue() -> Request:
            choice = rng.random()
            if choice < 0.4:
                return ("queue, first page", "/queue", "Held messages")
            if choice < 0.8:
                n = rng.randint(1, last_page)
                return ("queue, page n", f"/queue?page_number={n}", "Previous page")
            return ("queue, sender search", f"/queue?search={rng.choice(searches)}", "<table>")

        def held() -> Request:
            if rng.random() < 0.5:
                return ("held, plain", f"/held/{plain_id}", plain_id)
            return ("held, 5 MB PDF", f"/held/{pdf_id}", pdf_id)

        unseen = iter(fresh)

        def first_view() -> Request:
            hold_id = next(unseen)
            return ("held, 5 MB PDF, 1st view", f"/held/{hold_id}", hold_id)

        async def phases() -> tuple[Phase, list[Phase]]:
            clients = [await logged_in(url, login) for login in logins]
            pid = server.pid
            try:
                alone = Phase("one reviewer")
                for page in (
                    ("queue, first page", "/queue", "Held messages"),
                    ("queue, page n", f"/queue?page_number={last_page // 2}", "Previous page"),
                    ("queue, sender search", f"/queue?search={searches[0]}", "<table>"),
                    ("held, plain", f"/held/{plain_id}", plain_id),
                    ("held, 5 MB PDF", f"/held/{pdf_id}", pdf_id),
                ):
                    await run(clients[:1], lambda page=page: page, 1, Phase("warm-up"), pid)
                    await run(clients[:1], lambda page=page: page, args.alone, alone, pid)
                await run(clients[:1], first_view, args.cold, alone, pid)
                name = f"{args.clients} at once"
                paced = Phase(f"{args.clients}, {args.think:g} s")
                loaded = [Phase(name), Phase(name), Phase(name), paced]
                await run(clients, queue, args.requests, loaded[0], pid)
                await run(clients, held, args.pdf_requests, loaded[1], pid)
                await run(clients, first_view, args.clients, loaded[2], pid)
                await run(clients, queue, args.requests, paced, pid, args.think)
                return alone, loaded
            finally:
                for client in clients:
                    await client.aclose()

        alone_phase, loaded = asyncio.run(phases())
        print(f"mailwarden web after the run: RSS {rss_mb(server.pid):.0f} MB")
    report(loaded, alone_phase, args.clients)
    print()
    for phase, how in ((loaded[0], "back to back"), (loaded[3], f"~{args.think:g} s apart")):
        p95 = ms(phase.pages["queue, first page"].latencies, 95)
        print(
            f"goal: queue page of {args.holds:,} held: p95 < {GOAL_QUEUE_P95_MS:.0f} ms, "
            f"{args.clients} reviewers' pages {how}: {p95:.0f} ms, "
            f"{'met' if p95 < GOAL_QUEUE_P95_MS else 'NOT met'}"
        )
    every = [page for phase in (alone_phase, *loaded) for page in phase.pages.values()]
    failed = sum(sum(n for s, n in p.statuses.items() if s != 200) + p.wrong for p in every)
    if failed:
        print(f"{failed} pages were not answered with 200 or were not the page asked for")
        for page in every:
            print(f"  {page.name}: {dict(page.statuses)}, wrong {page.wrong}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
