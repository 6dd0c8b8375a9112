"""Exact matches against the organisation's own records, held only as keyed hashes.

`detect.known_records.files` names CSV files whose header row names the fields
(the field becomes the match's `category`) and every other cell is a value.
Each file is read as a stream: each cell is normalised, hashed with BLAKE2b
under a key drawn at random for this process, and dropped. What stays in
memory is the key, the digests, the field and file names, and the largest
value's length in words: never a value.

Normalising: NFKC, case folding, curly apostrophes straightened, the text cut
into words (letters and digits); a value with a digit in it is an identifier
or an address, whose separators do not matter, so its words are joined with
nothing ("485 777 3457" is "4857773457", "LS1 4AB" is "ls14ab"); any other
value's words are joined by one space ("Amy  JONES" is "amy jones").

Scanning hashes two kinds of candidate the same way:

* runs of 1 to N words, N being the most words any value has, starting at a
  word that begins some value (a hashed set of first words skips the rest);
* runs of short or digit-bearing words joined by one separator ("QQ 12 34 56
  C", "485-777-3457"), because an identifier is split differently in a letter
  than in the file it was loaded from.
"""

from __future__ import annotations

import csv
import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterator, Sequence
from itertools import accumulate
from pathlib import Path

from mailwarden.config import Config, ConfigError
from mailwarden.detect.finding import FindingType, Match
from mailwarden.detect.recognizer import TextContext

SCORE = 0.9
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")
_MAX_WORDS = 16
"""Values longer than this in words can never match (an n-gram this long is not looked up)."""
_MAX_GAP = 3
"""Characters allowed between two words of one value in the text (", " or " - ")."""
_ID_PIECE = r"(?:[^\W\d_]{1,3}|[^\W_]*\d[^\W_]*)"
_DIGITS = re.compile(r"\d+")
_RUN_BEFORE = re.compile(rf"(?<!\w)(?:{_ID_PIECE}[ \-./])*[^\W_]*$")
_RUN_AFTER = re.compile(rf"[^\W_]*(?:[ \-./]{_ID_PIECE})*(?!\w)")
"""An identifier run around a digit: short or digit-bearing words one separator apart."""
_MAX_ID_PIECES = 8
_JOINERS = "-./@_"
_has_digit = re.compile(r"\d").search


class KnownRecordRecognizer:
    name = "known_record"
    description = "Exact matches against the organisation's own records (names, identifiers)."
    finding_type = FindingType.KNOWN_RECORD

    def __init__(
        self, files: Sequence[Path] = (), min_chars: int = 4, columns: Sequence[str] = ()
    ) -> None:
        self._key = secrets.token_bytes(32)
        self._min_chars = min_chars
        self._columns = frozenset(c.strip().lower() for c in columns)
        """Only these fields are loaded (all when empty): not "gender" or "town"."""
        self._records: dict[bytes, int] = {}
        """Digest of a normalised value → index into `_sources`."""
        self._sources: list[tuple[str, str]] = []
        """(field, file name) pairs."""
        self._first_words: set[bytes] = set()
        self._lengths: set[int] = set()
        """Lengths of the normalised values: a candidate of any other length is not hashed."""
        self._most_words = 0
        for path in files:
            self._load(Path(path))

    @property
    def loaded(self) -> int:
        """How many distinct values are loaded."""
        return len(self._records)

    def _load(self, path: Path) -> None:
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                rows = csv.reader(stream)
                header = next(rows, None)
                if header is None:
                    raise ConfigError(f"known record file {path} is empty: no header row")
                fields = [name.strip() or f"column {n}" for n, name in enumerate(header, 1)]
                missing = self._columns - {f.lower() for f in fields}
                if missing:
                    raise ConfigError(
                        f"known record file {path} has no column {sorted(missing)[0]!r} "
                        "(detect.known_records.columns)"
                    )
                for row in rows:
                    for column, cell in enumerate(row):
                        field = fields[column] if column < len(fields) else f"column {column + 1}"
                        if not self._columns or field.lower() in self._columns:
                            self._add(cell, field, path.name)
        except OSError as exc:
            raise ConfigError(f"cannot read known record file {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"known record file {path} is not UTF-8 text") from exc
        except csv.Error as exc:
            raise ConfigError(f"known record file {path} is not valid CSV: {exc}") from exc

    def _add(self, cell: str, field: str, file_name: str) -> None:
        words = [_fold(word) for word in _WORD.findall(cell)]
        if not words or len(words) > _MAX_WORDS:
            return
        value = _join(words)
        if len(value) < self._min_chars:
            return
        source = (field, file_name)
        if source not in self._sources:
            self._sources.append(source)
        self._records.setdefault(self._digest(value), self._sources.index(source))
        self._first_words.add(self._digest(words[0]))
        self._lengths.add(len(value))
        self._most_words = max(self._most_words, len(words))

    def _digest(self, value: str) -> bytes:
        return hashlib.blake2b(value.encode(), key=self._key, digest_size=16).digest()

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        if not self._records:
            return
        looked_up: dict[str, int | None] = {}  # a message repeats itself; hash each value once
        hits = [*self._phrases(text, looked_up), *self._identifiers(text, looked_up)]
        hits.sort(key=lambda hit: (hit[0], -hit[1]))
        reach = -1
        for start, end, source in hits:
            if end <= reach or _inside_a_longer_code(text, start, end):
                continue
            reach = end
            field, file_name = self._sources[source]
            why = f"matches a loaded record ({field}) from {file_name}"
            yield Match(self.finding_type, start, end, SCORE, why, field)

    def _phrases(
        self, text: str, looked_up: dict[str, int | None]
    ) -> Iterator[tuple[int, int, int]]:
        """Runs of words that start with a value's first word, looked up whole."""
        folded = text.casefold()
        if len(folded) != len(text):  # "ß" folds to "ss": fold word by word instead
            folded = text
        parts = _WORD_SPLIT.split(folded)  # separator, word, separator, word, ..., separator
        words = parts[1::2]
        begins = {word for word in set(words) if self._begins_a_value(_fold(word))}
        if not begins:
            return  # the usual case, found without a Python step per word
        ends = list(accumulate(map(len, parts)))  # word k spans ends[2k] to ends[2k + 1]
        for i in (i for i, word in enumerate(words) if word in begins):
            run: list[str] = []
            coded = False
            for k in range(i, min(i + self._most_words, len(words))):
                if k > i and len(parts[2 * k]) > _MAX_GAP:
                    break
                run.append(_fold(words[k]))
                coded = coded or bool(_has_digit(run[-1]))
                source = self._lookup(("" if coded else " ").join(run), looked_up)
                if source is not None:
                    yield ends[2 * i], ends[2 * k + 1], source

    def _begins_a_value(self, word: str) -> bool:
        return self._digest(word) in self._first_words

    def _identifiers(
        self, text: str, looked_up: dict[str, int | None]
    ) -> Iterator[tuple[int, int, int]]:
        """Every sub-run with a digit of each run of identifier pieces ("QQ 12 34 56 C")."""
        done = 0
        for digits in _DIGITS.finditer(text):
            if digits.start() < done:
                continue  # part of the run just looked at
            left = _RUN_BEFORE.search(text, max(0, digits.start() - 40), digits.start())
            right = _RUN_AFTER.match(text, digits.start())
            start = left.start() if left else digits.start()
            done = right.end() if right else digits.end()
            pieces = [(m.span(), _fold(m.group())) for m in _WORD.finditer(text, start, done)]
            for a in range(len(pieces)):
                code, coded = "", False
                for b in range(a, min(len(pieces), a + _MAX_ID_PIECES)):
                    code += pieces[b][1]
                    coded = coded or bool(_has_digit(pieces[b][1]))
                    source = self._lookup(code, looked_up) if coded else None
                    if source is not None:
                        yield pieces[a][0][0], pieces[b][0][1], source

    def _lookup(self, value: str, looked_up: dict[str, int | None]) -> int | None:
        """The source of a normalised value, if it is loaded."""
        if len(value) not in self._lengths:
            return None
        if value not in looked_up:
            looked_up[value] = self._records.get(self._digest(value))
        return looked_up[value]


def _inside_a_longer_code(text: str, start: int, end: int) -> bool:
    """True for "4857773457" in "4857773457-2" or "Jones" in "Amy-Jones": part of one token."""
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    joined_before = len(before) == 2 and before[1] in _JOINERS and before[0].isalnum()
    joined_after = len(after) == 2 and after[0] in _JOINERS and after[1].isalnum()
    return joined_before or joined_after


def _fold(word: str) -> str:
    if not word.isascii():
        word = unicodedata.normalize("NFKC", word).replace("’", "'")
    return word.casefold()


def _join(words: list[str]) -> str:
    """Words of an identifier or address run together; any other value's, one space apart."""
    if any(_has_digit(word) for word in words):
        return "".join(words)
    return " ".join(words)


def create(config: Config) -> KnownRecordRecognizer:
    known = config.detect.known_records
    return KnownRecordRecognizer(known.files, known.min_chars, known.columns)
