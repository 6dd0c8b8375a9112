"""UK Government Security Classifications, and the markings they replaced, on mail.

Markings are written in capitals, so matching is case-sensitive: "a secret"
in prose is not SECRET. Where a marking stands matters as much as its word:
a marking stands alone on its line (a banner), in brackets ("[SECRET]"),
after a label ("Classification: SECRET"), or heads a line before a colon or
dash ("OFFICIAL-SENSITIVE: incident at..."); a subject line is a line like any
other. The score follows from both (`category` is the level):

* OFFICIAL-SENSITIVE, in any of its spellings, wherever it stands: 0.9, and
  0.75 in title case ("Official-Sensitive");
* SECRET and TOP SECRET: 0.9 in a marking position; 0.6 in running text; 0.3
  inside a line of capitals, which is shouting rather than marking;
* the legacy PROTECT, RESTRICTED and CONFIDENTIAL only count in a marking
  position (0.7); CONFIDENTIAL heading a line of text ("CONFIDENTIAL: this
  email is intended...") is how e-mail disclaimers begin, so scores 0.4;
* OFFICIAL alone is the baseline tier that most government mail carries: it
  says nothing about the content, so it scores 0.3 (not reported by default),
  and 0.6 with a descriptor ("OFFICIAL [PERSONAL]").

A descriptor (PERSONAL, COMMERCIAL, LOCSEN, UK EYES ONLY) is part of the
matched marking and named in the explanation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType, Match
from mailwarden.detect.recognizer import TextContext

_MARKING = re.compile(
    r"(?<![\w-])(?P<level>"
    r"(?P<sensitive>OFFICIAL ?[-–—] ?SENSITIVE|OFFICIAL SENSITIVE)"
    r"|(?P<title_case>Official ?[-–—] ?Sensitive|Official Sensitive)"
    r"|TOP SECRET|SECRET|OFFICIAL|PROTECT|RESTRICTED|CONFIDENTIAL)"
    r"(?:[ \t]*[-–—:/]?[ \t]*[\[(]?[ \t]*(?P<descriptor>PERSONAL|COMMERCIAL|LOCSEN|"
    r"UK EYES ONLY)[\])]?)?"
    r"(?![\w-])"
)
_LABEL = re.compile(
    r"(?:security )?(?:classification|protective marking|marking|classified|handling)"
    r"[ \t]*[:=-]?[ \t]*[\[(*]?[ \t]*$",
    re.IGNORECASE,
)
_LINE_START = re.compile(r"[\s*#>|]*[\[(]?[\s*]*")
_LINE_END = re.compile(r"[\s*|]*[\])]?[\s*|]*")
_HEADING = re.compile(r"[\])]?[ \t]*(?::|[-–—][ \t]|\|)")
_LEGACY = frozenset({"PROTECT", "RESTRICTED", "CONFIDENTIAL"})


class ProtectiveMarkingRecognizer:
    name = "protective_marking"
    description = "UK security classifications (OFFICIAL-SENSITIVE, SECRET...) and legacy markings."
    finding_type = FindingType.PROTECTIVE_MARKING

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        for found in _MARKING.finditer(text):
            level = _canonical(found)
            descriptor = found.group("descriptor")
            position = _position(text, found.start(), found.end())
            score = _score(found, level, descriptor, position)
            if score is None:
                continue
            yield Match(
                self.finding_type,
                found.start(),
                found.end(),
                score,
                _explain(level, descriptor),
                level,
            )


def _canonical(found: re.Match[str]) -> str:
    if found.group("sensitive") or found.group("title_case"):
        return "OFFICIAL-SENSITIVE"
    return found.group("level")


def _position(text: str, start: int, end: int) -> str:
    """'alone' (a banner, bracketed or labelled), 'heading' (starts a line), or 'prose'."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before, after = text[line_start:start], text[end : len(text) if line_end < 0 else line_end]
    bracketed = before.rstrip().endswith(("[", "(")) and after.lstrip().startswith(("]", ")"))
    if bracketed or _LABEL.search(before):
        return "alone"
    if _LINE_START.fullmatch(before):
        if _LINE_END.fullmatch(after):
            return "alone"
        if _HEADING.match(after):
            return "heading"
    previous_word = re.search(r"([^\W\d_]+)\W*$", before)
    next_word = re.match(r"\W*([^\W\d_]+)", after)
    neighbours = [word.group(1) for word in (previous_word, next_word) if word]
    if neighbours and all(word.isupper() and len(word) > 1 for word in neighbours):
        return "shouting"
    return "prose"


def _score(found: re.Match[str], level: str, descriptor: str | None, position: str) -> float | None:
    marked = position in ("alone", "heading")
    if level == "OFFICIAL-SENSITIVE":
        return 0.75 if found.group("title_case") else 0.9
    if level in ("SECRET", "TOP SECRET"):
        return 0.9 if marked else {"prose": 0.6, "shouting": 0.3}[position]
    if not marked:
        return None
    if level == "OFFICIAL":
        return 0.6 if descriptor else 0.3
    if level == "CONFIDENTIAL" and position == "heading":
        return 0.4
    return 0.7


def _explain(level: str, descriptor: str | None) -> str:
    if level in _LEGACY:
        why = f"legacy protective marking {level} (before 2014)"
    elif level == "OFFICIAL":
        why = "baseline classification OFFICIAL"
    else:
        why = f"UK security classification {level}"
    return f"{why}, descriptor {descriptor}" if descriptor else why


def create(config: Config) -> ProtectiveMarkingRecognizer:
    return ProtectiveMarkingRecognizer()
