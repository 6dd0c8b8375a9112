"""People's names: cheap rules decide what they can, the language model the rest.

The text is cut into chunks (table cells, lines, sentences) and each run of
capitalised words in a chunk is judged by rules first:

- a title before it ("Mr Patel", "DC 2291 Holloway", "Dr Fiona McAllister") makes it a name;
- a known first name and a surname ("Ellie Marsh"), or two or more capitalised words
  none of which is an ordinary word, place or organisation word ("Oluwaseun Adeyemi"),
  make it a name;
- an organisation or place word in it ("Greenfield Academy", "Victoria Road"), or only
  ordinary words, days, months and salutations ("Kind Regards", "Year", "Monday") rule it out.

Only chunks holding a run the rules cannot decide ("Patel", "Chelsea", "Tesco",
"Summer Davies") go to spaCy's named-entity recognizer, in one batch: most of an
e-mail never reaches the model. Where the model runs, a name it agrees with scores
highest, and a guess it reads as a place or organisation is dropped.

Word lists (src/mailwarden/data/): given_names.txt (US Census 1990, public domain),
common_words.txt (spacy-lookups-data, MIT), places.txt (GeoNames, CC BY 4.0).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache
from importlib.resources import files

from spacy.lang.en.stop_words import STOP_WORDS

from mailwarden.config import Config
from mailwarden.detect import nlp
from mailwarden.detect.finding import FindingType, Match
from mailwarden.detect.recognizer import TextContext


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLES = _words(
    "Mr Mrs Ms Miss Mx Dr Prof Professor Sir Dame Lord Lady Rev Revd Reverend Fr Cllr "
    "Councillor PC DC DS DI DCI DSI DCS PCSO Sgt Sergeant Insp Inspector Supt Superintendent "
    "Det Detective Constable Commander Judge Nurse Lieutenant Captain Colonel"
)
ORGANISATION_OR_PLACE = _words(
    "School Schools Academy Primary Secondary College University Council Police Constabulary "
    "Trust Hospital Hospitals Infirmary Surgery Clinic Hospice Centre Center Street Road Lane "
    "Avenue Crescent Terrace Gardens Way Close Drive Square Bridge Castle Cathedral Church "
    "Chapel Mosque Temple Station Museum Gallery Theatre Library Court Ltd Limited LLP PLC Plc "
    "Inc Solicitors Services Service Department Team Unit Hub Agency Authority Board Committee "
    "Commission Office Partnership Foundation Society Union Bank Group Show Award Awards FC "
    "United County Borough City Town Chamber Forest Estate Ombudsman Network Ministry Embassy "
    "Consulate Zoo Farm Airport Stadium Arena Hotel Harbour Pier Cinema Institute Association "
    "Federation Alliance Tribunal Prison Barracks Grove Health Community Care Practice "
    "Ward Directorate Safeguarding Social Children's Services"
)
PLACE_PREFIXES = _words("St Saint Royal")
VEHICLE_MAKES = _words(
    "Ford Vauxhall Toyota Volkswagen VW BMW Audi Nissan Honda Peugeot Renault Citroen Citroën "
    "Kia Hyundai Skoda Seat Fiat Mini Volvo Mazda Tesla Suzuki Mitsubishi Lexus Porsche Dacia "
    "Subaru Jeep Jaguar Land Range Alfa Mercedes-Benz Chevrolet Yamaha Kawasaki Ducati Triumph"
)
"""Makes that start a vehicle's name ("Ford Focus", "Vauxhall Corsa"), never a person's."""
LOCATIVES = _words("in near into across around outside throughout towards")
"""Words that put a place name after them: "in Leeds", "near Chester"."""
DAYS_AND_MONTHS = _words(
    "Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov "
    "Dec Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December Christmas Easter Whitsun Eid "
    "Diwali Ramadan Hanukkah Passover Hogmanay"
)
SALUTATIONS = _words(
    "dear hi hello morning afternoon evening regards kind best warm thanks thank cheers yours "
    "sincerely faithfully sir madam colleagues parents carers re fw fwd cc bcc fao subject "
    "from to sent date name surname forename mum dad tel telephone mob mobile fax email e-mail "
    "web postcode address ref reference dob nhs direct switchboard ext extension"
)
JOB_TITLES = _words(
    "Headteacher Headmaster Headmistress Deputy Head Teacher Assistant Senior Lead Designated "
    "Safeguarding Officer Manager Coordinator Co-ordinator Administrator Secretary Medical "
    "Paralegal Solicitor Barrister Partner Associate Clerk Caseworker Case Worker Social "
    "SENCo SENDCo Nurse Practitioner Consultant Registrar Receptionist Advisor Adviser "
    "Director Chief Executive Inspector Investigator Analyst Support Family Liaison Housing "
    "Duty Team Leader Specialist Principal Governor Chair Clinical Health Visitor Midwife"
)
"""Words of job titles: a run made only of them is a role ("Designated Safeguarding Lead")."""
_CAMEL_NAME_PREFIX = re.compile(r"^(?:Mc|Mac|O'|O’|D'|D’|Fitz|De|Di|Da|La|Le|Van|Von)[A-Z]")
NATIONALITIES = _words(
    "british english welsh scottish irish european polish romanian lithuanian latvian "
    "bulgarian portuguese spanish italian french german dutch ukrainian russian turkish "
    "kurdish arabic urdu punjabi bengali gujarati hindi tamil somali nigerian ghanaian "
    "pakistani indian bangladeshi chinese vietnamese afghan iranian iraqi syrian eritrean "
    "sudanese albanian asian african caribbean american muslim hindu sikh jewish catholic"
)
PARTICLES = _words("van von der den de da das dos du di del della la le bin bint ibn al el")
SPEECH_LABELS = frozenset({"ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART"})
"""Entity labels that contradict a guess from the rules."""
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


class Rule(Enum):
    """What the rules make of a run of capitalised words."""

    NOT_A_NAME = "not a name"
    UNDECIDED = "undecided"
    TITLE = "title"
    FIRST_NAME = "first name"
    FIRST_NAME_ALONE = "first name alone"
    NAME_SHAPED = "name-shaped words"


SCORES = {
    Rule.TITLE: (0.75, "title and surname"),
    Rule.FIRST_NAME: (0.7, "a known first name and a surname"),
    Rule.NAME_SHAPED: (0.6, "capitalised words that are no ordinary word, place or organisation"),
    Rule.FIRST_NAME_ALONE: (0.6, "a known first name"),
}
AGREED = 0.85
MAX_NAME_WORDS = 4
"""More capitalised words than this in a run are a heading or a list, for the model to read."""
MODEL = (0.7, "a person's name (language model)")
ASK_MODEL = frozenset({Rule.UNDECIDED})

_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+|[^\w\s]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_BREAK = re.compile(r"[\t\n]")
_CONTRACTION = re.compile(r"['’](?:s|ll|ve|re|m|d|t)$")
_OPENERS = frozenset(":;-–•*>\"'“‘(")
_MAX_CHUNK = 600


@cache
def _word_list(name: str) -> dict[str, str]:
    """A data file's words, each with its note (the second column, or "")."""
    text = files("mailwarden").joinpath("data", name).read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.split("\n") if line and not line.startswith("#"))
    return {row[0]: row[1] if len(row) > 1 else "" for row in rows}


def _ordinary(word: str, at_start: bool = False) -> bool:
    """A word that is no name: common lower-case words, days, salutations, nationalities.

    At the start of a sentence, frequent words that are often capitalised count too
    ("Hopefully", "Please") unless they are first names.
    """
    if "-" in word:
        return all(_ordinary(part) for part in word.split("-"))
    word = _CONTRACTION.sub("", word)
    lower = word.lower()
    if lower in STOP_WORDS or lower in SALUTATIONS or lower in NATIONALITIES:
        return True
    if word in DAYS_AND_MONTHS or word.removesuffix("s") in DAYS_AND_MONTHS:
        return True
    common = _word_list("common_words.txt")
    plural = lower[:-1] if at_start and lower.endswith("s") else None  # "Refreshments are..."
    note = common.get(lower, common.get(plural) if plural else None)
    if note is None:
        return False
    return note == "" or (at_start and word not in _word_list("given_names.txt"))


def _given_name(word: str) -> bool:
    """A known first name, or a hyphenated pair of them ("Lily-Mae")."""
    given = _word_list("given_names.txt")
    return word in given or ("-" in word and all(p in given for p in word.split("-")))


def _place(words: tuple[str, ...]) -> bool:
    places = _word_list("places.txt")
    return " ".join(words) in places or any(w in places and not _given_name(w) for w in words)


def _camel_case(word: str) -> bool:
    """A capital after a lower-case letter, as products are written, unlike "McDonald"."""
    inner = re.search(r"[a-z][A-Z]", word)
    return inner is not None and not _CAMEL_NAME_PREFIX.match(word)


def _name_shaped(word: str) -> bool:
    return word[0].isupper() and any(c.islower() for c in word)


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    words: tuple[str, ...]
    at_start: bool = False
    """Whether the first word begins a sentence, cell or line."""
    before: str = ""
    """The word just before the run, in lower case."""

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class _Verdict:
    span: _Span
    rule: Rule


_Token = tuple[str, int, int]


def _runs(chunk: str) -> Iterator[tuple[bool, _Span]]:
    """Each run of capitalised words, and whether a title stands right before it.

    Runs break at punctuation, line ends and lower-case words (but not at name
    particles: "Ludwig van der Berg"); a trailing 's ends a name ("Aisha Khan's"), not
    an organisation ("Prince's Trust"). Salutations in front are cut off ("Thanks Jo"),
    and so is an ordinary word before a first name ("Practitioner Kerry Sullivan").
    """
    tokens: list[_Token] = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(chunk)]
    run: list[_Token] = []
    owned = [0]  # how many words of the run end at an 's ("Prince's Trust"), if any
    titled = run_titled = run_at_start = False
    run_before = ""
    last = ""  # what the previous token was: "title", "initial", "word" or ""

    def flush() -> Iterator[tuple[bool, _Span]]:
        words, owner = run[:], owned[0]
        run.clear()
        owned[0] = 0
        rest = words[owner:] if owner else []
        if rest and not any(w in ORGANISATION_OR_PLACE for w, _, _ in rest):
            yield from _emit(words[:owner], run_titled, run_at_start, run_before)  # "Khan's Mum"
            yield from _emit(rest, False, False, "")
        else:
            yield from _emit(words, run_titled, run_at_start, run_before)  # "Prince's Trust"

    for index, (word, start, end) in enumerate(tokens):
        gap = chunk[tokens[index - 1][2] : start] if index else None
        joined = gap in (" ", "\u00a0")
        if word == "." and gap == "" and last in ("title", "initial"):
            continue
        if word.isdigit() and joined and last == "title":
            continue
        if word in "'’" and gap == "" and run and run[-1][0].endswith("s"):
            owned[0] = owned[0] or len(run)  # "Magistrates' Court"
            continue
        if not joined or word in TITLES:
            if run:
                yield from flush()
            titled = False
        if word in TITLES:
            titled, last = True, "title"
            continue
        possessive = word.endswith(("'s", "’s")) and len(word) > 3
        if possessive:
            word, end = word[:-2], end - 2
        following = tokens[index + 1] if index + 1 < len(tokens) else ("", 0, 0)
        dotted = following[0] == "." and following[1] == end
        initial = len(word) == 1 and word.isupper()
        if initial and not (titled or dotted or (run and word not in "AI")):
            initial = False
            word = word.lower()  # a lone capital letter ("A pupil", "I") starts no name
        if _name_shaped(word) or initial or (word in PARTICLES and run):
            if not run:
                run_titled = titled
                run_at_start = all(t[0] in _OPENERS for t in tokens[:index]) or (
                    tokens[index - 1][0] in _OPENERS
                )
                run_before = tokens[index - 1][0].lower() if index else ""
            run.append((word, start, end))
            last = "initial" if initial else "word"
        else:
            if run:
                yield from flush()
            titled, last = False, ""
        if possessive and run:
            owned[0] = owned[0] or len(run)
    yield from flush()


def _emit(
    words: list[_Token], titled: bool, at_start: bool, before: str
) -> Iterator[tuple[bool, _Span]]:
    """A run as a span, less trailing particles and initials and leading salutations."""
    while words and (words[-1][0] in PARTICLES or len(words[-1][0]) == 1):
        words = words[:-1]
    stripped = False
    while len(words) > 1 and len(words[0][0]) > 1 and _leading_noise(words, at_start):
        words, stripped, at_start, before = words[1:], True, False, words[0][0].lower()
    if words:
        span = _Span(words[0][1], words[-1][2], tuple(w for w, _, _ in words), at_start, before)
        yield titled and not stripped, span


def _leading_noise(words: list[_Token], at_start: bool) -> bool:
    """A salutation, or an ordinary word before a first name and surname."""
    first, following = words[0][0], words[1][0]
    lower = first.lower()
    if lower in SALUTATIONS or lower in STOP_WORDS:
        return True
    return len(words) > 2 and _ordinary(first, at_start) and _given_name(following)


def _judge(titled: bool, span: _Span) -> _Verdict:
    """What the rules make of one run of capitalised words."""
    words = span.words
    if any(w in ORGANISATION_OR_PLACE for w in words) or words[0] in PLACE_PREFIXES:
        return _Verdict(span, Rule.NOT_A_NAME)
    if len(words) >= 2 and words[0] in VEHICLE_MAKES:
        return _Verdict(span, Rule.NOT_A_NAME)
    if span.before in LOCATIVES and " ".join(words) in _word_list("places.txt"):
        return _Verdict(span, Rule.NOT_A_NAME)  # "moved to Lincoln", "in Paris"
    if len(words) == 1 and not titled and not span.at_start and _place(words):
        return _Verdict(span, Rule.NOT_A_NAME)  # "in Leicester": a place, unless it leads
        # the sentence ("Leeds said he would call back"), which the model may settle
    if not titled and all(w in JOB_TITLES for w in words):
        return _Verdict(span, Rule.NOT_A_NAME)  # "Designated Safeguarding Lead"
    if any(_camel_case(w) for w in words):
        return _Verdict(span, Rule.NOT_A_NAME)  # "MyConcern", "NHSmail": products
    if _ordinary_only(span):
        return _Verdict(span, Rule.UNDECIDED if titled else Rule.NOT_A_NAME)
    named = [w for w in words if len(w) > 1 and w not in PARTICLES]
    if len(named) > MAX_NAME_WORDS:
        return _Verdict(span, Rule.UNDECIDED)  # a heading or a list, not one name
    if titled:
        return _Verdict(span, Rule.TITLE)
    if _given_name(words[0]):
        if len(words) >= 2:
            return _Verdict(span, Rule.FIRST_NAME)
        if not _word_list("given_names.txt").get(words[0]):
            return _Verdict(span, Rule.FIRST_NAME_ALONE)
    if (
        len(named) >= 2
        and not any(_ordinary(w, span.at_start and i == 0) for i, w in enumerate(words))
        and not _place(words)
    ):
        return _Verdict(span, Rule.NAME_SHAPED)
    return _Verdict(span, Rule.UNDECIDED)


def _ordinary_only(span: _Span) -> bool:
    return all(
        _ordinary(w, span.at_start and i == 0) or w in PARTICLES for i, w in enumerate(span.words)
    )


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Table cells, lines (a wrapped paragraph's lines joined) and sentences, with offsets.

    A line of 50 characters or more that does not end a sentence runs on into the next;
    the line break becomes a space, so offsets into the chunk are offsets into the text.
    """
    start = line_start = 0
    for brk in _BREAK.finditer(text):
        line = text[line_start : brk.start()].rstrip()
        if brk.group() == "\t" or len(line) < 50 or line.endswith((".", ":")):
            yield from _sentences(start, text[start : brk.start()].replace("\n", " "))
            start = brk.end()
        line_start = brk.end()
    yield from _sentences(start, text[start:].replace("\n", " "))


def _sentences(offset: int, line: str) -> Iterator[tuple[int, str]]:
    start = 0
    for boundary in _SENTENCE_END.finditer(line):
        before = line[max(0, boundary.start() - 30) : boundary.start()].rsplit(None, 1)[-1]
        before = before.rstrip(".")
        if before in TITLES or len(before) == 1:
            continue  # "Mr. Patel", "J. Smith"
        yield from _pieces(offset + start, line[start : boundary.start()])
        start = boundary.end()
    yield from _pieces(offset + start, line[start:])


def _pieces(offset: int, sentence: str) -> Iterator[tuple[int, str]]:
    while sentence.strip():
        cut = len(sentence) if len(sentence) <= _MAX_CHUNK else sentence.rfind(" ", 0, _MAX_CHUNK)
        cut = cut if cut > 0 else _MAX_CHUNK
        yield offset, sentence[:cut]
        offset, sentence = offset + cut, sentence[cut:]


class PersonRecognizer:
    name = "person"
    description = "People's names: titles, known first names, name-shaped words, spaCy's NER."
    finding_type = FindingType.PERSON

    def __init__(self, use_model: bool = True) -> None:
        self.use_model = use_model
        """Without the model (learning's fast profile) a run the rules cannot settle is
        dropped: only names the rules decide are found."""

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        [matches] = self.analyze_many([text], [context])
        return iter(matches)

    def analyze_many(
        self, texts: Sequence[str], contexts: Sequence[TextContext]
    ) -> list[list[Match]]:
        """Every text of one message at once: one model batch, and organisation words shared.

        "Greenfield" of "Greenfield Academy" in the subject is no person when the
        body later says "a Greenfield pupil".
        """
        chunked = [list(_chunks(text)) for text in texts]
        flat = [(t, offset, chunk) for t, chunks in enumerate(chunked) for offset, chunk in chunks]
        verdicts = [_verdicts(chunk.translate(nlp.DIGITS_AS_ZERO)) for _, _, chunk in flat]
        asking = [i for i, found in enumerate(verdicts) if any(v.rule in ASK_MODEL for v in found)]
        answers = (
            dict(zip(asking, nlp.entities([flat[i][2] for i in asking]), strict=True))
            if self.use_model
            else {}  # the model is never loaded
        )
        taken = _organisation_words(v for found in verdicts for v in found)
        results: list[list[Match]] = [list(_labelled(text)) for text in texts]
        for index, (text_index, offset, _) in enumerate(flat):
            for span, score, why in _decide(verdicts[index], answers.get(index), taken):
                results[text_index].append(
                    Match(self.finding_type, offset + span.start, offset + span.end, score, why)
                )
        return results


@lru_cache(maxsize=8192)
def _verdicts(chunk: str) -> tuple[_Verdict, ...]:
    """The rules' verdict on each run of a chunk; rows and signatures repeat, so remembered.

    Called with digits read as 0 (offsets hold, and no name has digits), so table
    rows that differ only in numbers share one answer.
    """
    return tuple(_judge(titled, span) for titled, span in _runs(chunk))


_LABELLED = re.compile(
    r"(?<![^\t\n])[ \t]*(?P<label>(?:(?:first|given|last|family|full|middle|child'?s|pupil'?s"
    r"|student'?s|patient'?s|client'?s|tenant'?s|mother'?s|father'?s|parent'?s|carer'?s)\s+)?"
    r"(?:forenames?|surname|name|pupil|child|student|patient|client|tenant|victim|suspect"
    r"|offender|witness|mother|father|parent|carer|guardian|next of kin))"
    r"[ \t]*:[ \t]*(?P<value>[^\t\n]{2,60})",
    re.IGNORECASE,
)
_LABELLED_SCORE = 0.8


def _labelled(text: str) -> Iterator[Match]:
    """A value under a label that says it is a name: "Forename: Alfie", "Tenant: Mr S Ashworth".

    Table extractors write each cell as "Header: value", so a spreadsheet's name
    columns are read as names even when the name alone would be ambiguous.
    """
    for found in _LABELLED.finditer(text):
        value = found.group("value").rstrip(" ,;.")
        words = [w for w in value.split() if w.rstrip(".") not in TITLES]
        if not words or len(words) > MAX_NAME_WORDS or not all(map(_name_shaped, words)):
            continue
        if any(w in ORGANISATION_OR_PLACE for w in words) or _ordinary_only(
            _Span(0, 0, tuple(words))
        ):
            continue
        start = found.start("value") + value.index(words[0])
        end = found.start("value") + len(value)
        label = " ".join(found.group("label").split()).lower()
        yield Match(
            FindingType.PERSON, start, end, _LABELLED_SCORE, f"labelled as a name ({label})"
        )


def _organisation_words(verdicts: Iterable[_Verdict]) -> frozenset[str]:
    """Words the text uses in an organisation's or place's name: "Greenfield" of
    "Greenfield Academy" is no person when it later stands alone."""
    return frozenset(
        word
        for v in verdicts
        if v.rule is Rule.NOT_A_NAME and not _ordinary_only(v.span)
        for word in v.span.words
        if not _ordinary(word) and word not in ORGANISATION_OR_PLACE
    )


def _decide(
    verdicts: Sequence[_Verdict], entities: tuple[nlp.Entity, ...] | None, taken: frozenset[str]
) -> Iterator[tuple[_Span, float, str]]:
    """The rules' names and the model's, merged: where both agree the score is highest."""
    people = [
        p
        for p in _model_people(verdicts, entities or ())
        if len(p.words) > 1 or p.words[0] not in taken
    ]
    for verdict in verdicts:
        span, rule = verdict.span, verdict.rule
        if rule not in SCORES or (rule is not Rule.TITLE and span.words[0] in taken):
            continue
        agreeing = [p for p in people if span.overlaps(p.start, p.end)]
        for person in agreeing:
            people.remove(person)
        if agreeing:
            yield span, AGREED, f"a person's name (language model and {rule.value})"
        elif rule in (Rule.FIRST_NAME, Rule.NAME_SHAPED) and _model_reads_as_a_thing(
            span, rule, entities or ()
        ):
            continue  # the model reads it as a place or organisation: "Jordan Valley"
        else:
            yield span, *SCORES[rule]
    for person in people:
        yield person, *MODEL


def _model_reads_as_a_thing(span: _Span, rule: Rule, entities: tuple[nlp.Entity, ...]) -> bool:
    """The model calls the run a place or organisation and the rules are not sure enough.

    A veto needs the model's entity to cover the whole run, or the rest of the run
    to be an ordinary word ("Jordan Valley" is a place). A known first name and a
    surname outweigh an organisation reading, which the small model gives to many
    names ("a man I know as Jordan Holt"); a guard would rather ask than miss.
    """
    for entity in entities:
        if entity.label not in SPEECH_LABELS or not span.overlaps(entity.start, entity.end):
            continue
        if rule is Rule.FIRST_NAME and entity.label not in PLACE_LABELS:
            continue
        if entity.start <= span.start and entity.end >= span.end:
            return True
        if _ordinary(span.words[-1]):
            return True
    return False


def _model_people(verdicts: Sequence[_Verdict], entities: tuple[nlp.Entity, ...]) -> list[_Span]:
    """The model's PERSON entities, widened to whole runs, less those the rules rule out."""
    people: list[_Span] = []
    for entity in entities:
        if entity.label != "PERSON":
            continue
        touched = [v for v in verdicts if v.span.overlaps(entity.start, entity.end)]
        if any(v.rule is Rule.NOT_A_NAME and not _ordinary_only(v.span) for v in touched):
            continue  # part of "Queen Elizabeth Grammar School"
        for verdict in touched:
            if verdict.rule is not Rule.NOT_A_NAME and verdict.span not in people:
                people.append(verdict.span)
    return people


def create(config: Config) -> PersonRecognizer:
    return PersonRecognizer()
