"""Dates of birth: a real date written next to a birth label ("DOB", "date of birth", "born").

Dates are read in the UK's day-first formats (03/04/2013, 3.4.2013, 3 April 2013,
3rd Apr 2013) and ISO (2013-04-03); "April 3, 2013" is read too. A date that
does not exist (31/02/2013) or lies after the message is not a date of birth.

A date is only a date of birth by its label: right before it, in the same
clause ("DOB: 03/04/2013", "born in Leeds on 3 April 2013"), or right after
it ("03/04/2013 (DOB)"). A date in a text that has a birth label elsewhere (a
table whose header says "DOB") is a weak cue, and a date alone weaker still;
both score below the default report threshold.

The explanation gives the age on the day the message was written (today when
that is unknown). A labelled date of birth less than 18 years before it is
also reported as a CHILD over the same span: the engine keeps both, because
only identifier types displace each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType, Match
from mailwarden.detect.recognizer import TextContext

LABELLED = 0.85
"""A date with a birth label right before or after it."""
LABEL_IN_TEXT = 0.45
"""A date in a text that has a birth label elsewhere (a table header, say)."""
UNLABELLED = 0.3
"""Any other real date."""

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATE = re.compile(
    r"(?=[\dadfjmnos])(?<![\w/.-])(?:"  # the look-ahead lets the engine skip to likely starts
    r"(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"|(?P<iso_y>\d{4})-(?P<iso_m>\d{2})-(?P<iso_d>\d{2})"
    rf"|(?P<wd>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<wm>{_MONTH})\.?,?\s+(?P<wy>\d{{4}})"
    rf"|(?P<um>{_MONTH})\.?\s+(?P<ud>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<uy>\d{{4}})"
    r")(?![\w/]|[.-]\d)",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"(?<![\w.])(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s?date|born(?:\s+on)?)(?!\w)",
    re.IGNORECASE,
)
_LABEL_AFTER = re.compile(r"\s{0,3}[(\[]?\s?(?:d\.?o\.?b\b|date of birth)", re.IGNORECASE)
_LOOK_BACK = 60
_MAX_GAP_WORDS = 4


class DateOfBirthRecognizer:
    name = "date_of_birth"
    description = "Dates of birth: a real date next to 'DOB', 'date of birth' or 'born'."
    finding_type = FindingType.DATE_OF_BIRTH

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        today = context.message_date.date() if context.message_date else date.today()
        when = "at the time of the message" if context.message_date else "today"
        labels: list[re.Match[str]] | None = None
        for found in _DATE.finditer(text):
            born = _parse(found, today)
            if born is None or born > today:
                continue
            age = _age(born, today)
            if age > 120:
                continue
            start, end = found.span()
            label = _label_before(text, start) or _label_after(text, end)
            if label is None:
                labels = list(_LABEL.finditer(text)) if labels is None else labels
                if labels:
                    shown = " ".join(labels[0].group().split())
                    why = f"a date in a text with a birth label ('{shown}') elsewhere"
                    yield Match(self.finding_type, start, end, LABEL_IN_TEXT, why)
                else:
                    yield Match(self.finding_type, start, end, UNLABELLED, "a date, unlabelled")
                continue
            aged = f"aged {age}" if age else "under a year old"
            why = f"date of birth ('{label}'): {aged} {when}"
            yield Match(self.finding_type, start, end, LABELLED, why)
            if age < 18:
                why = f"born {born:%d/%m/%Y}: {aged} {when}"
                yield Match(FindingType.CHILD, start, end, LABELLED, why, "age")


def _parse(found: re.Match[str], today: date) -> date | None:
    """The date written, or None when there is no such day."""
    parts = found.groupdict()
    if parts["d"]:
        day, month, year = int(parts["d"]), int(parts["m"]), int(parts["y"])
        if month > 12 >= day:  # written month-first, as in the US
            day, month = month, day
        if len(parts["y"]) == 2:
            year += 2000 if 2000 + year <= today.year else 1900
    elif parts["iso_y"]:
        day, month, year = int(parts["iso_d"]), int(parts["iso_m"]), int(parts["iso_y"])
    elif parts["wd"]:
        day, month, year = int(parts["wd"]), _month(parts["wm"]), int(parts["wy"])
    else:
        day, month, year = int(parts["ud"]), _month(parts["um"]), int(parts["uy"])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month(name: str) -> int:
    return _MONTHS.index(name[:3].lower()) + 1


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _label_before(text: str, start: int) -> str | None:
    """The birth label that ends shortly before `start`, in the same clause."""
    window_start = max(0, start - _LOOK_BACK)
    labels = list(_LABEL.finditer(text, window_start, start))
    if not labels:
        return None
    gap = text[labels[-1].end() : start]
    if re.search(r"[.!?;\d]|\n\s*\n", gap) or len(re.findall(r"[^\W\d]+", gap)) > _MAX_GAP_WORDS:
        return None
    return " ".join(labels[-1].group().split())


def _label_after(text: str, end: int) -> str | None:
    """The birth label right after the date: "03/04/2013 (DOB)"."""
    found = _LABEL_AFTER.match(text, end)
    return found.group().strip(" \t\n([") if found else None


def create(config: Config) -> DateOfBirthRecognizer:
    return DateOfBirthRecognizer()
