"""GDPR article 9 special-category data named in ordinary prose, from a curated lexicon.

The lexicon is data: `LEXICON` below, one `Phrases` row per (category, score)
group. Each phrase is a regular expression matched case-insensitively on word
boundaries, in which a plain space stands for any run of white space (so a
phrase survives line wrapping). The rules the rows follow:

* a phrase names the category in a way a reader would take as being about a
  person: "attends the mosque", "diagnosed with epilepsy", "is gay". A bare
  word that is as often a place, an event or an idiom ("church", "DNA",
  "trade union") is a weak cue, scored below the default report threshold;
* idioms and venues that borrow the words are excluded inside the row with a
  look-ahead ("her faith in the system", "the church hall car park");
* phrases are written in lower case (the scan folds the text); acronyms that
  are ordinary words in lower case are matched case-sensitively with a scoped
  `(?-i:...)` ("AIDS", not "aids the inquiry");
* no capturing groups, and no top-level `|` (wrap it in `(?:...)`);
* a look-behind must have a fixed width, so inside one write `\\s`, not a space.

All rows compile into one regular expression whose literal prefixes are
factored into a trie, so a message is scanned once, at a speed that does not
fall with the lexicon's length (see `LexiconRecognizer`, which the other
phrase-level recognizers share).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType, Match
from mailwarden.detect.recognizer import TextContext

STRONG = 0.85
"""The phrase is the category itself ("racially aggravated", "antidepressants")."""
SOLID = 0.7
"""The phrase usually is the category ("autism", "Muslim", "mental health")."""
WEAK = 0.4
"""The phrase is often something else (a venue, an idiom): kept, but not reported by default."""


@dataclass(frozen=True, slots=True)
class Phrases:
    """A group of lexicon phrases that share a category, a score and a reason."""

    category: str
    score: float
    patterns: tuple[str, ...]
    reason: str = ""
    """What a hit shows, for the explanation; the category when empty."""


class PhraseIndex:
    """Every phrase of a lexicon in one regular expression, its literal prefixes in a trie.

    A plain alternation of hundreds of phrases makes the regex engine try each
    one at every word; factoring the phrases' literal beginnings into a trie
    makes it follow one path of characters instead. A leading `(?:a|b)` is
    distributed first (`(?:a|b)c` is `ac|bc`), so it joins the trie too. Each
    phrase's remainder sits in a named group, so a hit names the row it came from.

    The scan runs on the lower-cased text without IGNORECASE, which is three
    times faster; case-sensitive parts (`(?-i:...)`) are lower-cased for the
    scan, and a hit of such a row is confirmed on the original text.
    """

    def __init__(self, lexicon: tuple[Phrases, ...]) -> None:
        self.rows: list[Phrases] = []
        self._confirm: dict[int, re.Pattern[str]] = {}
        trie = _Trie()
        others: list[str] = []
        for group in lexicon:
            for pattern in group.patterns:
                row = len(self.rows)
                self.rows.append(group)
                if _top_level_choices(pattern) != [pattern]:
                    raise ValueError(f"phrase {pattern!r}: wrap a top-level '|' in (?:...)")
                if "(?-i:" in pattern:
                    self._confirm[row] = re.compile(
                        rf"(?:{_with_flexible_spaces(pattern)})(?!\w)", re.IGNORECASE
                    )
                for variant, whole in enumerate(_distribute(_fold_case(pattern))):
                    literal, rest = _literal_prefix(whole)
                    leaf = f"(?P<p{row}_{variant}>{_with_flexible_spaces(rest)})"
                    if literal:
                        trie.add(literal, leaf)
                    else:
                        others.append(leaf)
        # The trie's first letters stand in the top-level alternation, where the engine
        # skips a branch whose first letter differs without entering it.
        body = r"\b(?:" + "|".join(trie.alternatives() + others) + r")(?!\w)"
        self._lower_case = re.compile(body)
        self._any_case = re.compile(body, re.IGNORECASE)

    def finditer(self, text: str) -> Iterator[tuple[Phrases, int, int]]:
        """Each hit: its row, start and end; leftmost first, the longest literal first."""
        lowered = text.lower()
        if len(lowered) == len(text):  # a few characters lower-case to two
            hits = self._lower_case.finditer(lowered)
        else:
            hits = self._any_case.finditer(text)
        for found in hits:
            row = int(str(found.lastgroup)[1:].partition("_")[0])
            start, end = found.span()
            confirm = self._confirm.get(row)
            if confirm is not None:
                confirmed = confirm.match(text, start)
                if confirmed is None or confirmed.end() != end:
                    continue
            yield self.rows[row], start, end


class _Trie:
    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.leaves: list[str] = []

    def add(self, literal: str, leaf: str) -> None:
        node = self
        for char in literal:
            node = node.children.setdefault(char, _Trie())
        node.leaves.append(leaf)

    def alternatives(self) -> list[str]:
        """The trie as regex alternatives: deeper (longer) literals are tried first."""
        steps = [
            (r"\s+" if char == " " else re.escape(char)) + child.regex()
            for char, child in sorted(self.children.items())
        ]
        return steps + self.leaves

    def regex(self) -> str:
        alternatives = self.alternatives()
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"


_REGEX_TOKEN = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|[()|]")
_LITERAL = re.compile(r"(?:[^\W_]|[ '’-])+")
_QUANTIFIERS = "?*+{"


def _closing(pattern: str, opening: int) -> int:
    """Where the group opened at `opening` closes."""
    depth = 0
    for token in _REGEX_TOKEN.finditer(pattern, opening):
        depth += {"(": 1, ")": -1}.get(token.group(), 0)
        if depth == 0:
            return token.start()
    raise ValueError(f"phrase {pattern!r}: unbalanced parentheses")


def _top_level_choices(pattern: str) -> list[str]:
    """`pattern` split at each `|` that is not inside a group."""
    depth, cut, parts = 0, 0, []
    for token in _REGEX_TOKEN.finditer(pattern):
        depth += {"(": 1, ")": -1}.get(token.group(), 0)
        if token.group() == "|" and depth == 0:
            parts.append(pattern[cut : token.start()])
            cut = token.end()
    return [*parts, pattern[cut:]]


def _distribute(pattern: str) -> list[str]:
    """A leading `(?:a|b)c` as `ac` and `bc`, `(?:a)?c` as `ac` and `c`, `\\dc` as `0c`...`9c`."""
    if pattern.startswith("\\d") and pattern[2:3] not in tuple(_QUANTIFIERS):
        return [v for digit in "0123456789" for v in _distribute(digit + pattern[2:])]
    if not pattern.startswith("(?:"):
        return [pattern]
    close = _closing(pattern, 0)
    choices, tail = _top_level_choices(pattern[3:close]), pattern[close + 1 :]
    if tail.startswith("?") and not tail.startswith("??"):
        return [v for c in [*(c + tail[1:] for c in choices), tail[1:]] for v in _distribute(c)]
    if tail.startswith(tuple(_QUANTIFIERS)):
        return [pattern]
    return [v for c in choices for v in _distribute(c + tail)]


def _fold_case(pattern: str) -> str:
    """Each `(?-i:X)` as `(?:x)`: the form that matches the lower-cased text."""
    while (opening := pattern.find("(?-i:")) >= 0:
        close = _closing(pattern, opening)
        inner = re.sub(
            r"\\.|[^\\]+",
            lambda m: m.group() if m.group()[0] == "\\" else m.group().lower(),
            pattern[opening + 5 : close],
        )
        pattern = f"{pattern[:opening]}(?:{inner}){pattern[close + 1 :]}"
    return pattern


def _literal_prefix(pattern: str) -> tuple[str, str]:
    """The plain characters `pattern` starts with (none quantified), and the rest."""
    literal = _LITERAL.match(pattern)
    cut = literal.end() if literal else 0
    if 0 < cut < len(pattern) and pattern[cut] in _QUANTIFIERS:
        cut -= 1  # the last character is quantified: it belongs to the remainder
    return pattern[:cut], pattern[cut:]


def _with_flexible_spaces(pattern: str) -> str:
    """A plain space becomes any run of white space; classes and escapes are left alone."""

    def replace(token: re.Match[str]) -> str:
        if token.group() != " ":
            return token.group()
        following = pattern[token.end() : token.end() + 1]
        return r"\s" if following and following in _QUANTIFIERS else r"\s+"

    return re.sub(r"\\.|\[(?:\\.|[^\]])*\]| ", replace, pattern)


class LexiconRecognizer:
    """A recognizer whose patterns are a lexicon of phrases, each with a category and score.

    Subclasses set the class attributes; `assess()` may veto a hit or change
    its score and explanation (the child recognizer reads ages out of it).
    """

    name: ClassVar[str]
    description: ClassVar[str]
    finding_type: ClassVar[FindingType]
    lexicon: ClassVar[tuple[Phrases, ...]]
    _index: ClassVar[PhraseIndex]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if "lexicon" in cls.__dict__:
            cls._index = PhraseIndex(cls.lexicon)

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        for row, start, end in self._index.finditer(text):
            match = self.assess(row, text, start, end)
            if match is not None:
                yield match

    def assess(self, row: Phrases, text: str, start: int, end: int) -> Match | None:
        """The match for one hit: the row's score, and "category: 'phrase'" as the reason."""
        phrase = " ".join(text[start:end].split())
        reason = row.reason or row.category
        return Match(
            self.finding_type, start, end, row.score, f"{reason}: '{phrase}'", row.category
        )


RACE = "racial or ethnic origin"
POLITICS = "political opinions"
RELIGION = "religious or philosophical beliefs"
UNION = "trade union membership"
GENETIC = "genetic data"
BIOMETRIC = "biometric data"
HEALTH = "health"
SEX = "sex life or sexual orientation"

CATEGORIES = (RACE, POLITICS, RELIGION, UNION, GENETIC, BIOMETRIC, HEALTH, SEX)
"""The article 9(1) categories, in the regulation's order; every row's category is one."""

# Building blocks shared by several rows.
_PERSON = (
    r"(?:man|men|woman|women|boys?|girls?|males?|females?|youths?|pupils?|child|children|"
    r"persons?|people|family|families|lad|lady|neighbours?|teenagers?|community)"
)
_SUBJECT_IS = (
    r"(?:(?:he|she|they|who|you|i) (?:is|are|was|were|am)|(?:he|she)['’]s|(?:they|you)['’]re)"
)
_ETHNIC = (
    r"(?:black|white|asian|brown|mixed[- ]race|of colour|dual heritage)"
    r"(?![- ](?:and blue|as a sheet|faced|knuckled))"
)
_FAITHS = (
    r"(?:muslims?|islamic|christians?|catholics?|jewish|jews?|hindus?|sikhs?|buddhists?|"
    r"atheists?|protestants?|anglicans?|methodists?|baptists?|mormons?|rastafarians?)"
)
_WORSHIP = (
    r"(?:mosque|church|synagogue|temple|gurdwara|mandir|chapel|kingdom hall)"
    r"(?! (?:hall|halls|car park|roof|building|grounds|gates?|road|street|lane|yard|tower|spire|"
    r"steps|wall))"
)
_NOT_AN_INSTITUTION = (
    r"(?! (?:primary|secondary|high|school|academy|college|church|cathedral|diocese|charity))"
)
_PARTY = (
    r"(?:labour|conservatives?|tory|tories|liberal democrats?|lib ?dems?|green party|greens|"
    r"snp|plaid cymru|reform uk|reform party|ukip|bnp|britain first|sinn f[eé]in|"
    r"socialist workers|communist party)"
)
_UNION = r"(?:unison|(?-i:Unite|PCS)|gmb|nasuwt|neu|naht|ucu|rcn|bma|rmt|aslef|cwu|usdaw|fbu)"

LEXICON: tuple[Phrases, ...] = (
    # --- racial or ethnic origin -------------------------------------------------------
    Phrases(
        RACE,
        STRONG,
        (
            r"racially (?:aggravated|motivated|abused|abusive)",
            r"racial (?:abuse|slurs?|hatred|harassment|discrimination|profiling|origin|insults?)",
            r"race[- ]hate",
            rf"(?:because|as) {_SUBJECT_IS} {_ETHNIC}",
            r"ethnic (?:origin|background|group|minority|minorities|heritage)",
            r"ethnicity",
            r"(?:white|black|asian|mixed) (?:british|irish|african|caribbean|asian|other)",
            r"british (?:asian|pakistani|indian|bangladeshi|chinese|african|caribbean|somali)",
            r"(?-i:IC[1-69]) (?:males?|females?|man|woman|youths?)",
            r"(?:irish |scottish )?(?:gypsy|gypsies|romany)(?: travellers?)?",
            r"irish travellers?",
            r"traveller (?:community|family|families|heritage|site)",
            r"roma (?:community|family|families|heritage|people|origin)",
        ),
    ),
    Phrases(
        RACE,
        SOLID,
        (
            r"racis[mt]",
            rf"{_SUBJECT_IS} {_ETHNIC}",
            rf"(?:a|an|the|two|three|several) {_ETHNIC} {_PERSON}",
            r"mixed[- ]race",
            r"dual heritage",
            r"of (?!(?:unknown|uncertain|natural|national|cultural|historic|industrial|local|world|"
            r"great|rich|the|this|that|its|their|his|her)\b)[a-z]+(?:[ -][a-z]+)? "
            r"(?:origin|descent|heritage|extraction)",
            r"(?-i:BAME|BME)",
            r"people of colou?r",
            r"skin colou?r",
        ),
    ),
    Phrases(RACE, WEAK, (r"(?-i:IC[1-69])",)),
    # --- political opinions ------------------------------------------------------------
    Phrases(
        POLITICS,
        STRONG,
        (
            rf"(?:(?:i|he|she|they|we|you|who) (?:has |have |had )?)?voted (?:for|against) "
            rf"(?:the )?{_PARTY}",
            rf"member of (?:the )?{_PARTY}(?: party)?",
            rf"{_PARTY} (?:party )?(?:members?|membership|supporters?|activists?|voters?)",
            r"political (?:views|opinions?|beliefs|affiliations?|allegiances?|leanings|"
            r"activis[mt])",
            r"far[- ]right (?:views|extremis[mt]s?|groups?|activists?|ideology|sympathies|beliefs)",
            r"(?:left|right)[- ]wing (?:views|extremis[mt]s?|activists?|beliefs|politics)",
        ),
    ),
    Phrases(
        POLITICS,
        SOLID,
        (
            r"(?:i|he|she|they|we|you|who) (?:has |have |had )?voted (?:for|against)",
            r"(?:his|her|their|my|your) politics",
            r"pro[- ](?:palestinian|palestine|israel|israeli|brexit|life|choice|independence)",
            r"(?:brexiteer|remainer)s?",
            r"(?:extinction rebellion|just stop oil|palestine action)(?: (?:activists?|members?))?",
        ),
    ),
    Phrases(POLITICS, WEAK, (r"voted (?:for|against)", r"protest(?:e|o)rs?")),
    # --- religious or philosophical beliefs --------------------------------------------
    Phrases(
        RELIGION,
        STRONG,
        (
            r"(?:attends?|attending|attended|goes to|going to|went to|worships? at|prays? at) "
            rf"(?:the |a |his |her |their |our |my )?(?:local )?{_WORSHIP}",
            r"(?:converted|converting|conversion) to (?:islam|christianity|judaism|hinduism|"
            r"sikhism|buddhism|catholicism)",
            r"religious(?:ly)? (?:beliefs?|views|hatred|abuse|aggravated|observance|convictions)",
            r"(?:islamophobi[ac]|anti-?semiti(?:c|sm)|anti-(?:muslim|jewish|sikh|hindu|christian))",
            r"jehovah['’]?s witness(?:es)?",
        ),
    ),
    Phrases(
        RELIGION,
        SOLID,
        (
            r"(?:his|her|their|my|your|our) (?:faith|religion|religious beliefs)(?! in\b)",
            rf"(?:his|her|their|my|your|our) (?:local )?{_WORSHIP}",
            r"(?:muslims?|islam|jewish|jews|hindus?|hinduism|sikhs?|sikhism|buddhists?|buddhism|"
            rf"judaism|rastafarians?|mormons?|atheists?|humanists?){_NOT_AN_INSTITUTION}",
            r"(?:catholics?|protestants?|anglicans?|methodists?|baptists?|evangelical)"
            + _NOT_AN_INSTITUTION,
            rf"(?:is|are|was|were|a|as|practising|devout|born[- ]again) {_FAITHS}",
            r"christian (?:faith|beliefs?|values|community|convert)",
            r"(?:is|am|an|as) agnostic",
            r"(?:hijab|niqab|burqa|burka|turban|kippah|yarmulke|kirpan|prayer mat)s?",
            r"ethical vegan(?:ism)?",
        ),
    ),
    Phrases(RELIGION, WEAK, (_WORSHIP, r"ramadan", r"(?-i:Eid)", r"(?:halal|kosher)")),
    # --- trade union membership --------------------------------------------------------
    Phrases(
        UNION,
        STRONG,
        (
            rf"(?:member of|joined|belongs? to|represented by) (?:the )?{_UNION}",
            rf"{_UNION} (?:members?|membership|reps?|representatives?|stewards?|subs)",
            r"trade union (?:members?|membership|reps?|representatives?|stewards?|officials?)",
            r"union(?<!european\sunion)(?<!student\sunion)(?<!students['’]\sunion)"
            r"(?<!credit\sunion) (?:members?|membership|reps?|representatives?|stewards?|"
            r"officials?|subs|dues)",
        ),
    ),
    Phrases(UNION, SOLID, (r"(?:his|her|my|your) union",)),
    Phrases(UNION, WEAK, (r"trade unions?",)),
    # --- genetic data ------------------------------------------------------------------
    Phrases(
        GENETIC,
        STRONG,
        (
            r"dna (?:samples?|profiles?|profiling|tests?|testing|results?|match(?:es)?|evidence|"
            r"swabs?|database|hit)",
            r"genetic (?:tests?|testing|conditions?|disorders?|data|profiles?|screening|markers?)",
            r"paternity tests?",
            r"(?-i:BRCA[12]?)(?: gene| mutation)?",
        ),
    ),
    Phrases(GENETIC, WEAK, (r"dna", r"genome")),
    # --- biometric data ----------------------------------------------------------------
    Phrases(
        BIOMETRIC,
        SOLID,
        (
            r"finger ?prints?",
            r"fingerprinted",
            r"palm ?prints?",
            r"facial (?:recognition|images?|biometrics?)",
            r"(?:iris|retina|retinal) (?:scans?|images?)",
            r"biometric(?:s| data| information| identifiers?| residence permit)?",
            r"voice ?prints?",
        ),
    ),
    # --- health ------------------------------------------------------------------------
    Phrases(
        HEALTH,
        STRONG,
        (
            r"diagnosed (?:with|as) (?:(?:an?|the) )?[\w'’-]+",
            r"anti-?depressants?",
            r"anti-?psychotics?",
            r"self[- ]?harm(?:ing|ed|s)?",
            r"suicidal(?: thoughts| ideation)?",
            r"(?:attempted suicide|suicide attempts?)",
            r"(?:took|taken|an) overdose",
            r"(?:sectioned|mental health act)",
            r"(?:epilepsy|epileptic(?: fits?)?|(?:had|having|suffered) (?:a )?seizures?)",
            r"(?:schizophreni[ac]|bipolar(?: disorder)?|psychosis|psychotic episode)",
            r"(?:hiv|(?-i:AIDS))(?: positive| status)?",
            r"(?:adhd|autism|autistic|asperger['’]?s)",
            r"(?:dementia|alzheimer['’]?s|parkinson['’]?s|multiple sclerosis|"
            r"motor neurone disease)",
            r"(?:cerebral palsy|cystic fibrosis|muscular dystrophy|down['’]?s syndrome)",
            r"(?:chemotherapy|radiotherapy|dialysis)",
            r"(?:leukaemia|leukemia|lymphoma|tumou?rs?|cancer)(?! research uk)",
            r"(?:diabetes|diabetic|insulin|hepatitis(?: [abc])?|tuberculosis)",
            r"(?:anorexia|bulimia|eating disorders?)",
            r"(?:ptsd|post[- ]traumatic stress)",
            r"(?:is|was|she['’]s|being|became|got) pregnant",
            r"(?:pregnancy|pregnancies|miscarriage|miscarried|termination of pregnancy|abortion)",
            r"(?:mental illness|mental health (?:crisis|issues|problems|difficulties|team|"
            r"services?|condition|needs|nurse|assessment))",
            r"(?:camhs|(?-i:EHCP)|ehc plan|education,? health and care plan)",
            r"(?:learning|physical) disabilit(?:y|ies)",
            r"special educational needs",
            r"(?:registered blind|partially sighted|visually impaired|hearing impaired)",
            r"wheelchair users?",
            r"(?:drug|alcohol) (?:addiction|dependency|dependence|misuse|problems?)",
            r"substance misuse",
            r"(?:sertraline|fluoxetine|citalopram|methylphenidate|ritalin|methadone|diazepam)",
        ),
    ),
    Phrases(
        HEALTH,
        SOLID,
        (
            r"mental health(?! (?:awareness|first aiders?|champions?|day|week|month|policy|"
            r"charity|training))",
            r"diagnosis of (?:(?:an?|the) )?[\w'’-]+",
            r"section 136",
            r"pregnant",
            r"(?:medical|health) (?:conditions?|history|records?|notes|diagnosis|needs)",
            r"depressi(?:on|ve)(?! era| of the 1930s)",
            r"(?:he|she|they|i|who|mum|dad)(?:['’]s| is| was| were| feels| felt| has been|"
            r" had been| seems| seemed) depressed",
            r"(?:suffers?|suffering|suffered|struggles?|struggling) (?:from|with) "
            r"(?:anxiety|depression|stress|[\w'’-]+ (?:disorder|syndrome|condition))",
            r"anxiety(?: (?:disorder|attacks?))?",
            r"panic attacks?",
            r"(?:ocd|dyslexia|dyslexic|dyspraxia|tourette['’]?s|asthma|asthmatic|heart condition)",
            r"alcoholic(?! (?:drinks?|beverages?|content))",
            r"(?:alcoholism|addict|addicted|addiction)",
            r"(?:on|taking|takes|prescribed) (?:medication|meds)",
            r"disabilit(?:y|ies)(?! (?:confident|access|policy|awareness|discrimination act))",
            rf"disabled (?:{_PERSON}|son|daughter|adult)",
            rf"(?:{_SUBJECT_IS}|registered) disabled",
            r"(?:is|was|went|registered|partially|completely|profoundly|legally) (?:deaf|blind)",
            rf"deaf {_PERSON}",
            r"(?:admitted to|in) hospital",
            r"(?:sick note|fit note|sickness absence|signed off sick|off sick)",
            r"(?:sustained|suffered) (?:serious |minor |facial |head |life-changing )?"
            r"injur(?:y|ies)",
            r"(?-i:SEN) support",
            r"(?-i:SEND) (?:pupils?|needs|support|register)",
            r"gender dysphoria",
            r"sexual health(?: clinic)?",
        ),
    ),
    Phrases(
        HEALTH,
        WEAK,
        (r"(?:gp|a&e|hospital|inhaler|prescription)", r"anxious", r"heart attack"),
    ),
    # --- sex life or sexual orientation ------------------------------------------------
    Phrases(
        SEX,
        STRONG,
        (
            r"(?:is|was|are|were|being|openly|as|came out as|coming out as) "
            r"(?:gay|lesbian|bisexual|bi(?!-)|homosexual|queer|transgender|trans(?!-)|non-binary)",
            rf"(?:gay|lesbian|bisexual|homosexual) (?:{_PERSON}|couple|partner|son|daughter)",
            r"(?:homophobi[ac]|biphobi[ac]|transphobi[ac])",
            r"sexual (?:orientation|relationships?|activity|history|partners?|preferences?)",
            r"sexuality",
            r"transgender",
            rf"trans {_PERSON}",
            r"gender (?:reassignment|identity|transition)",
            r"sexually transmitted(?: infections?| diseases?)?",
            r"sex workers?",
            r"his (?:husband|boyfriend)",
            r"her wife",
        ),
    ),
    Phrases(
        SEX,
        SOLID,
        (
            r"(?:gay|lesbian|bisexual|homosexual)",
            r"(?-i:LGBT(?:Q|QI|QIA)?\+?)",
            r"non-binary",
            r"(?-i:STIs?)",
            r"(?:is|was|are|were) transitioning(?! to| from)",
        ),
    ),
    # "her girlfriend" is often a female friend: weak on its own.
    Phrases(SEX, WEAK, (r"her girlfriend", r"queer")),
)


class SpecialCategoryRecognizer(LexiconRecognizer):
    name = "special_category"
    description = "GDPR article 9 special-category data (health, religion, race, ...) in prose."
    finding_type = FindingType.SPECIAL_CATEGORY
    lexicon = LEXICON


def create(config: Config) -> SpecialCategoryRecognizer:
    return SpecialCategoryRecognizer()
