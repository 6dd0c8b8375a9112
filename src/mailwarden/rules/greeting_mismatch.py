""" "Dear Mr Patel" to an address the organisation knows as someone else.

The greeting is the one place a message says whom the writer means; the
store knows whom each address belongs to (the display names its mail came
with). The rule reads the first lines of the body for a greeting ("Dear Mr
Patel", "Hi Sarah,", "Good morning Dr Okafor") when there is one To recipient,
and asks whether the greeted name is any of that address's known names: a
first name, a surname, an initial, or a common short form ("Bob" for Robert,
"Chris" for Christopher). "Dear all", "Dear Sir/Madam", a shared mailbox
known as a team, an address with no known name, and a greeting of someone
copied in are left alone. (Whom the greeting does fit, the snapshot cannot
say: it holds only this message's addresses.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mailwarden.knowledge.model import Knowledge
from mailwarden.message.model import AddressField, Recipient
from mailwarden.rules._shared import body_text
from mailwarden.rules.base import Reason, RuleInput, Verdict

_TITLES = (
    r"(?:mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|lady|lord|rev|revd|cllr|councillor|"
    r"pc|dc|ds|di|dci|sgt|sergeant|inspector|insp)\.?"
)
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][^\W\d_]*(?:['’-][^\W\d_]+)*"
_GREETING = re.compile(
    r"^[ \t]*(?i:dear|hi|hiya|hello|hey|morning|afternoon|evening|good[ \t]+"
    r"(?:morning|afternoon|evening))[ \t,]+"
    rf"(?:(?P<title>(?i:{_TITLES}))[ \t]+(?:(?i:and|&)[ \t]+(?i:{_TITLES})[ \t]+)?)?"
    rf"(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})"
    r"[ \t]*(?:[,!:;.]|$|(?=[ \t]+(?!and\b|or\b)[a-z]))"
)
_NOT_NAMES = frozenset(
    {
        "all", "team", "everyone", "everybody", "colleague", "colleagues", "sir", "sirs",
        "madam", "both", "folks", "there", "guys", "parent", "parents", "carer", "carers",
        "officer", "officers", "friend", "friends", "again", "you", "mum", "dad",
        "sergeant", "inspector", "councillor", "professor", "doctor", "sarge", "boss",
    }
)  # fmt: skip
_SHARED_MAILBOX = re.compile(
    r"\b(?:team|office|department|dept|unit|service|services|desk|support|reception|admin|"
    r"enquiries|safeguarding|school|academy|council|police|ltd|limited|llp|solicitors|"
    r"trust|hub|mailbox|inbox|group)\b",
    re.IGNORECASE,
)
_SHORT_FORMS = {
    "bob": "robert", "rob": "robert", "robbie": "robert", "bobby": "robert", "bert": "robert",
    "bill": "william", "will": "william", "billy": "william", "liam": "william",
    "jim": "james", "jimmy": "james", "jamie": "james", "mike": "michael", "mick": "michael",
    "dave": "david", "steve": "stephen steven", "chris": "christopher christine christina",
    "liz": "elizabeth", "beth": "elizabeth", "betty": "elizabeth", "lizzie": "elizabeth",
    "kate": "katherine catherine kathryn", "katie": "katherine catherine kathryn",
    "cathy": "catherine", "kath": "katherine kathryn", "sam": "samuel samantha",
    "tom": "thomas", "dan": "daniel danielle", "nick": "nicholas", "tony": "anthony",
    "alex": "alexander alexandra", "sandy": "alexander alexandra sandra", "jo": "joanne joanna",
    "sue": "susan suzanne", "pat": "patrick patricia", "matt": "matthew", "andy": "andrew",
    "ben": "benjamin", "jen": "jennifer", "jenny": "jennifer", "becky": "rebecca",
    "mandy": "amanda", "ed": "edward", "ted": "edward", "eddie": "edward", "pete": "peter",
    "phil": "philip phillip", "rich": "richard", "dick": "richard", "tim": "timothy",
    "vicky": "victoria", "abby": "abigail", "ellie": "eleanor elena", "charlie": "charles",
    "fred": "frederick", "harry": "henry harold", "jack": "john", "jon": "jonathan",
    "ken": "kenneth", "larry": "lawrence", "maggie": "margaret", "meg": "margaret",
    "peggy": "margaret", "nicky": "nicola", "ollie": "oliver", "tess": "teresa theresa",
    "nat": "natalie natasha", "gill": "gillian", "di": "diana diane", "val": "valerie",
    "greg": "gregory", "gaz": "gareth gary", "rick": "richard", "josh": "joshua",
    "zach": "zachary", "izzy": "isabel isabella", "bella": "isabella", "debbie": "deborah",
    "jackie": "jacqueline", "angie": "angela", "trish": "patricia", "wendy": "gwendolyn",
    "ray": "raymond", "stu": "stuart", "ash": "ashley", "mo": "mohammed muhammad",
}  # fmt: skip


class GreetingMismatch:
    name = "greeting_mismatch"
    description = "The greeting names someone other than the one To recipient is known to be."
    severity = Verdict.CONFIRM

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        knowledge = subject.knowledge
        message = subject.message
        if knowledge is None or recipient.field is not AddressField.TO:
            return None
        if [r.field for r in message.recipients].count(AddressField.TO) != 1:
            return None
        entry = knowledge.correspondent(recipient.mailbox.address)
        known = [_plain(n) for n in entry.display_names] if entry is not None else []
        if not known or any(_SHARED_MAILBOX.search(n) for n in known):
            return None
        greeting = greeted(body_text(message))
        if greeting is None:
            return None
        written, words = greeting
        if any(answers_to(words, n) for n in known):
            return None
        others = [r for r in message.recipients if r is not recipient]
        if any(answers_to(words, n) for r in others for n in _names(knowledge, r)):
            return None  # greets someone copied in
        return Reason(
            rule=self.name,
            action=self.severity,
            explanation=(
                f"The message greets '{written}', but {recipient.mailbox.address} is known as "
                f"{_either(known)}."
            ),
            evidence=(written, recipient.mailbox.address),
        )


def greeted(body: str) -> tuple[str, frozenset[str]] | None:
    """The greeting as written ("Mr Patel") and the name's words, from the first lines."""
    lines = [line for line in body.splitlines()[:12] if line.strip() and not line.startswith(">")]
    for line in lines[:3]:
        found = _GREETING.match(line)
        if found is None:
            continue
        words = frozenset(w.casefold() for w in found.group("name").split())
        if words & _NOT_NAMES:
            return None
        title = found.group("title")
        return (f"{title} {found.group('name')}" if title else found.group("name")), words
    return None


def answers_to(greeted_words: Iterable[str], display_name: str) -> bool:
    """Whether someone with this display name would answer to the greeting."""
    parts = {w.casefold() for w in re.findall(r"[^\W\d_]+", display_name)}
    return any(_same_name(g, p) for g in greeted_words for p in parts)


def _same_name(greeted: str, part: str) -> bool:
    if greeted == part or (len(part) == 1 and greeted.startswith(part)):
        return True
    if len(greeted) == 1 and part.startswith(greeted):
        return True
    if (
        len(greeted) >= 3
        and len(part) >= 3
        and (part.startswith(greeted) or greeted.startswith(part))
    ):
        return True
    return bool(_forms(greeted) & _forms(part))  # "Kate" and "Katie" are both Katherine


def _forms(word: str) -> set[str]:
    return {word, *_SHORT_FORMS.get(word, "").split()}


def _either(names: Iterable[str]) -> str:
    """ "John Smith" for "John Smith" and "Smith, John": one spelling per person."""
    seen: dict[frozenset[str], str] = {}
    for name in names:
        seen.setdefault(frozenset(re.findall(r"[^\W\d_]+", name.casefold())), name)
    return " or ".join(seen.values())


def _plain(display_name: str) -> str:
    """A display name without its bracketed note ("Smith, John (Greenfield)")."""
    return re.sub(r"\([^)]*\)|\[[^\]]*\]", "", display_name).strip() or display_name


def _names(knowledge: Knowledge, recipient: Recipient) -> list[str]:
    entry = knowledge.correspondent(recipient.mailbox.address)
    names = [recipient.mailbox.display_name, *(entry.display_names if entry else ())]
    return [n for n in names if n]


RULE = GreetingMismatch()
