"""A person identified as under 18: by age, school year, relationship or role.

Four kinds of cue, each a `category` of the match:

* age: "aged 12", "age 9", "12-year-old boy", "6 months old", "under 16"; an
  age of 18 or more is not a child ("aged 34");
* school year: "Year 7 pupil", "Year 10", "Y9 student", "P5 pupil" (Scotland),
  "Reception class"; the explanation gives the ages of that year;
* relationship: "my son", "her daughter", "their children"; someone's son may
  be grown up, so these score lower, and "her son, 34" is dropped;
* role: "pupils", "primary school pupil", "student at Greenfield Academy",
  "toddler", "baby", "a minor", "looked-after child", "a juvenile", "the child".

"child" as a modifier ("child protection policy", "childcare costs", "children's
services") is not a child in the text, and neither are eyes' pupils.
"""

from __future__ import annotations

import re

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType, Match
from mailwarden.detect.lexicon import LexiconRecognizer, Phrases

_WORDS = (
    *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen", "twenty"),
)
_NUMBER_WORDS = {word: value for value, word in enumerate(_WORDS, start=1)}
_N = r"(?:\d\d?(?![.,:/]\d)|" + "|".join(_WORDS) + ")"
_YEAR_N = r"(?:1[0-3]|[1-9])(?![.,:/]\d)"
_KID = (
    r"(?:pupils?|students?|child|children|boys?|girls?|sons?|daughters?|brothers?|sisters?|"
    r"bab(?:y|ies)|victims?|suspects?|males?|females?|lads?|youths?|kids?|grandsons?|"
    r"granddaughters?|nephews?|nieces?)"
)
_NOT_A_PERSON = (
    r"(?! (?:car|vehicle|van|house|building|property|policy|system|computer|laptop|boiler|"
    r"dog|cat|horse|tree|bottle|whisky|wine|company|business|record|case|report|file|"
    r"investigation|dispute|mortgage|account)s?\b)"
)
_CHILD_AS_MODIFIER = (
    r"(?! (?:protection|benefit|care|seat|support|maintenance|tax|poverty|safeguarding|labour|"
    r"friendly|minding|arrangements|abuse images|process(?:es)?|elements?|nodes?|class(?:es)?|"
    r"widgets?|loggers?|threads?|windows?|directory|directories|folders?|pages?|entity|"
    r"entities|objects?|items?|tables?|records?)\b)"
)
_FORMS = r"(?:pupils?|students?|child|children|boys?|girls?|class(?:es)?|form|tutor group|cohort)"

AGE = Phrases(
    "age",
    0.8,
    (
        rf"age[ds]?:? {_N}(?: (?:years?|yrs?|months?|weeks?)(?: old)?)?"
        rf"(?: ?[-–] ?{_N}| (?:to|and|or) {_N})?",
        rf"{_N}[- ](?:years?|yrs?|months?|weeks?)[- ]old(?: {_KID})?{_NOT_A_PERSON}",
        r"\d\d? ?(?:yo|y/o)",
    ),
)
UNDER = Phrases(
    "age",
    0.6,
    (
        r"under[- ]?(?:1[0-8]|[5-9]|sixteen|eighteen)s?"
        r"(?! (?:months?|weeks?|days?|hours?|minutes?|mins?|miles?|mph|percent|per|pounds?|kg|"
        r"metres?|km|items?|people|staff)\b)(?![.,:/%£]\d)",
        r"under the age of (?:1[0-8]|[5-9]|sixteen|eighteen)",
    ),
)
SCHOOL_YEAR = Phrases(
    "school year",
    0.75,
    (
        rf"year ?{_YEAR_N}(?: {_FORMS})?"
        r"(?! (?:of|budget|plans?|reviews?|reports?|results?|accounts?|funding|costs?|"
        r"targets?|contracts?|projects?|programmes?|anniversary|warranty)\b)",
        rf"(?:yr|y) ?{_YEAR_N} {_FORMS}",
        rf"(?-i:P[1-7]|S[1-6]) {_FORMS}",
        r"reception (?:class|classes|pupils?|child|children|year)",
        r"(?:in|joined|joins|starts?|starting|started) reception",
    ),
)
RELATIONSHIP = Phrases(
    "relationship",
    0.6,
    (
        r"(?:my|his|her|their|our|your) (?:sons?|daughters?|child|children|kids?|bab(?:y|ies)|"
        r"toddlers?|grandsons?|granddaughters?|grandchild(?:ren)?|step-?sons?|step-?daughters?|"
        r"step-?child(?:ren)?|foster (?:child|children|sons?|daughters?))"
        r"(?!['’]s (?:services|centres?|social care|trust|hospital|commissioner))"
        + _CHILD_AS_MODIFIER,
    ),
    "someone's child",
)
ROLES = (
    Phrases(
        "role",
        0.85,
        (
            r"(?:primary|secondary|infant|junior|nursery|prep|high|grammar|special|middle) "
            r"school (?:pupils?|child|children|boys?|girls?|students?|kids?)",
            r"school ?(?:boys?|girls?|child|children|kids?)",
            r"(?:students?|pupils?|boys?|girls?|child|children) (?:at|of|from) "
            r"(?-i:(?:[A-Z][\w'’.-]* ){1,4}"
            r"(?:Academy|Primary|Junior|Infants?|School|High|Grammar|Sixth Form|Nursery))",
        ),
        "a school pupil",
    ),
    Phrases(
        "role",
        0.85,
        (
            r"looked[- ]after (?:child|children|young (?:person|people))",
            r"child(?:ren)? (?:in care|looked after)",
        ),
        "a looked-after child",
    ),
    Phrases("role", 0.85, (r"toddlers?", r"new-?borns?"), "a baby or toddler"),
    Phrases(
        "role",
        0.7,
        (r"bab(?:y|ies)(?! (?:steps|boomers?|shower|grand|back ribs))", r"infants?(?! mortality)"),
        "a baby or toddler",
    ),
    Phrases(
        "role",
        0.7,
        (
            r"pupils?(?!(?: (?:were|are|was|is|appeared|appear|looked))? (?:dilated|dilation|"
            r"constricted|pin-?point(?:ed)?|equal|unequal|reactive|fixed|sluggish|size)\b)",
        ),
        "a school pupil",
    ),
    Phrases(
        "role",
        0.7,
        (
            r"minors",
            r"(?:a|the) minor(?=\s*(?:[.,;:)]|$)| (?:who|was|is|and|in|at|has|had|aged|or)\b)",
            r"(?:a|the) juvenile",
            r"juveniles",
            r"juvenile (?:offenders?|suspects?|victims?|detainees?|males?|females?|witness(?:es)?)",
        ),
        "a minor",
    ),
    Phrases(
        "role",
        0.7,
        (
            r"teenage (?:boys?|girls?|sons?|daughters?|pupils?|victims?)",
            r"(?:young|little|small) (?:boys?|girls?|child|children)",
            r"child victims?",
        ),
        "a child",
    ),
    Phrases(
        "role",
        0.6,
        (
            r"(?:the|a|this|that|each|every|another|one|same)"
            r"(?: (?:first|second|third|fourth|other|younger|older|eldest|youngest))? child"
            + _CHILD_AS_MODIFIER,
            r"(?:the|these|those|both|all|two|three|four|five|several|other) children"
            r"(?!['’]s (?:services|social care|centres?|commissioner|trust|hospital))"
            r"(?! (?:services|social care)\b)",
            r"teenagers?",
        ),
        "a child",
    ),
    Phrases("role", 0.45, (r"young (?:person|people)",), "a young person"),
)

_FIRST_NUMBER = re.compile(
    r"\d+|\b(?:" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)
_AGE_AFTER = re.compile(r"\s*(?:[,(]\s*)?(?:aged?\s+)?(\d{1,3})(?!\d)(?!\s*(?:%|years? ago))")


def _numbers(phrase: str) -> list[int]:
    return [
        int(n) if n.isdigit() else _NUMBER_WORDS[n.lower()] for n in _FIRST_NUMBER.findall(phrase)
    ]


class ChildRecognizer(LexiconRecognizer):
    name = "child"
    description = "A person identified as under 18 by age, school year, relationship or role."
    finding_type = FindingType.CHILD
    lexicon = (AGE, UNDER, SCHOOL_YEAR, RELATIONSHIP, *ROLES)

    def assess(self, row: Phrases, text: str, start: int, end: int) -> Match | None:
        phrase = " ".join(text[start:end].split())
        if row is AGE:
            ages = _numbers(phrase)
            in_years = not re.search(r"months?|weeks?", phrase, re.IGNORECASE)
            if in_years and max(ages) >= 18:
                return None
            unit = "" if in_years else " " + ("months" if "month" in phrase.lower() else "weeks")
            shown = "–".join(str(a) for a in dict.fromkeys(ages))
            return self._match(row, start, end, f"age {shown}{unit} is under 18")
        if row is SCHOOL_YEAR:
            return self._match(row, start, end, _school_year(phrase))
        if row is UNDER:
            return self._match(row, start, end, f"'{phrase}' is an age below 18")
        if row is RELATIONSHIP:
            after = _AGE_AFTER.match(text, end)
            if after and 18 <= int(after.group(1)) < 120:
                return None  # "her son, 34": grown up
            if after:
                age = int(after.group(1))
                return self._match(row, start, end, f"someone's child aged {age}", 0.85)
        return super().assess(row, text, start, end)

    def _match(
        self, row: Phrases, start: int, end: int, why: str, score: float | None = None
    ) -> Match:
        score = row.score if score is None else score
        return Match(self.finding_type, start, end, score, why, row.category)


def _school_year(phrase: str) -> str:
    """ "school year 7 (age 11–12)", from the English, Welsh or Scottish year named."""
    lowered = phrase.lower()
    if "reception" in lowered:
        return "school year Reception (age 4–5)"
    [year] = _numbers(phrase)[:1]
    if re.match(r"p\s*\d", lowered):
        return f"Scottish primary {year} (age {year + 3}–{year + 5})"
    if re.match(r"s\s*\d", lowered):
        return f"Scottish secondary {year} (age {year + 10}–{year + 12})"
    return f"school year {year} (age {year + 4}–{year + 5})"


def create(config: Config) -> ChildRecognizer:
    return ChildRecognizer()
