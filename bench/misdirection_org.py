"""A seeded synthetic police force: its correspondents, cases, mail history, labelled outgoing mail.

`build(seed, history)` makes a `World`: Northshire Police (northshire.police.uk), the
partners it works with (schools, Westbury Borough Council, a hospital trust and NHSmail
GPs, the CPS, a women's aid charity, defence solicitors), members of the public on
webmail, a few hundred cases with references in the force's format (NS/25/0093) and
the people in them (victims, children, parents, suspects, witnesses), and `history`
messages over ten months in threads (Message-ID, In-Reply-To, References), each naming
only what its correspondent would be told, some with attachments (a school's incident
report, an MG11 statement, a witness list, hospital notes, the MASH daily list).

`outgoing(world, count, seed)` then writes the labelled test set: messages sent after
the history ends, each recipient labelled `right` or `misdirected` by the story that
made it (a reply in the wrong member of the public's thread, a wrong attachment, an
autocomplete slip, victims in To instead of Bcc...), with the legitimate look-alike of
each (the right school, the defence solicitor's own client, a colleague on the case).

The labels come from the stories alone: nothing here imports mailwarden or knows how
its rules decide. The same seed and sizes always give the same bytes.
"""

from __future__ import annotations

import csv
import html
import io
import random
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from corpus import (
    CHILD_NAMES,
    FIRST_NAMES,
    STREETS,
    SURNAMES,
    _html,
    _Templates,
    landline,
    nhs_number,
    pdf,
    postcode,
)

FORCE = "Northshire Police"
DOMAIN = "northshire.police.uk"
REF_PREFIX = "NS"
TOWN, AREA = "Westbury", "WB"
HISTORY_START = datetime(2025, 1, 6, 8, tzinfo=UTC)
HISTORY_END = datetime(2025, 10, 31, 18, tzinfo=UTC)
PRESENT = datetime(2025, 11, 3, 8, tzinfo=UTC)
"""Outgoing test messages are sent in the fortnight after the history ends."""

WEBMAIL = (
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "hotmail.co.uk",
    "outlook.com",
    "outlook.com",
    "yahoo.co.uk",
    "btinternet.com",
    "icloud.com",
    "live.co.uk",
)


def _words(text: str) -> list[str]:
    return text.split()


MORE_FIRST_NAMES = _words("""
    Joanne Karen Stephen Paul Mark Claire Helen Andrew Richard Susan Peter Angela Lee Dean
    Natalie Gemma Craig Sanjay Kamal Ngozi Deborah Marcus Tariq Shabana Leanne Wayne Janet
    Brian Kirsty Nadia Ewan Moira Graham Tracey Robert Jennifer Anthony Alan Pauline Jo
    Nicola Stuart Donna Kevin Shauna Asif Farah Jolanta Piotr Chidi Abena Ioana Marek
""")
MORE_SURNAMES = _words("""
    Mackay Stewart Robertson Marshall Barker Holmes Palmer Lloyd Parry Chapman Dixon Hunt
    Mills Webb Mason Knight Cooper Ward Cox Richardson Gray Rose Wood Turner Carter Phillips
    Mitchell Watson Hill Parker Baker Moore Young Allen King Scott Adams Baxter Kaur Iqbal
    Rahman Mahmood Nwosu Osei Boateng Zielinski Wisniewski Dimitrov Popescu Horvath Sutton
    Gallagher Doyle Burke Quinn Flynn Lynch Pearson Howard Ellis Harding Barnes Fox
""")
MORE_CHILD_NAMES = _words("""
    Harper Jacob Ella Ethan Sienna Mason Willow Reggie Aria Ibrahim Amira Logan Hallie Kai
    Esme Yusuf Rosie Tommy Layla Jayden Ayaan Elsie Frankie Nell Hugo Orla Rory Ivy Jude Zara
""")
ADULT_FIRST = list(dict.fromkeys(FIRST_NAMES + MORE_FIRST_NAMES))
CHILD_FIRST = list(dict.fromkeys(CHILD_NAMES + MORE_CHILD_NAMES))
ALL_SURNAMES = list(dict.fromkeys(SURNAMES + MORE_SURNAMES))
FEMALE = set(
    _words(
        """Sarah Emma Olivia Aisha Chloe Priya Hannah Fatima Grace Zainab Megan Sophie Amelia
    Niamh Agnieszka Rebecca Eilidh Jessica Siobhan Lucy Charlotte Bethan Katie Nia Laura
    Joanne Karen Claire Helen Susan Angela Natalie Gemma Ngozi Deborah Shabana Leanne Janet
    Kirsty Nadia Moira Tracey Jennifer Pauline Jo Nicola Donna Shauna Farah Jolanta Abena
    Ioana Isla Ava Freya Mia Evie Poppy Ruby Maya Lily Daisy Harper Ella Sienna Willow Aria
    Amira Hallie Esme Rosie Layla Elsie Frankie Nell Orla Ivy Zara"""
    )
)
NICKNAMES = {
    "David": "Dave",
    "Michael": "Mike",
    "Thomas": "Tom",
    "Daniel": "Dan",
    "William": "Will",
    "Samuel": "Sam",
    "Rebecca": "Becky",
    "Patrick": "Pat",
    "Jessica": "Jess",
    "Oliver": "Ollie",
    "James": "Jim",
    "Mohammed": "Mo",
    "Stephen": "Steve",
    "Richard": "Rich",
    "Andrew": "Andy",
    "Anthony": "Tony",
    "Robert": "Rob",
    "Jennifer": "Jen",
    "Nicola": "Nicky",
    "Katie": "Kate",
    "Kevin": "Kev",
    "Stuart": "Stu",
}
_SEPARATION = re.compile(r"[^a-z0-9]")


# --- who: organisations and correspondents ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Org:
    key: str
    kind: str
    """`police`, `school`, `council`, `health`, `gp`, `cps`, `charity`, `defence`, `public`."""
    name: str
    domain: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Contact:
    """One e-mail address and the person or team behind it."""

    name: str
    address: str
    org: Org
    role: str = ""
    title: str = ""
    """How a letter addresses them: Mr, Mrs, Ms, Dr."""

    @property
    def first(self) -> str:
        return self.name.split()[0]

    @property
    def surname(self) -> str:
        return self.name.split()[-1]

    @property
    def internal(self) -> bool:
        return self.org.kind == "police"

    @property
    def header(self) -> str:
        name = self.name.replace('"', "")
        return f"{name} <{self.address}>" if name else self.address


SCHOOLS = (
    ("oakfield", "Oakfield Primary School", "oakfield-primary.sch.uk"),
    ("st-annes", "St Anne's RC Primary School", "st-annes-rc.sch.uk"),
    ("westbury-high", "Westbury High School", "westbury-high.org.uk"),
    ("hillcrest", "Hillcrest Academy", "hillcrest-academy.org.uk"),
    ("greenbank", "Greenbank Primary School", "greenbank-primary.sch.uk"),
    ("moorside", "Moorside Junior School", "moorside-juniors.sch.uk"),
    ("kingsway", "Kingsway Community College", "kingsway-college.org.uk"),
    ("ashfield", "Ashfield Infant School", "ashfield-infants.sch.uk"),
)
DEFENCE_FIRMS = (
    ("marsden", "Marsden & Co Criminal Defence", "marsden-defence.co.uk"),
    ("keyes", "Keyes Criminal Law", "keyeslaw.co.uk"),
    ("bright", "Bright Solicitors", "brightsolicitors.co.uk"),
    ("harrowgate", "Harrowgate & Lyle LLP", "harrowgate-law.co.uk"),
)
POLICE = Org("police", "police", FORCE, DOMAIN)
COUNCIL = Org("council", "council", "Westbury Borough Council", "westbury.gov.uk")
HOSPITAL = Org("hospital", "health", "Westbury Hospitals NHS Trust", "westbury-hospitals.nhs.uk")
NHSMAIL = Org("nhsmail", "gp", "NHSmail (GP practices and health visitors)", "nhs.net")
CPS = Org("cps", "cps", "Crown Prosecution Service", "cps.gov.uk")
CHARITY = Org("charity", "charity", "Westbury Women's Aid", "westburywomensaid.org.uk")

SCHOOL_ORGS = tuple(Org(key, "school", name, domain) for key, name, domain in SCHOOLS)
PARTNER_DOMAINS = (
    COUNCIL.domain,
    HOSPITAL.domain,
    NHSMAIL.domain,
    CPS.domain,
    CHARITY.domain,
    *(domain for _, _, domain in SCHOOLS),
)
"""The agencies the force works with under information-sharing agreements (not solicitors)."""
CLEARED_DOMAINS = (COUNCIL.domain, HOSPITAL.domain, NHSMAIL.domain, CPS.domain)
"""Cleared for OFFICIAL-SENSITIVE; schools, the charity, solicitors and the public are not."""

ROLES = {
    "police": ("PC", "DC", "PS", "DS", "PCSO", "Safeguarding Officer", "Case Builder"),
    "school": (
        "Designated Safeguarding Lead",
        "Headteacher",
        "Deputy Headteacher",
        "Pastoral Lead",
    ),
    "council": (
        "Social Worker",
        "Early Help Practitioner",
        "Team Manager",
        "Adult Social Care Worker",
    ),
    "health": ("A&E Liaison Nurse", "Safeguarding Nurse", "Health Records Officer"),
    "gp": ("GP", "Health Visitor", "School Nurse"),
    "cps": ("Crown Prosecutor", "Senior Crown Prosecutor", "Paralegal Officer"),
    "charity": ("IDVA", "Outreach Worker"),
    "defence": ("Solicitor", "Duty Solicitor", "Police Station Representative"),
}
TEAM_MAILBOXES = {
    "police": (
        ("mash", "Northshire MASH"),
        ("disclosure", "Disclosure Unit"),
        ("crimebureau", "Crime Bureau"),
        ("westbury.npt", "Westbury Neighbourhood Team"),
    ),
    "school": (("safeguarding", "Safeguarding"), ("office", "School Office")),
    "council": (("mash", "Westbury MASH"), ("earlyhelp", "Early Help Hub")),
    "health": (("safeguarding", "Safeguarding Team"),),
    "charity": (("referrals", "Referrals"),),
}


class _Names:
    """Unique full names: everyone in the world is a different person."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def adult(self) -> str:
        return self._draw(ADULT_FIRST)

    def child(self) -> str:
        return self._draw(CHILD_FIRST)

    def _draw(self, firsts: Sequence[str]) -> str:
        for _ in range(10_000):
            name = f"{self.rng.choice(firsts)} {self.rng.choice(ALL_SURNAMES)}"
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of names")


def _local(name: str) -> str:
    return ".".join(_SEPARATION.sub("", part.lower()) for part in name.split())


def _title(name: str, rng: random.Random) -> str:
    if name.split()[0] in FEMALE:
        return rng.choice(("Mrs", "Ms", "Miss", "Mrs"))
    return "Mr"


def _webmail_address(name: str, rng: random.Random) -> str:
    first, surname = (_SEPARATION.sub("", p.lower()) for p in (name.split()[0], name.split()[-1]))
    style = rng.random()
    if style < 0.35:
        local = f"{first}.{surname}"
    elif style < 0.55:
        local = f"{first}{surname}{rng.randint(1, 99)}"
    elif style < 0.7:
        local = f"{first[0]}{surname}{rng.randint(60, 99)}"
    elif style < 0.85:
        local = f"{first}.{surname}{rng.randint(1960, 2004)}"
    else:
        local = f"{surname}{first[0]}{rng.randint(1, 9)}"
    return f"{local}@{rng.choice(WEBMAIL)}"


# --- what: cases and the people in them ----------------------------------------------------


@dataclass(slots=True, eq=False)
class Person:
    name: str
    role: str
    """`victim`, `suspect`, `witness`, `child`, `parent`, `relative`."""
    dob: str
    title: str = ""
    contact: Contact | None = None
    """The person's own address, when they write to the force."""
    child: Person | None = None
    """A parent's child in the case."""
    nhs: str = ""

    @property
    def first(self) -> str:
        return self.name.split()[0]

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


CASE_KINDS = {
    # kind: (label, weight)
    "vehicle": ("criminal damage to a vehicle", 4),
    "school": ("racially aggravated incident between pupils", 3),
    "burglary": ("burglary", 3),
    "assault": ("assault", 3),
    "domestic": ("domestic abuse", 3),
    "missing": ("missing child", 2),
    "fraud": ("fraud against an older person", 2),
    "harassment": ("harassment", 2),
}
SCHOOL_INCIDENTS = (
    "racially aggravated incident between pupils",
    "assault between pupils",
    "online bullying between pupils",
)
MAKES = (
    "Ford Fiesta",
    "Vauxhall Corsa",
    "VW Golf",
    "Nissan Qashqai",
    "Toyota Yaris",
    "Kia Sportage",
)


@dataclass(slots=True, eq=False)
class Case:
    ref: str
    kind: str
    label: str
    opened: datetime
    officer: Contact
    colleague: Contact
    street: str
    people: list[Person] = field(default_factory=list)
    partners: dict[str, Contact] = field(default_factory=dict)
    """The professionals on the case by kind: school, council, health, gp, cps, charity, defence."""
    school: Org | None = None
    vehicle: str = ""
    make: str = ""
    threads: list[Thread] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    def of(self, *roles: str) -> list[Person]:
        return [p for p in self.people if p.role in roles]

    @property
    def public(self) -> list[Person]:
        """The people in the case who write to the force themselves."""
        return [p for p in self.people if p.contact is not None]

    @property
    def staff(self) -> tuple[Contact, Contact]:
        return (self.officer, self.colleague)


@dataclass(frozen=True, slots=True)
class Document:
    """An attachment: its file name, type and bytes, and what case it belongs to."""

    name: str
    maintype: str
    subtype: str
    data: bytes
    ref: str = ""
    about: tuple[str, ...] = ()
    """The people it names."""


@dataclass(slots=True, eq=False)
class Thread:
    subject: str
    case: Case | None
    staff: Contact
    others: list[Contact]
    audience: str
    message_ids: list[str] = field(default_factory=list)
    last_text: str = ""
    last_sender: Contact | None = None
    last_date: datetime | None = None
    documents: list[Document] = field(default_factory=list)


@dataclass(slots=True)
class World:
    seed: int
    staff: list[Contact]
    contacts: dict[str, Contact]
    """Every address that appears in the history, by address."""
    cases: list[Case]
    history: list[bytes]
    directory: list[Contact]
    """The staff and partner directory the force would import (no members of the public)."""
    by_org: dict[str, list[Contact]]
    close_pairs: list[tuple[Contact, Contact]]
    """Known correspondents whose addresses are one or two letters apart."""
    namesakes: list[tuple[Contact, Contact]]
    """(colleague, member of the public with the same name on webmail), both known."""
    mash_lists: list[Document]
    templates: _Templates
    names: _Names

    @property
    def partners(self) -> list[Contact]:
        return [c for c in self.directory if not c.internal]


# --- text --------------------------------------------------------------------------------

POLICE_DISCLAIMER = (
    "This e-mail and any attachments are intended solely for the addressee and may contain "
    "confidential information. If you are not the intended recipient please notify the "
    "sender immediately and delete it; you must not copy, disclose or act on its contents. "
    "Communications sent to or from Northshire Police may be monitored and recorded."
)
PARTNER_SIGN = {
    "school": "Keeping children safe is everyone's responsibility.",
    "council": "Westbury Borough Council: this email may be monitored and may be disclosed "
    "under the Freedom of Information Act 2000.",
    "health": "This message may contain confidential patient information.",
    "gp": "NHSmail is the secure email and directory service for NHS staff.",
    "cps": "This email is from the Crown Prosecution Service; please consider the "
    "environment before printing it.",
    "charity": "Westbury Women's Aid, registered charity no. 1098765.",
    "defence": "This email is confidential and may be subject to legal professional privilege.",
}

FILLER = (
    "I hope you are well.",
    "Apologies for the delay in getting back to you.",
    "Please let me know if you need anything further.",
    "I am on rest days from Friday but will pick this up on Tuesday.",
    "Can we speak on the phone later this week?",
    "Thanks again for your help with this.",
    "I have updated the record accordingly.",
    "I will chase this up and come back to you.",
    "Our systems were slow yesterday, so some messages may have been delayed.",
)

# Paragraphs by audience; each names only what that correspondent would be told.
# Slots: ref label victim suspect witness child children parent reg make street date dob
# school nhs time pupils_year
PARAGRAPHS: dict[str, tuple[str, ...]] = {
    "public_victim": (
        "I am the officer dealing with your report of {label}, crime reference {ref}. "
        "Please quote this reference if you call 101.",
        "We have reviewed the CCTV from {street} and I am afraid it does not show the "
        "person clearly. I will keep the investigation open while we make further enquiries.",
        "A man has been arrested in connection with your report and released on bail while "
        "enquiries continue. I will update you as soon as there is a decision.",
        "Thank you for sending the photographs. I have added them to the file for {ref}.",
        "Would you be available to give a statement on {date}? It should take about an hour "
        "and can be done at home or at Westbury police station.",
        "I have referred you to Victim Care Northshire, who will be in touch about support. "
        "You can also contact them yourself on 0300 303 0157.",
    ),
    "public_vehicle": (
        "I am the officer dealing with the damage to your {make}, {reg}, crime reference {ref}.",
        "A neighbour on {street} has come forward and I will be taking a statement this week. "
        "The damage to {reg} appears to have been done between midnight and 3 am.",
        "Your insurer can contact me for a copy of the crime report for {ref}; please give "
        "them this e-mail address.",
    ),
    "public_parent": (
        "I am the officer dealing with the incident involving {child} at {school}, "
        "reference {ref}. I have spoken to the school, who are supporting {child}.",
        "Would it be all right to visit you and {child} after school on {date}? I would like "
        "to hear from {child} in their own words, with you present.",
        "The school has put a plan in place for {child} at break times. Please let me know "
        "if anything else happens, quoting {ref}.",
    ),
    "public_missing": (
        "Thank you for letting us know that {child} is home safe. An officer will carry out "
        "a return interview with {child} on {date}; the reference is {ref}.",
        "Please call 999 straight away if {child} goes missing again, and quote {ref}.",
    ),
    "public_relative": (
        "Thank you for your call about {victim}. I am the officer dealing with the report, "
        "reference {ref}, and I will visit {victim} with you on {date}.",
        "The bank has confirmed that the payments from {victim}'s account have been stopped. "
        "Adult social care are aware and will be in touch.",
    ),
    "public_witness": (
        "Thank you for agreeing to give a statement about what you saw on {street}, "
        "reference {ref}. Would {date} suit you?",
        "Your statement has been typed up; please read it carefully before signing it when "
        "we meet. The reference is {ref}.",
    ),
    "school": (
        "Thank you for your referral about the {label} on {date} involving {children}. "
        "I have created crime reference {ref}.",
        "I would like to speak with {child} at school with a member of staff present. "
        "Could you let {parent} know, and suggest a time?",
        "Could you send me the school's incident report and any notes of what {children} "
        "said at the time? They will go on the file for {ref}.",
        "{child} has disclosed further information to me; please keep an eye on them at "
        "break times and let me know of anything further.",
        "We will hold a strategy discussion about {child} on {date}; the council's early "
        "help team will join us.",
        "Following your call, I spoke to {parent} about {child}. The family are being "
        "supported and the case remains open under {ref}.",
    ),
    "school_reply": (
        "Thank you. The incident report for {ref} is attached; {children} were all spoken "
        "to on the day and their accounts are in the report.",
        "{parent} came in this morning and is happy for you to speak to {child}. Thursday "
        "after lunch would be best.",
        "Just to let you know {child} was absent again today. We have logged it on "
        "MyConcern under the reference you gave us, {ref}.",
        "We have moved {child} to a different class group for now. Please let us know what "
        "you need from us for {ref}.",
    ),
    "council": (
        "Please find below an update on {ref}. {victim} has moved to a refuge address and "
        "{suspect} is on bail with conditions not to contact her.",
        "Strategy discussion for {child} (DOB {dob}) is booked for {date}. The officer in "
        "the case is me; the crime reference is {ref}.",
        "{suspect} was charged yesterday and remanded in custody. Could you update the plan "
        "for {child} and let {victim} know through her social worker?",
        "I have shared the referral about {victim} with the MASH under {ref}. Can you let me "
        "know who will be allocated?",
        "{parent} has agreed to an early help assessment for {child}; I have said you will "
        "be in touch. Our reference is {ref}.",
    ),
    "council_reply": (
        "Thanks. I visited {victim} yesterday and the children are safe. I will add your "
        "update to our record for {child}.",
        "The strategy discussion for {child} will go ahead on {date}. Can you bring the "
        "latest on {suspect}'s bail conditions?",
        "I am the allocated worker for {child} now. Please send any updates on {ref} to me.",
    ),
    "health": (
        "I am investigating an assault on {victim} (DOB {dob}), reference {ref}, who was "
        "seen at A&E on {date}. Could you provide the records of that attendance?",
        "The signed consent from {victim} for release of the A&E records is attached. "
        "Please quote {ref} in your reply.",
        "{victim}'s NHS number is {nhs}. The injuries will be needed for the file to the CPS.",
    ),
    "health_reply": (
        "Please find attached the A&E notes for {victim}, NHS {nhs}, attendance on {date}. "
        "Please treat them as confidential.",
        "We have the consent form for {victim}, thank you. The records will follow by the "
        "end of the week.",
    ),
    "cps": (
        "Please find the file for {ref}: {suspect} (DOB {dob}) is charged with {label} of "
        "{victim}. The MG11 statement of {witness} is attached.",
        "Further to your action plan for R v {suspect}, I have now obtained the CCTV and a "
        "statement from {witness}. The victim, {victim}, supports the prosecution.",
        "{victim} has asked about special measures at trial. Could you advise on the "
        "application for {ref}?",
        "The first hearing for {suspect} is on {date} at Westbury Magistrates' Court.",
    ),
    "cps_reply": (
        "Thank you. I have reviewed the file for R v {suspect} and authorised the charge. "
        "Please warn {witness} for trial.",
        "Could you obtain a victim personal statement from {victim} before the hearing on "
        "{date}? Ref {ref}.",
    ),
    "defence": (
        "I write about your client, {suspect} (DOB {dob}), arrested on suspicion of {label}, "
        "reference {ref}. Interview is booked for {date} at 10:00 at Westbury custody.",
        "Pre-interview disclosure for {suspect}, reference {ref}: your client was arrested "
        "after a complaint of {label} made on {date}.",
        "Your client {suspect} has been released under investigation. I will contact you "
        "when a decision is made on {ref}.",
    ),
    "defence_reply": (
        "Thank you. I will attend with {suspect} on {date}. Please send any further "
        "disclosure before the interview.",
        "My client {suspect} will answer questions. Could the interview for {ref} be moved "
        "to the afternoon?",
    ),
    "charity": (
        "I have referred {victim} to your service with her consent, reference {ref}. "
        "{suspect} is on bail not to contact her; the children are {children}.",
        "{victim} would like you to attend the statement appointment on {date}. Please "
        "call me before then about {ref}.",
        "MARAC have listed {victim}'s case on {date}. I will share the police research.",
    ),
    "charity_reply": (
        "Thanks. I saw {victim} yesterday; she is staying with family and the children, "
        "{children}, are at school as normal.",
        "{victim} has agreed to the safety plan. Please let me know of any change in "
        "{suspect}'s bail, reference {ref}.",
    ),
    "internal": (
        "Can you pick up {ref} while I am on leave? {victim} is expecting a call on {date}, "
        "and {suspect} is due to answer bail the week after.",
        "Quick update on {ref}: statement from {witness} done, CCTV requested. {suspect} "
        "still to be traced.",
        "Please can you add the intelligence on {suspect} (DOB {dob}) to {ref}? "
        "{victim} has reported further contact.",
        "Case review for {ref}: the {label} involving {victim}. Next step is interview "
        "with {suspect}.",
    ),
    "internal_reply": (
        "Will do. I have made a note on {ref} and will call {victim} on {date}.",
        "Thanks, I have updated the log for {ref}. {suspect} is listed as wanted on PNC.",
    ),
}
REPLY_AUDIENCE = {
    "school": "school_reply",
    "council": "council_reply",
    "health": "health_reply",
    "cps": "cps_reply",
    "defence": "defence_reply",
    "charity": "charity_reply",
    "internal": "internal_reply",
}
PUBLIC_REPLIES = (
    "Thank you for the update, I appreciate it. My reference is {ref}.",
    "Thanks for getting back to me. {date} is fine for me, I will be in all day.",
    "Hello, just wondering if there is any news on {ref}? I have not heard anything for "
    "a few weeks.",
    "Thank you. I have sent the photos to my insurance company as well.",
    "That's fine. Please call my mobile rather than the house phone if you need me.",
)
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(slots=True)
class _Ink:
    """Fills templates for one case and one audience."""

    rng: random.Random
    case: Case | None
    values: dict[str, str] = field(default_factory=dict)

    def can(self, template: str) -> bool:
        return all(slot in self.values for slot in _SLOT.findall(template))

    def fill(self, template: str) -> str:
        return _SLOT.sub(lambda m: self.values[m.group(1)], template)

    def pick(self, pool: Sequence[str], count: int) -> list[str]:
        usable = [t for t in pool if self.can(t)]
        if not usable:
            return []
        chosen = self.rng.sample(usable, min(count, len(usable)))
        return [self.fill(t) for t in chosen]


def _date_text(rng: random.Random, around: datetime) -> str:
    day = around + timedelta(days=rng.randint(1, 20))
    return day.strftime("%-d %B") if rng.random() < 0.7 else day.strftime("%d/%m/%Y")


def _names(people: Sequence[Person]) -> str:
    names = [p.name for p in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def case_values(case: Case, audience: str, rng: random.Random, when: datetime) -> dict[str, str]:
    """The slots a message about `case` to `audience` may name."""
    values = {"ref": case.ref, "label": case.label, "street": case.street}
    values["date"] = _date_text(rng, when)
    victims, suspects = case.of("victim"), case.of("suspect")
    children, witnesses, parents = case.of("child"), case.of("witness"), case.of("parent")
    if audience in ("public_vehicle",) and case.vehicle:
        values.update(reg=case.vehicle, make=case.make)
    if audience in ("public_parent", "public_missing") and parents:
        own = parents[0].child or (children[0] if children else None)
        if own is not None:
            values["child"] = own.name
        if case.school is not None:
            values["school"] = case.school.name
    if audience == "public_relative" and victims:
        values["victim"] = victims[0].name
    if audience in ("school", "school_reply"):
        if children:
            values["children"] = _names(children)
            values["child"] = rng.choice(children).name
        if parents:
            values["parent"] = f"{parents[0].title} {parents[0].surname}"
        values["label"] = case.label
    professional = audience.split("_")[0] in ("council", "health", "cps", "charity", "internal")
    if (professional or audience.startswith("defence")) and suspects:
        values["suspect"] = suspects[0].name
        values["dob"] = suspects[0].dob
    if professional:
        if victims:
            values["victim"] = victims[0].name
            if audience.startswith("health") or "dob" not in values:
                values["dob"] = victims[0].dob
            if victims[0].nhs:
                values["nhs"] = victims[0].nhs
        if witnesses:
            values["witness"] = witnesses[0].name
        if children:
            values["children"] = _names(children)
            child = rng.choice(children)
            values["child"] = child.name
            if audience.startswith("council"):
                values["dob"] = child.dob
        if parents:
            values["parent"] = parents[0].name
    if audience.startswith("defence") and victims and rng.random() < 0.3:
        values["victim"] = victims[0].name
    if audience.startswith("health"):
        values.pop("suspect", None)
    return values


def public_audience(case: Case, person: Person) -> str:
    if person.role == "parent":
        return "public_missing" if case.kind == "missing" else "public_parent"
    if person.role == "relative":
        return "public_relative"
    if person.role == "witness":
        return "public_witness"
    if case.kind == "vehicle":
        return "public_vehicle"
    return "public_victim"


# --- documents -----------------------------------------------------------------------------


def _fill_zip(members: dict[str, bytes], part: str, values: dict[str, str]) -> bytes:
    """The template with the placeholders in `part` filled (unused ones emptied), with fixed
    member dates, so the same content is always the same bytes (and fingerprint)."""
    xml = members[part].decode("utf-8")
    xml = re.sub(
        r"\{\{(\w+)\}\}", lambda m: html.escape(values.get(m.group(1), ""), quote=False), xml
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if name == "docProps/core.xml":  # openpyxl stamps the time it made the template
                data = re.sub(rb">\d{4}-\d\d-\d\dT[\d:.]+Z?<", b">2025-01-01T00:00:00Z<", data)
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, xml.encode("utf-8") if name == part else data)
    return buffer.getvalue()


def _docx(
    templates: _Templates, title: str, paragraphs: Sequence[str], rows: Sequence[Sequence[str]]
) -> bytes:
    values = {"TITLE": title}
    for i, text in enumerate(paragraphs[:24]):
        values[f"P{i:02d}"] = text
    for r, row in enumerate(rows[:12]):
        for c, cell in enumerate(row[:4]):
            values[f"T{r:02d}_{c}"] = cell
    return _fill_zip(templates.docx, "word/document.xml", values)


def _xlsx(templates: _Templates, rows: Sequence[Sequence[str]]) -> bytes:
    values: dict[str, str] = {}
    for c, cell in enumerate(rows[0][:6]):
        values[f"H{c}"] = cell
    for r, row in enumerate(rows[1:41]):
        for c, cell in enumerate(row[:6]):
            values[f"R{r:02d}_{c}"] = cell
    return _fill_zip(templates.xlsx, "xl/sharedStrings.xml", values)


def _csv(rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def school_report(world: World, case: Case, rng: random.Random) -> Document:
    """The school's incident report: the pupils involved and what happened."""
    assert case.school is not None
    children = case.of("child")
    when = _date_text(rng, case.opened - timedelta(days=3))
    paragraphs = [
        f"{case.school.name}: incident report",
        f"Date of incident: {when}. Reported by the class teacher at lunchtime.",
        f"Pupils involved: {_names(children)}.",
        f"{children[0].name} reported that {children[1].first} and {children[-1].first} "
        "had used racist language towards them in the playground and pushed them over.",
        f"All three pupils were spoken to separately by the headteacher. {children[0].first} "
        "was upset and went home early with their parent.",
        "Parents of all pupils involved were informed the same afternoon.",
        f"Police reference (if known): {case.ref}" if rng.random() < 0.6 else "Police informed.",
    ]
    rows = [["Pupil", "Date of birth", "Year", "Parent"]]
    parents = {p.child.name: p.name for p in case.of("parent") if p.child}
    for child in children:
        rows.append(
            [child.name, child.dob, f"Year {rng.randint(3, 6)}", parents.get(child.name, "")]
        )
    data = _docx(world.templates, "Incident report", paragraphs, rows)
    stamp = when.replace(" ", "_").replace("/", "-")
    name = f"Incident_Report_{case.school.key.replace('-', '_').title()}_{stamp}.docx"
    return Document(name, *DOCX, data, case.ref, tuple(c.name for c in children))


def mg11(world: World, case: Case, witness: Person, rng: random.Random) -> Document:
    """A witness statement (MG11) for the case."""
    suspects = case.of("suspect")
    paragraphs = [
        f"Statement of: {witness.name}. Age: over 18. Occupation: not given.",
        f"URN / reference: {case.ref}",
        f"On {_date_text(rng, case.opened - timedelta(days=10))} I was at home on "
        f"{case.street} when I heard shouting outside.",
        "I looked out of the window and saw a man I now know to be "
        f"{suspects[0].name if suspects else 'the suspect'} near the parked cars.",
        "I am willing to attend court and give evidence if required.",
        f"Signed: {witness.name}. Witnessed by: {case.officer.name}.",
    ]
    data = _docx(world.templates, "Witness Statement (MG11)", paragraphs, [])
    return Document(
        f"MG11_{witness.surname}_{case.ref.replace('/', '-')}.docx",
        *DOCX,
        data,
        case.ref,
        (witness.name,),
    )


def victim_letter(world: World, case: Case, victim: Person, rng: random.Random) -> Document:
    paragraphs = [
        f"Dear {victim.title} {victim.surname},",
        f"Crime reference: {case.ref}",
        f"I am writing to update you about your report of {case.label}, as the Victims' Code "
        "entitles you to be told.",
        "The investigation remains open and I will contact you again within 28 days.",
        f"Yours sincerely, {case.officer.name}, {case.officer.role}",
    ]
    data = _docx(world.templates, "Victim update letter", paragraphs, [])
    return Document(
        f"Victim_letter_{case.ref.replace('/', '-')}.docx", *DOCX, data, case.ref, (victim.name,)
    )


def witness_list(case: Case) -> Document:
    rows = [["Name", "Role", "Date of birth", "Reference"]]
    for person in case.of("victim", "witness", "suspect"):
        rows.append([person.name, person.role.title(), person.dob, case.ref])
    return Document(
        f"Witness_list_{case.ref.replace('/', '-')}.csv",
        "text",
        "csv",
        _csv(rows),
        case.ref,
        tuple(r[0] for r in rows[1:]),
    )


def medical_notes(case: Case, victim: Person, rng: random.Random) -> Document:
    lines = [
        HOSPITAL.name,
        "Emergency Department attendance",
        f"Patient: {victim.name}   DOB: {victim.dob}   NHS: {victim.nhs}",
        f"Attended {_date_text(rng, case.opened - timedelta(days=5))} following an assault.",
        "Presenting complaint: facial injury, bruising to the left arm.",
        "Examination: laceration 2 cm above the left eye, closed with steri-strips.",
        "Discharged home with advice. Police informed by the patient.",
    ]
    return Document(
        f"ED_notes_{victim.surname}.pdf",
        "application",
        "pdf",
        pdf([lines]),
        case.ref,
        (victim.name,),
    )


def mash_list(world: World, when: datetime, rng: random.Random, size: int) -> Document:
    """The MASH daily list: children referred in the last day, with their case references."""
    rows = [["Child", "Date of birth", "Reference", "Reason", "School"]]
    cases = [c for c in world.cases if c.of("child")] or world.cases
    for case in rng.sample(cases, min(size, len(cases))):
        children = case.of("child")
        if not children:
            continue
        child = rng.choice(children)
        reason = {
            "school": "Incident at school",
            "domestic": "Domestic abuse notification",
            "missing": "Missing episode",
        }.get(case.kind, "Police contact")
        rows.append(
            [child.name, child.dob, case.ref, reason, case.school.name if case.school else ""]
        )
    stamp = when.strftime("%Y-%m-%d")
    return Document(
        f"MASH_daily_list_{stamp}.csv", "text", "csv", _csv(rows), "", tuple(r[0] for r in rows[1:])
    )


# --- composing messages --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Addressed:
    to: tuple[Contact, ...]
    cc: tuple[Contact, ...] = ()
    bcc: tuple[Contact, ...] = ()


def _signature(sender: Contact, rng: random.Random) -> list[str]:
    lines = [sender.name, sender.role, sender.org.name if sender.org.kind != "public" else ""]
    if sender.org.kind != "public":
        lines.append("Tel: " + landline(rng))
        if sender.internal:
            lines += ["", POLICE_DISCLAIMER]
        elif sender.org.kind in PARTNER_SIGN:
            lines += ["", PARTNER_SIGN[sender.org.kind]]
    return [line for line in lines if line is not None]


def greeting_for(contact: Contact, rng: random.Random) -> str:
    if contact.org.kind == "public":
        return rng.choice(
            (
                f"Dear {contact.title} {contact.surname},",
                f"Dear {contact.first},",
                f"Hello {contact.first},",
            )
        )
    if contact.name and contact.name[0].isupper() and " " in contact.name and contact.role:
        return rng.choice(
            (f"Hi {contact.first},", f"Dear {contact.first},", f"Good morning {contact.first},")
        )
    return rng.choice(("Hello,", "Good morning,", "Dear colleague,"))


def body_text(
    sender: Contact,
    greeting: str,
    paragraphs: Sequence[str],
    rng: random.Random,
    quoted: tuple[Contact, datetime, str] | None = None,
    marking: str = "",
) -> str:
    lines = [marking, ""] if marking else []
    lines += [greeting, ""]
    extra = rng.sample(FILLER, rng.randint(0, 2))
    body = [*extra[:1], *paragraphs, *extra[1:]]
    lines += "\n\n".join(body).split("\n")
    sign = rng.choice(("Kind regards,", "Many thanks,", "Regards,", "Thanks,"))
    if sender.org.kind == "public":
        lines += ["", sign, sender.first]
    else:
        lines += ["", sign, "", *_signature(sender, rng)]
    if quoted is not None:
        who, when, text = quoted
        if rng.random() < 0.5:
            lines += ["", f"On {when:%a, %-d %b %Y at %H:%M}, {who.name} <{who.address}> wrote:"]
            lines += ["> " + line if line else ">" for line in text.splitlines()]
        else:
            lines += [
                "",
                "-----Original Message-----",
                f"From: {who.name} <{who.address}>",
                f"Sent: {when:%d %B %Y %H:%M}",
                "",
                *text.splitlines(),
            ]
    return "\n".join(lines)


def compose(
    sender: Contact,
    addressed: Addressed,
    subject: str,
    text: str,
    when: datetime,
    message_id: str,
    rng: random.Random,
    in_reply_to: Sequence[str] = (),
    documents: Sequence[Document] = (),
) -> bytes:
    mail = EmailMessage(policy=SMTP)
    mail["From"] = sender.header
    if addressed.to:
        mail["To"] = ", ".join(c.header for c in addressed.to)
    if addressed.cc:
        mail["Cc"] = ", ".join(c.header for c in addressed.cc)
    if addressed.bcc:
        mail["Bcc"] = ", ".join(c.header for c in addressed.bcc)
    mail["Subject"] = subject
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = message_id
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to[-1]
        mail["References"] = " ".join(in_reply_to[-8:])
    if sender.org.kind == "public" or rng.random() < 0.5:
        mail.set_content(text)
    else:
        mail.set_content(text)
        mail.add_alternative(_html(text), subtype="html")
    for doc in documents:
        mail.add_attachment(doc.data, maintype=doc.maintype, subtype=doc.subtype, filename=doc.name)
    for part in mail.walk():  # the stdlib draws boundaries from its own random source
        if part.is_multipart():
            part.set_boundary(f"----=_Part_{rng.getrandbits(64):016x}")
    return mail.as_bytes()


def message_id(rng: random.Random, sender: Contact) -> str:
    domain = sender.address.rpartition("@")[2]
    if sender.org.kind == "public":
        return f"<{rng.getrandbits(80):020x}@mail.{domain}>"
    return f"<{rng.getrandbits(48):012X}.{rng.getrandbits(32):08x}@{domain}>"


# --- building the world --------------------------------------------------------------------


def _org_contacts(
    names: _Names, org: Org, count: int, rng: random.Random, style: str = "first.last"
) -> list[Contact]:
    people = []
    used: set[str] = set()
    roles = ROLES[org.kind]
    for i in range(count):
        name = names.adult()
        local = _local(name)
        if style == "f.last":
            local = f"{local[0]}.{local.split('.')[-1]}"
        elif style == "nhs" and rng.random() < 0.3:
            local = f"{local}{rng.randint(1, 9)}"
        while local in used:
            local += str(rng.randint(1, 9))
        used.add(local)
        role = roles[0] if i == 0 else rng.choice(roles)
        people.append(Contact(name, f"{local}@{org.domain}", org, role, _title(name, rng)))
    for local, label in TEAM_MAILBOXES.get(org.kind, ()):
        people.append(Contact(f"{label}", f"{local}@{org.domain}", org, "", ""))
    return people


def _close_pair(
    names: _Names, org: Org, rng: random.Random, existing: list[Contact]
) -> tuple[Contact, Contact]:
    """Two real people at one organisation whose addresses differ by a letter or two."""
    pairs = (
        ("Smith", "Smyth"),
        ("Clark", "Clarke"),
        ("Thomson", "Thompson"),
        ("Reid", "Reed"),
        ("Mackay", "McKay"),
        ("Philips", "Phillips"),
        ("Stephens", "Stevens"),
    )
    taken = {c.address for c in existing}
    for _ in range(100):
        first = rng.choice(ADULT_FIRST)
        a, b = rng.choice(pairs)
        one = f"{first} {a}"
        same_initial = [n for n in ADULT_FIRST if n[0] == first[0] and n != first] or [first]
        two = f"{rng.choice(same_initial)} {b}"
        addr_one = f"{first[0].lower()}.{_local(a)}@{org.domain}"
        addr_two = f"{two[0].lower()}.{_local(b)}@{org.domain}"
        if one in names.used or two in names.used or addr_one in taken or addr_two in taken:
            continue
        names.used.update((one, two))
        role = rng.choice(ROLES[org.kind])
        return (
            Contact(one, addr_one, org, role, _title(one, rng)),
            Contact(two, addr_two, org, rng.choice(ROLES[org.kind]), _title(two, rng)),
        )
    raise RuntimeError("no close pair")


def _vehicle(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNOPRSTUVWXY"
    area = rng.choice(("YA", "YB", "YC", "BD", "BF", "LA", "LB", "SA", "WA", "VX", "KP", "FD"))
    age = rng.choice(("15", "16", "65", "18", "68", "19", "69", "20", "70", "21", "71", "22", "72"))
    return f"{area}{age} {''.join(rng.choice(letters) for _ in range(3))}"


def _dob(rng: random.Random, child: bool = False) -> str:
    start = datetime(2011, 9, 1) if child else datetime(1948, 1, 1)
    span = 2900 if child else 20000
    day = start + timedelta(days=rng.randint(0, span))
    return day.strftime("%d/%m/%Y")


def _public(names: _Names, rng: random.Random, role: str, name: str = "") -> Person:
    name = name or names.adult()
    title = _title(name, rng)
    contact = Contact(
        name,
        _webmail_address(name, rng),
        Org("public", "public", "member of the public", ""),
        role,
        title,
    )
    return Person(name, role, _dob(rng), title, contact)


def _silent(names: _Names, rng: random.Random, role: str, child: bool = False) -> Person:
    name = names.child() if child else names.adult()
    return Person(name, role, _dob(rng, child), _title(name, rng))


def build(seed: int = 1, history: int = 3000) -> World:
    """The organisation and `history` messages of its mail, the same for the same arguments."""
    rng = random.Random(seed)
    names = _Names(random.Random(rng.getrandbits(64)))
    templates = _Templates()
    n_cases = max(40, history // 11)
    """More than the history holds: cases are taken in order until 85% of it is case mail."""
    n_staff = max(30, n_cases // 4)

    staff = _org_contacts(names, POLICE, n_staff, rng)
    officers = [c for c in staff if c.role]
    by_org: dict[str, list[Contact]] = {"police": staff}
    schools = list(SCHOOL_ORGS)
    for school in schools:
        by_org[school.key] = _org_contacts(names, school, rng.randint(3, 5), rng, "f.last")
    by_org["council"] = _org_contacts(names, COUNCIL, max(12, n_cases // 14), rng)
    by_org["hospital"] = _org_contacts(names, HOSPITAL, 5, rng)
    by_org["nhsmail"] = _org_contacts(names, NHSMAIL, 10, rng, "nhs")
    by_org["cps"] = _org_contacts(names, CPS, max(6, n_cases // 40), rng)
    by_org["charity"] = _org_contacts(names, CHARITY, 4, rng)
    for key, name, domain in DEFENCE_FIRMS:
        by_org[key] = _org_contacts(
            names, Org(key, "defence", name, domain), rng.randint(2, 4), rng
        )

    close_pairs = []
    for key, org in (
        ("council", COUNCIL),
        ("police", POLICE),
        (schools[0].key, schools[0]),
        ("cps", CPS),
    ):
        pair = _close_pair(names, org, rng, by_org[key])
        by_org[key].extend(pair)
        close_pairs.append(pair)
    staff = by_org["police"]
    officers = [c for c in staff if c.role]

    world = World(seed, staff, {}, [], [], [], by_org, close_pairs, [], [], templates, names)
    world.directory = [c for contacts in by_org.values() for c in contacts]

    # cases
    kinds = [k for k, (_, weight) in CASE_KINDS.items() for _ in range(weight)]
    refs: set[str] = set()
    namesake_budget = 3
    for i in range(n_cases):
        kind = kinds[i % len(kinds)] if i < len(kinds) else rng.choice(kinds)
        opened = HISTORY_START + timedelta(days=rng.randint(0, 270), hours=rng.randint(0, 9))
        while True:
            year = 24 if opened.month == 1 and rng.random() < 0.3 else 25
            ref = f"{REF_PREFIX}/{year}/{rng.randint(1, 9999):04d}"
            if ref not in refs:
                refs.add(ref)
                break
        officer = officers[i % len(officers)] if i < len(officers) else rng.choice(officers)
        colleague = rng.choice([o for o in officers if o is not officer])
        label = CASE_KINDS[kind][0]
        street = f"{rng.choice(STREETS)}, {TOWN}"
        case = Case(ref, kind, label, opened, officer, colleague, street)
        _people(world, case, names, rng, schools)
        if kind in ("vehicle", "burglary") and namesake_budget and rng.random() < 0.2:
            # a member of the public who shares a colleague's name
            colleague_twin = rng.choice([o for o in officers if o not in case.staff])
            victim = case.of("victim")[0]
            twin = _public(names, rng, "victim", colleague_twin.name)
            victim.name, victim.title, victim.contact = twin.name, twin.title, twin.contact
            world.namesakes.append((colleague_twin, twin.contact))  # type: ignore[arg-type]
            namesake_budget -= 1
        world.cases.append(case)

    # the close pairs get cases of their own (early ones, kept), so both addresses are known
    early = world.cases[: max(8, len(world.cases) // 3)]
    for one, two in close_pairs:
        for contact in (one, two):
            kind = contact.org.kind
            if contact.internal:
                rng.choice(early).colleague = contact
                continue
            fits = [c for c in early if c.kind == "school" if kind == "school"] or [
                c for c in early if kind in c.partners
            ]
            if not fits:
                continue  # a tiny world: the pair is dropped below
            chosen = rng.choice(fits)
            if kind == "school":
                chosen.school = next(o for o in SCHOOL_ORGS if o.key == contact.org.key)
            chosen.partners[kind] = contact

    messages: list[tuple[datetime, bytes]] = []
    kept = []
    for case in world.cases:
        if len(messages) >= history * 0.85:
            break
        messages.extend(_case_history(world, case, rng))
        kept.append(case)
    world.cases = kept
    world.namesakes = [(c, t) for c, t in world.namesakes if t.address in world.contacts]
    world.close_pairs = [
        (a, b)
        for a, b in close_pairs
        if a.address in world.contacts and b.address in world.contacts
    ]
    _admin_history(world, rng, messages, history)
    messages.sort(key=lambda m: m[0])
    world.history = [raw for _, raw in messages[:history]]
    return world


def _people(
    world: World, case: Case, names: _Names, rng: random.Random, schools: list[Org]
) -> None:
    by_org = world.by_org
    add = case.people.append
    kind = case.kind

    def partner(key: str, org_key: str) -> None:
        people = [c for c in by_org[org_key] if c.role]
        case.partners[key] = rng.choice(people)

    def defence_and_cps(share: float) -> None:
        if rng.random() < share:
            firm = rng.choice(DEFENCE_FIRMS)[0]
            partner("defence", firm)
            partner("cps", "cps")

    if kind == "vehicle":
        add(_public(names, rng, "victim"))
        case.vehicle, case.make = _vehicle(rng), rng.choice(MAKES)
        if rng.random() < 0.4:
            add(_public(names, rng, "witness"))
        if rng.random() < 0.3:
            add(_silent(names, rng, "suspect"))
            defence_and_cps(0.5)
    elif kind == "school":
        case.label = rng.choice(SCHOOL_INCIDENTS)
        case.school = rng.choice(schools)
        children = [
            _silent(names, rng, "child", child=True) for _ in range(rng.choice((2, 3, 3, 3, 4)))
        ]
        for child in children:
            add(child)
        parent = _public(names, rng, "parent", f"{rng.choice(ADULT_FIRST)} {children[0].surname}")
        if parent.name in names.used:
            parent = _public(names, rng, "parent")
        names.used.add(parent.name)
        parent.child = children[0]
        add(parent)
        if rng.random() < 0.4:
            other = _public(names, rng, "parent")
            other.child = children[1]
            add(other)
        partner("school", case.school.key)
        if rng.random() < 0.3:
            partner("council", "council")
    elif kind == "burglary":
        victim = _public(names, rng, "victim")
        add(victim)
        if rng.random() < 0.3:  # a couple, both writing
            spouse_first = rng.choice(
                [n for n in ADULT_FIRST if (n in FEMALE) != (victim.first in FEMALE)]
            )
            spouse_name = f"{spouse_first} {victim.surname}"
            if spouse_name not in names.used:
                names.used.add(spouse_name)
                add(_public(names, rng, "victim", spouse_name))
        if rng.random() < 0.5:
            add(_public(names, rng, "witness"))
        if rng.random() < 0.6:
            add(_silent(names, rng, "suspect"))
            defence_and_cps(0.8)
    elif kind == "assault":
        victim = _public(names, rng, "victim")
        victim.nhs = nhs_number(rng).replace("-", " ")
        add(victim)
        add(_silent(names, rng, "suspect"))
        if rng.random() < 0.5:
            add(_public(names, rng, "witness"))
        partner("health", "hospital")
        defence_and_cps(0.7)
    elif kind == "domestic":
        victim = _public(
            names,
            rng,
            "victim",
            f"{rng.choice(sorted(FEMALE & set(ADULT_FIRST)))} {rng.choice(ALL_SURNAMES)}",
        )
        if victim.name in names.used:
            victim = _public(names, rng, "victim")
        names.used.add(victim.name)
        if rng.random() < 0.5:
            victim.contact = None  # she is reached through her IDVA
        add(victim)
        add(_silent(names, rng, "suspect"))
        for _ in range(rng.choice((0, 1, 2))):
            add(_silent(names, rng, "child", child=True))
        partner("charity", "charity")
        partner("council", "council")
        if case.of("child") and rng.random() < 0.5:
            case.school = rng.choice(schools)
            partner("school", case.school.key)
        defence_and_cps(0.6)
    elif kind == "missing":
        child = _silent(names, rng, "child", child=True)
        add(child)
        parent = _public(names, rng, "parent")
        parent.child = child
        add(parent)
        case.school = rng.choice(schools)
        partner("school", case.school.key)
        partner("council", "council")
    elif kind == "fraud":
        victim = _silent(names, rng, "victim")
        victim.dob = (datetime(1930, 1, 1) + timedelta(days=rng.randint(0, 6000))).strftime(
            "%d/%m/%Y"
        )
        add(victim)
        add(_public(names, rng, "relative"))
        partner("council", "council")
        if rng.random() < 0.3:
            add(_silent(names, rng, "suspect"))
            defence_and_cps(0.6)
    elif kind == "harassment":
        add(_public(names, rng, "victim"))
        add(_silent(names, rng, "suspect"))
        defence_and_cps(0.5)
        if rng.random() < 0.3:
            partner("gp", "nhsmail")


def _case_history(world: World, case: Case, rng: random.Random) -> list[tuple[datetime, bytes]]:
    """The case's threads: the officer with each member of the public and each partner."""
    out: list[tuple[datetime, bytes]] = []
    plans: list[tuple[Contact, str, str, int]] = []
    for person in case.public:
        assert person.contact is not None
        audience = public_audience(case, person)
        subject = rng.choice(
            (
                f"Your report - crime reference {case.ref}",
                f"{case.ref}",
                f"Crime reference {case.ref} - update",
                f"Re your call - {case.ref}",
            )
        )
        plans.append((person.contact, audience, subject, rng.randint(2, 5)))
    suspects = case.of("suspect")
    subjects = {
        "school": f"{case.ref} - incident at school",
        "council": f"{case.ref} - strategy discussion",
        "health": f"Request for records - {case.ref}",
        "gp": f"Patient information request - {case.ref}",
        "cps": f"R v {suspects[0].surname if suspects else 'unknown'} - {case.ref} - file",
        "defence": f"Your client - {case.ref}",
        "charity": f"Referral - {case.ref}",
    }
    for kind, contact in case.partners.items():
        audience = "health" if kind == "gp" else kind
        plans.append((contact, audience, subjects[kind], rng.randint(2, 6)))
    if rng.random() < 0.6:
        plans.append((case.colleague, "internal", f"{case.ref} handover", rng.randint(1, 3)))
    when = case.opened
    for contact, audience, subject, length in plans:
        start = when + timedelta(hours=rng.randint(1, 24 * 30))
        thread = Thread(subject, case, case.officer, [contact], audience)
        out.extend(_thread_messages(world, thread, start, length, rng))
        case.threads.append(thread)
    return out


def _thread_messages(
    world: World, thread: Thread, start: datetime, length: int, rng: random.Random
) -> list[tuple[datetime, bytes]]:
    case, officer, other = thread.case, thread.staff, thread.others[0]
    assert case is not None
    incoming_first = other.org.kind in ("public", "school") and rng.random() < 0.6
    out = []
    when = start
    for step in range(length):
        from_officer = (step % 2 == 0) != incoming_first
        sender = officer if from_officer else other
        recipient = other if from_officer else officer
        if from_officer:
            audience = thread.audience
        elif other.org.kind == "public":
            audience = "public_reply"
        else:
            audience = REPLY_AUDIENCE.get(thread.audience, thread.audience)
        ink = _Ink(
            rng,
            case,
            case_values(
                case, audience if audience != "public_reply" else thread.audience, rng, when
            ),
        )
        if audience == "public_reply":
            paragraphs = ink.pick(PUBLIC_REPLIES, 1)
        else:
            paragraphs = ink.pick(PARAGRAPHS[audience], rng.randint(1, 3))
        paragraphs = paragraphs or [f"Re {case.ref}: noted, thank you."]
        documents = _thread_documents(world, thread, sender, step, rng)
        greeting = greeting_for(recipient, rng)
        quoted = None
        if thread.last_sender is not None and thread.last_date and rng.random() < 0.5:
            quoted = (thread.last_sender, thread.last_date, thread.last_text)
        text = body_text(sender, greeting, paragraphs, rng, quoted)
        subject = thread.subject if step == 0 else "RE: " + thread.subject
        mid = message_id(rng, sender)
        raw = compose(
            sender,
            Addressed((recipient,)),
            subject,
            text,
            when,
            mid,
            rng,
            thread.message_ids,
            documents,
        )
        thread.message_ids.append(mid)
        thread.last_text = "\n\n".join(paragraphs)
        thread.last_sender, thread.last_date = sender, when
        thread.documents.extend(documents)
        case.documents.extend(documents)
        for contact in (sender, recipient):
            world.contacts.setdefault(contact.address, contact)
        out.append((when, raw))
        when += timedelta(hours=rng.randint(2, 24 * 6))
    return out


def _thread_documents(
    world: World, thread: Thread, sender: Contact, step: int, rng: random.Random
) -> list[Document]:
    case = thread.case
    assert case is not None
    kind = sender.org.kind
    if (
        kind == "school"
        and case.kind == "school"
        and not thread.documents
        and len(case.of("child")) >= 2
    ):
        return [school_report(world, case, rng)]
    if sender.internal and thread.audience == "cps" and not thread.documents:
        witnesses = case.of("witness") or case.of("victim")
        docs = [mg11(world, case, witnesses[0], rng)]
        if rng.random() < 0.5:
            docs.append(witness_list(case))
        return docs
    if kind == "health" and not thread.documents and case.of("victim"):
        return [medical_notes(case, case.of("victim")[0], rng)]
    if (
        sender.internal
        and thread.audience.startswith("public_victim")
        and step >= 2
        and not thread.documents
        and rng.random() < 0.5
    ):
        return [victim_letter(world, case, case.of("victim")[0], rng)]
    return []


ADMIN_SUBJECTS = (
    "Rota for next month",
    "Training: information sharing and GDPR refresher",
    "Team meeting moved to Thursday",
    "Car park closure at Westbury station",
    "Overtime claims deadline",
    "New printer on the second floor",
)
PARTNER_ADMIN = (
    "Safeguarding partnership meeting - agenda",
    "Operation Encompass - termly briefing",
    "Multi-agency training dates",
    "Change of contact details",
)


def _admin_history(
    world: World, rng: random.Random, messages: list[tuple[datetime, bytes]], target: int
) -> None:
    """Mail about no case: internal admin, partner meetings, the MASH daily list, mailings."""
    staff = [c for c in world.staff if c.role]
    mash_police = next(c for c in world.staff if c.address.startswith("mash@"))
    mash_council = next(c for c in world.by_org["council"] if c.address.startswith("mash@"))
    for contact in (mash_police, mash_council):
        world.contacts.setdefault(contact.address, contact)
    day = HISTORY_START
    while day < HISTORY_END:  # the MASH list goes to the council twice a week
        day += timedelta(days=rng.choice((3, 4)))
        doc = mash_list(world, day, rng, rng.randint(8, 18))
        world.mash_lists.append(doc)
        text = body_text(
            mash_police,
            "Good morning,",
            [
                "Please find attached today's list of police notifications for "
                "children, for screening by the MASH."
            ],
            rng,
        )
        raw = compose(
            mash_police,
            Addressed((mash_council,)),
            f"MASH daily list {day:%d/%m/%Y}",
            text,
            day,
            message_id(rng, mash_police),
            rng,
            documents=[doc],
        )
        messages.append((day, raw))
    partners = [c for c in world.partners if c.role]
    while len(messages) < target:
        when = HISTORY_START + timedelta(minutes=rng.randint(0, 430_000))
        sender = rng.choice(staff)
        roll = rng.random()
        if roll < 0.5:
            to = rng.sample([s for s in staff if s is not sender], rng.randint(1, 4))
            subject = rng.choice(ADMIN_SUBJECTS)
            paragraphs = [
                rng.choice(FILLER),
                "Details are on the intranet; please let me know if you cannot make it.",
            ]
            addressed = Addressed(tuple(to))
        elif roll < 0.85:
            to = rng.sample(partners, rng.randint(1, 5))
            subject = rng.choice(PARTNER_ADMIN)
            paragraphs = [
                "The next meeting is on the first Tuesday of the month at 10:00 in "
                "the council chamber. The agenda will follow.",
                rng.choice(FILLER),
            ]
            addressed = Addressed(tuple(to))
            for contact in to:
                world.contacts.setdefault(contact.address, contact)
        else:  # a crime-prevention mailing to victims, in Bcc
            victims = [p.contact for c in world.cases for p in c.of("victim") if p.contact]
            bcc = rng.sample(victims, min(len(victims), rng.randint(5, 15)))
            neighbourhood = next(c for c in world.staff if c.address.startswith("westbury.npt@"))
            sender = neighbourhood
            subject = "Westbury Neighbourhood Policing - crime prevention advice"
            paragraphs = [
                "There have been a number of reports of thefts from vehicles in the "
                "area. Please remove valuables and lock your car.",
                "You can sign up for Northshire Alerts on our website.",
            ]
            addressed = Addressed((neighbourhood,), bcc=tuple(bcc))
            for contact in (neighbourhood, *bcc):
                world.contacts.setdefault(contact.address, contact)
        text = body_text(
            sender, "Hello all," if len(addressed.to) > 1 else "Hello,", paragraphs, rng
        )
        messages.append(
            (when, compose(sender, addressed, subject, text, when, message_id(rng, sender), rng))
        )
        world.contacts.setdefault(sender.address, sender)
        for contact in addressed.to:
            world.contacts.setdefault(contact.address, contact)


# --- the labelled outgoing set -------------------------------------------------------------

RULE_KINDS = (
    "unrelated_recipient",
    "wrong_thread",
    "wrong_attachment",
    "lookalike_address",
    "first_time_external",
    "greeting_mismatch",
    "exposed_recipients",
    "bulk_personal_data",
    "protective_marking",
)
"""The scenario kinds named for the rule meant to stop their misdirected recipients."""
KINDS = (*RULE_KINDS, "routine")
"""`routine` is ordinary correct mail: every recipient is right."""


@dataclass(frozen=True, slots=True)
class Label:
    address: str
    field: str
    """`to`, `cc` or `bcc`."""
    right: bool
    """True when this recipient should get the message; False when it is misdirected."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    index: int
    kind: str
    variant: str
    story: str
    """What happened, in one sentence: where the labels come from."""
    raw: bytes
    labels: tuple[Label, ...]

    @property
    def misdirected(self) -> bool:
        return any(not label.right for label in self.labels)


class _NoMaterial(Exception):
    """The world has nothing to build this variant from (a very small history)."""


@dataclass(slots=True)
class _Draft:
    story: str
    sender: Contact
    to: tuple[Contact, ...]
    right: dict[str, bool]
    """Every recipient's label, by address."""
    subject: str
    paragraphs: list[str]
    greeting: str
    cc: tuple[Contact, ...] = ()
    bcc: tuple[Contact, ...] = ()
    documents: tuple[Document, ...] = ()
    thread: Thread | None = None
    forward: bool = False
    marking: str = ""


class _Out:
    """Builds the outgoing variants from one world; each call has its own seeded rng."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.known = set(world.contacts)
        self.taken = self.known | {c.address for c in world.directory}

    # choosing material

    def case(self, test: Callable[[Case], bool] = lambda c: True) -> Case:
        cases = [c for c in self.world.cases if test(c)]
        if not cases:
            raise _NoMaterial("no case fits")
        return self.rng.choice(cases)

    def thread(self, case: Case, test: Callable[[Thread], bool]) -> Thread:
        threads = [t for t in case.threads if test(t)]
        if not threads:
            raise _NoMaterial("no thread fits")
        return self.rng.choice(threads)

    def partner_thread(
        self, kinds: Sequence[str] = ("school", "council", "cps", "health", "charity", "defence")
    ) -> tuple[Case, Thread]:
        case = self.case(lambda c: any(t.others[0].org.kind in kinds for t in c.threads))
        return case, self.thread(case, lambda t: t.others[0].org.kind in kinds)

    def public_thread(
        self, test: Callable[[Case], bool] = lambda c: True
    ) -> tuple[Case, Thread, Person]:
        case = self.case(lambda c: test(c) and any(p.contact for p in c.of("victim", "parent")))
        person = self.rng.choice([p for p in case.of("victim", "parent") if p.contact])
        assert person.contact is not None
        thread = self.thread(case, lambda t: t.others[0] is person.contact)
        return case, thread, person

    def cases_of(self, contact: Contact) -> list[Case]:
        return [
            c
            for c in self.world.cases
            if contact in c.partners.values()
            or contact in c.staff
            or any(p.contact is contact for p in c.people)
        ]

    def other_known(self, like: Contact, not_on: Case, same_first: bool = True) -> Contact:
        """A known correspondent of the same kind as `like`, never on `not_on`."""
        pool = [
            c
            for c in self.world.contacts.values()
            if c.org.kind == like.org.kind
            and c is not like
            and c.role
            and c.address in self.known
            and not_on not in self.cases_of(c)
            and c.address not in {x.address for x in not_on.partners.values()}
        ]
        if like.org.kind == "public":
            pool = [c for c in pool if all(p.contact is not c for p in not_on.people)]
        if not pool:
            raise _NoMaterial("no other correspondent")
        namesakes = [c for c in pool if c.first == like.first]
        return self.rng.choice(namesakes if same_first and namesakes else pool)

    def new_name(self) -> str:
        return self.world.names.adult()

    def values(self, case: Case, audience: str) -> dict[str, str]:
        return case_values(case, audience, self.rng, PRESENT)

    def paragraphs(self, case: Case, audience: str, count: int = 2) -> list[str]:
        ink = _Ink(self.rng, case, self.values(case, audience))
        chosen = ink.pick(PARAGRAPHS[audience], count)
        if not chosen:
            raise _NoMaterial(f"nothing to say to {audience}")
        return chosen

    def audience_of(self, contact: Contact, case: Case) -> str:
        kind = contact.org.kind
        if kind == "public":
            person = next((p for p in case.people if p.contact is contact), None)
            return public_audience(case, person) if person else "public_victim"
        if contact.internal:
            return "internal"
        return "health" if kind == "gp" else kind

    def greet(self, contact: Contact) -> str:
        return greeting_for(contact, self.rng)

    def unused_address(self, address: str) -> str:
        if address in self.taken:
            raise _NoMaterial("address exists")
        return address


# -- unrelated recipient --


def _unrelated_wrong_partner(o: _Out) -> _Draft:
    case, thread = o.partner_thread(("school", "council", "cps", "health", "charity"))
    intended = thread.others[0]
    wrong = o.other_known(intended, case)
    return _Draft(
        f"{case.officer.name} meant to update {intended.name} ({intended.org.name}) on {case.ref}; "
        f"autocomplete gave {wrong.name} ({wrong.org.name}), who has other cases.",
        case.officer,
        (wrong,),
        {wrong.address: False},
        f"{case.ref} - update",
        o.paragraphs(case, o.audience_of(intended, case)),
        f"Hi {intended.first},",
    )


def _unrelated_wrong_public(o: _Out) -> _Draft:
    case, _, person = o.public_thread()
    assert person.contact is not None
    wrong = o.other_known(person.contact, case)
    return _Draft(
        f"An update on {case.ref} for {person.name} went to {wrong.name}, a member of the public "
        "from another case picked by autocomplete.",
        case.officer,
        (wrong,),
        {wrong.address: False},
        f"Your report - {case.ref}",
        o.paragraphs(case, public_audience(case, person)),
        f"Dear {person.first},",
    )


def _unrelated_cc_wrong(o: _Out) -> _Draft:
    case, thread = o.partner_thread(("school", "council", "charity"))
    right = thread.others[0]
    wrong = o.other_known(right, case, same_first=False)
    return _Draft(
        f"{case.ref} update to {right.name}, the case's own partner, with {wrong.name} (another "
        "case) copied in by mistake.",
        case.officer,
        (right,),
        {right.address: True, wrong.address: False},
        f"{case.ref} - update",
        o.paragraphs(case, o.audience_of(right, case)),
        f"Hi {right.first},",
        cc=(wrong,),
    )


def _unrelated_wrong_defence(o: _Out) -> _Draft:
    case = o.case(lambda c: "defence" in c.partners and bool(c.of("suspect")))
    intended = case.partners["defence"]
    wrong = o.other_known(intended, case, same_first=False)
    return _Draft(
        f"Disclosure about {case.of('suspect')[0].name} ({case.ref}) meant for his solicitor "
        f"{intended.name} went to {wrong.name}, who acts for a defendant in another case.",
        case.officer,
        (wrong,),
        {wrong.address: False},
        f"Disclosure - {case.ref}",
        o.paragraphs(case, "defence"),
        f"Dear {intended.first},",
    )


def _unrelated_partner_own_case(o: _Out) -> _Draft:
    case, thread = o.partner_thread(("school", "council", "cps", "health", "charity"))
    partner = thread.others[0]
    return _Draft(
        f"A new message to {partner.name} about their own case {case.ref}.",
        case.officer,
        (partner,),
        {partner.address: True},
        f"{case.ref} - further update",
        o.paragraphs(case, o.audience_of(partner, case)),
        o.greet(partner),
    )


def _unrelated_defence_own_client(o: _Out) -> _Draft:
    case = o.case(lambda c: "defence" in c.partners and bool(c.of("suspect")))
    solicitor = case.partners["defence"]
    return _Draft(
        f"Disclosure to {solicitor.name} about their own client in {case.ref}.",
        case.officer,
        (solicitor,),
        {solicitor.address: True},
        f"Disclosure - {case.ref}",
        o.paragraphs(case, "defence"),
        o.greet(solicitor),
    )


def _unrelated_colleague_on_case(o: _Out) -> _Draft:
    case = o.case(lambda c: bool(c.of("victim", "child")))
    return _Draft(
        f"A note to {case.colleague.name}, who works {case.ref} with the sender.",
        case.officer,
        (case.colleague,),
        {case.colleague.address: True},
        f"{case.ref}",
        o.paragraphs(case, "internal"),
        o.greet(case.colleague),
    )


def _unrelated_colleague_not_on_case(o: _Out) -> _Draft:
    case = o.case(lambda c: bool(c.of("victim", "child")))
    others = [s for s in o.world.staff if s.role and s not in case.staff]
    colleague = o.rng.choice(others)
    return _Draft(
        f"{case.officer.name} asks {colleague.name}, a colleague not yet on {case.ref}, "
        "to review it (internal colleagues are trusted with the force's cases).",
        case.officer,
        (colleague,),
        {colleague.address: True},
        f"Review - {case.ref}",
        o.paragraphs(case, "internal"),
        o.greet(colleague),
    )


def _unrelated_right_school_mailbox(o: _Out) -> _Draft:
    case = o.case(lambda c: c.kind == "school" and c.school is not None)
    assert case.school is not None
    mailbox = next(
        c for c in o.world.by_org[case.school.key] if c.address.startswith("safeguarding@")
    )
    return _Draft(
        f"An update on {case.ref} to {case.school.name}'s safeguarding mailbox, the "
        "right school's team address.",
        case.officer,
        (mailbox,),
        {mailbox.address: True},
        f"{case.ref} - incident at school",
        o.paragraphs(case, "school"),
        "Good morning,",
    )


def _unrelated_victim_own_case(o: _Out) -> _Draft:
    case, _, person = o.public_thread()
    assert person.contact is not None
    return _Draft(
        f"A new message to {person.name} about their own case {case.ref}.",
        case.officer,
        (person.contact,),
        {person.contact.address: True},
        f"Your report - {case.ref}",
        o.paragraphs(case, public_audience(case, person)),
        o.greet(person.contact),
    )


# -- wrong thread --


def _seed_pair(o: _Out) -> tuple[Case, Thread, Person, Case]:
    """A vehicle case's thread with its victim, and a school case the same officer works."""
    schools = [
        c
        for c in o.world.cases
        if c.kind == "school" and any(d.name.startswith("Incident_Report") for d in c.documents)
    ]
    pairs = []
    for school in schools:
        for case in o.world.cases:
            if case.kind == "vehicle" and set(case.staff) & set(school.staff) and case.of("victim"):
                pairs.append((case, school))
    best = [
        (v, s)
        for v, s in pairs
        if len(s.of("child")) >= 3 and v.of("victim")[0].first not in FEMALE
    ]  # as in the seed case: three children, and a man's car
    pairs = best or pairs
    if not pairs:
        pairs = [(c, s) for s in schools for c in o.world.cases if c.kind == "vehicle"]
    if not pairs:
        raise _NoMaterial("no vehicle and school case")
    vehicle, school = o.rng.choice(pairs)
    victim = vehicle.of("victim")[0]
    thread = o.thread(vehicle, lambda t: t.others[0] is victim.contact)
    return vehicle, thread, victim, school


def _thread_seed_case(o: _Out) -> _Draft:
    vehicle, thread, victim, school = _seed_pair(o)
    report = next(d for d in school.documents if d.name.startswith("Incident_Report"))
    children = school.of("child")
    paragraphs = [
        f"Update on {school.ref}: I have now spoken to {school.partners['school'].name} at "
        f"{school.school.name if school.school else 'the school'} about the incident between "
        f"{_names(children)}.",
        *o.paragraphs(school, "school", 1),
        "The school's report is attached; I will visit the family later this week.",
    ]
    sender = thread.staff if thread.staff in school.staff else school.officer
    return _Draft(
        f"The seed case: replying in {victim.name}'s thread about his damaged car ({vehicle.ref}), "
        f"{sender.name} sent the update on {school.ref}, {school.label}, naming "
        f"{len(children)} children, with the school's report attached.",
        sender,
        (victim.contact,),
        {victim.contact.address: False},  # type: ignore[union-attr]
        "RE: " + thread.subject,
        paragraphs,
        "Hi,",
        documents=(report,),
        thread=thread,
    )


def _thread_partner_other_school(o: _Out) -> _Draft:
    case, thread = o.partner_thread(("school",))
    partner = thread.others[0]
    other = o.case(
        lambda c: (
            c.kind == "school"
            and c.school is not case.school
            and partner not in c.partners.values()
        )
    )
    return _Draft(
        f"Replying in {partner.name}'s thread about {case.ref}, the officer wrote about "
        f"{other.ref}, a case at another school ({other.school.name if other.school else ''}).",
        thread.staff,
        (partner,),
        {partner.address: False},
        "RE: " + thread.subject,
        o.paragraphs(other, "school"),
        o.greet(partner),
        thread=thread,
    )


def _thread_public_other_victim(o: _Out) -> _Draft:
    case, thread, person = o.public_thread()
    other = o.case(
        lambda c: (
            c is not case
            and c.kind in ("burglary", "vehicle", "assault", "harassment")
            and bool(c.of("victim"))
            and person not in c.people
        )
    )
    victim = other.of("victim")[0]
    return _Draft(
        f"Replying in {person.name}'s thread ({case.ref}), the officer wrote {victim.name}'s "
        f"update on {other.ref}.",
        thread.staff,
        (person.contact,),
        {person.contact.address: False},  # type: ignore[union-attr]
        "RE: " + thread.subject,
        o.paragraphs(other, "internal" if o.rng.random() < 0.5 else public_audience(other, victim)),
        f"Dear {victim.first},",
        thread=thread,
    )


def _thread_own_car_case(o: _Out) -> _Draft:
    vehicle, thread, victim, _ = _seed_pair(o)
    return _Draft(
        f"The seed case's right twin: {victim.name} gets an update on their own car "
        f"case {vehicle.ref}, in their thread.",
        thread.staff,
        (victim.contact,),
        {victim.contact.address: True},  # type: ignore[union-attr]
        "RE: " + thread.subject,
        o.paragraphs(vehicle, "public_vehicle"),
        o.greet(victim.contact),
        thread=thread,
    )  # type: ignore[arg-type]


def _thread_right_school(o: _Out) -> _Draft:
    case, thread = o.partner_thread(("school",))
    partner = thread.others[0]
    return _Draft(
        f"A reply to the right school ({partner.name}) in its thread on {case.ref}, "
        "naming the pupils involved.",
        thread.staff,
        (partner,),
        {partner.address: True},
        "RE: " + thread.subject,
        o.paragraphs(case, "school"),
        o.greet(partner),
        thread=thread,
    )


def _thread_same_partner_other_case(o: _Out) -> _Draft:
    pairs = []
    for case in o.world.cases:
        for kind, partner in case.partners.items():
            if kind in ("school", "council", "cps"):
                for other in o.cases_of(partner):
                    if other is not case and partner in other.partners.values():
                        pairs.append((case, kind, partner, other))
    if not pairs:
        raise _NoMaterial("no partner with two cases")
    case, kind, partner, other = o.rng.choice(pairs)
    thread = o.thread(case, lambda t: t.others[0] is partner)
    audience = o.audience_of(partner, other)
    return _Draft(
        f"Replying in {partner.name}'s thread on {case.ref}, the officer also writes "
        f"about {other.ref}, another of {partner.name}'s own cases.",
        thread.staff,
        (partner,),
        {partner.address: True},
        "RE: " + thread.subject,
        [f"Separately, on {other.ref}:", *o.paragraphs(other, audience)],
        o.greet(partner),
        thread=thread,
    )


def _thread_forward_colleague(o: _Out) -> _Draft:
    case, thread = o.partner_thread()
    return _Draft(
        f"Forwarding the {case.ref} thread to {case.colleague.name}, the colleague on the case.",
        thread.staff,
        (case.colleague,),
        {case.colleague.address: True},
        "FW: " + thread.subject,
        ["For your information, see below."],
        o.greet(case.colleague),
        thread=thread,
        forward=True,
    )


# -- wrong attachment --


def _attach_wrong_report(o: _Out) -> _Draft:
    case, thread = o.partner_thread(("school",))
    partner = thread.others[0]
    other = o.case(
        lambda c: (
            c.kind == "school"
            and c.school is not case.school
            and any(d.name.startswith("Incident_Report") for d in c.documents)
        )
    )
    report = next(d for d in other.documents if d.name.startswith("Incident_Report"))
    return _Draft(
        f"A reply to {partner.name} about {case.ref}, with another school's incident "
        f"report ({other.ref}) attached by mistake.",
        thread.staff,
        (partner,),
        {partner.address: False},
        "RE: " + thread.subject,
        [*o.paragraphs(case, "school", 1), "I attach the report with my notes."],
        o.greet(partner),
        documents=(report,),
        thread=thread,
    )


def _attach_wrong_mg11(o: _Out) -> _Draft:
    case = o.case(lambda c: "cps" in c.partners and bool(c.of("suspect")))
    lawyer = case.partners["cps"]
    other = o.case(
        lambda c: (
            c is not case
            and c.partners.get("cps") is not lawyer
            and any(d.name.startswith("MG11") for d in c.documents)
        )
    )
    mg = next(d for d in other.documents if d.name.startswith("MG11"))
    return _Draft(
        f"The file for {case.ref} to its CPS lawyer {lawyer.name}, with the MG11 from "
        f"{other.ref} (another lawyer's case) attached instead of its own.",
        case.officer,
        (lawyer,),
        {lawyer.address: False},
        f"{case.ref} - MG11",
        [*o.paragraphs(case, "cps", 1), "The statement is attached."],
        o.greet(lawyer),
        documents=(mg,),
    )


def _attach_wrong_letter(o: _Out) -> _Draft:
    case, thread, person = o.public_thread(lambda c: c.kind != "school")
    other = o.case(lambda c: c is not case and bool(c.of("victim")) and c.kind != "fraud")
    letter = victim_letter(o.world, other, other.of("victim")[0], o.rng)
    return _Draft(
        f"{person.name}'s update letter on {case.ref}: the letter attached is "
        f"{other.of('victim')[0].name}'s, on {other.ref}.",
        thread.staff,
        (person.contact,),
        {person.contact.address: False},  # type: ignore[union-attr]
        "RE: " + thread.subject,
        ["Please find attached a letter about your report."],
        o.greet(person.contact),
        documents=(letter,),
        thread=thread,
    )  # type: ignore[arg-type]


def _attach_right_report(o: _Out) -> _Draft:
    case = o.case(
        lambda c: (
            c.kind == "school" and any(d.name.startswith("Incident_Report") for d in c.documents)
        )
    )
    report = next(d for d in case.documents if d.name.startswith("Incident_Report"))
    recipient = case.partners.get("council") or case.colleague
    return _Draft(
        f"{case.school.name if case.school else 'The school'}'s own report on "
        f"{case.ref} passed to {recipient.name}, who works the case.",
        case.officer,
        (recipient,),
        {recipient.address: True},
        f"{case.ref} - school report",
        [
            *o.paragraphs(case, o.audience_of(recipient, case), 1),
            "The school's report is attached.",
        ],
        o.greet(recipient),
        documents=(report,),
    )


def _attach_right_mg11(o: _Out) -> _Draft:
    case = o.case(lambda c: "cps" in c.partners and bool(c.of("witness", "victim")))
    lawyer = case.partners["cps"]
    witness = (case.of("witness") or case.of("victim"))[-1]
    return _Draft(
        f"A further MG11 ({witness.name}) for {case.ref} to its CPS lawyer.",
        case.officer,
        (lawyer,),
        {lawyer.address: True},
        f"{case.ref} - further MG11",
        o.paragraphs(case, "cps", 1),
        o.greet(lawyer),
        documents=(mg11(o.world, case, witness, o.rng),),
    )


def _attach_resend(o: _Out) -> _Draft:
    case = o.case(
        lambda c: any(
            t.documents and t.others[0].org.kind in ("cps", "school", "health") for t in c.threads
        )
    )
    thread = o.thread(
        case, lambda t: bool(t.documents) and t.others[0].org.kind in ("cps", "school", "health")
    )
    doc = thread.documents[0]
    return _Draft(
        f"Re-sending {doc.name} to {thread.others[0].name} in the thread it came from "
        f"({case.ref}).",
        thread.staff,
        (thread.others[0],),
        {thread.others[0].address: True},
        "RE: " + thread.subject,
        ["Resending the attachment as you could not open it."],
        o.greet(thread.others[0]),
        documents=(doc,),
        thread=thread,
    )


def _attach_own_letter(o: _Out) -> _Draft:
    case = o.case(lambda c: any(p.contact for p in c.of("victim")) and c.kind != "fraud")
    victim = next(p for p in case.of("victim") if p.contact)
    return _Draft(
        f"{victim.name}'s own update letter on {case.ref}, to {victim.name}.",
        case.officer,
        (victim.contact,),
        {victim.contact.address: True},  # type: ignore[union-attr]
        f"Your report - {case.ref}",
        ["Please find attached a letter about your report."],
        o.greet(victim.contact),
        documents=(victim_letter(o.world, case, victim, o.rng),),
    )  # type: ignore[arg-type]


# -- look-alike address --


def _typo(local: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(local) - 1)
    edit = rng.choice(("drop", "double", "swap", "vowel"))
    if edit == "drop" and local[i] != ".":
        return local[:i] + local[i + 1 :]
    if edit == "double":
        return local[:i] + local[i] + local[i:]
    if edit == "swap" and "." not in local[i - 1 : i + 1]:
        return local[: i - 1] + local[i] + local[i - 1] + local[i + 1 :]
    vowels = [j for j, ch in enumerate(local) if ch in "aeiou"]
    j = rng.choice(vowels or [i])
    return local[:j] + rng.choice([v for v in "aeiouy" if v != local[j]]) + local[j + 1 :]


def _lookalike_typo(o: _Out) -> _Draft:
    case, thread = o.partner_thread(("school", "council", "cps", "health", "charity", "defence"))
    intended = thread.others[0]
    local, _, domain = intended.address.partition("@")
    for _ in range(20):
        address = f"{_typo(local, o.rng)}@{domain}"
        if address not in o.taken:
            break
    else:
        raise _NoMaterial("no typo")
    wrong = Contact(intended.name if o.rng.random() < 0.5 else "", address, intended.org)
    return _Draft(
        f"{intended.address} mistyped as {address} (an address never used) for an "
        f"update on {case.ref}.",
        case.officer,
        (wrong,),
        {address: False},
        f"{case.ref} - update",
        o.paragraphs(case, o.audience_of(intended, case)),
        o.greet(intended),
    )


def _lookalike_gmail_twin(o: _Out) -> _Draft:
    case = o.case(lambda c: bool(c.of("victim", "child")))
    colleague = case.colleague
    first, surname = (_SEPARATION.sub("", p.lower()) for p in (colleague.first, colleague.surname))
    options = [
        f"{first}.{surname}@gmail.com",
        f"{first}{surname}@gmail.com",
        f"{first}.{surname}@hotmail.co.uk",
        f"{first[0]}{surname}@outlook.com",
    ]
    address = o.unused_address(o.rng.choice([a for a in options if a not in o.taken] or options))
    twin = Contact(colleague.name, address, Org("public", "public", "webmail", ""))
    return _Draft(
        f"A case note on {case.ref} meant for {colleague.name}'s work address went to "
        f"{address}, a webmail address with the same name, never written to before.",
        case.officer,
        (twin,),
        {address: False},
        f"{case.ref}",
        o.paragraphs(case, "internal"),
        f"Hi {colleague.first},",
    )


SWAPS = {
    "westbury.gov.uk": ("westbury-gov.uk", "westburygov.co.uk", "westbury.gov.com"),
    "northshire.police.uk": (
        "northshire-police.co.uk",
        "northshirepolice.uk",
        "northshire.police.co.uk",
    ),
    "cps.gov.uk": ("cps.gov.co.uk", "cps-gov.uk"),
    "westbury-hospitals.nhs.uk": ("westbury-hospitals.nhs.net", "westburyhospitals.nhs.uk"),
    "westburywomensaid.org.uk": ("westburywomensaid.co.uk", "westburywomensaid.org"),
}


def _swapped(domain: str, rng: random.Random) -> str:
    if domain in SWAPS:
        return rng.choice(SWAPS[domain])
    if domain.endswith(".sch.uk"):
        return domain.replace(".sch.uk", rng.choice((".org.uk", ".sch.co.uk")))
    if domain.endswith(".org.uk"):
        return domain.replace(".org.uk", rng.choice((".co.uk", ".org")))
    return domain.replace(".co.uk", rng.choice((".com", ".uk")))


def _lookalike_swapped_domain(o: _Out) -> _Draft:
    if o.rng.random() < 0.3:
        case = o.case(lambda c: bool(c.of("victim", "child")))
        intended, audience = case.colleague, "internal"
    else:
        case, thread = o.partner_thread()
        intended = thread.others[0]
        audience = o.audience_of(intended, case)
    local, _, domain = intended.address.partition("@")
    address = o.unused_address(f"{local}@{_swapped(domain, o.rng)}")
    wrong = Contact(intended.name, address, Org("unknown", "unknown", "unknown", ""))
    return _Draft(
        f"{intended.address} with its domain swapped: {address}, for {case.ref}.",
        case.officer,
        (wrong,),
        {address: False},
        f"{case.ref}",
        o.paragraphs(case, audience),
        o.greet(intended),
    )


def _lookalike_public_twin(o: _Out) -> _Draft:
    case, _, person = o.public_thread()
    assert person.contact is not None
    local, _, domain = person.contact.address.partition("@")
    for _ in range(20):
        if o.rng.random() < 0.5:
            address = f"{local}@{o.rng.choice([d for d in WEBMAIL if d != domain])}"
        else:
            address = f"{_typo(local, o.rng)}@{domain}"
        if address not in o.taken:
            break
    else:
        raise _NoMaterial("no twin")
    wrong = Contact(person.name, address, person.contact.org)
    return _Draft(
        f"{person.name}'s address {person.contact.address} recalled wrongly as "
        f"{address} (someone else's, never written to) for an update on {case.ref}.",
        case.officer,
        (wrong,),
        {address: False},
        f"Your report - {case.ref}",
        o.paragraphs(case, public_audience(case, person)),
        o.greet(person.contact),
    )


def _lookalike_close_pair(o: _Out) -> _Draft:
    pair = o.rng.choice(o.world.close_pairs)
    contact = o.rng.choice(pair)
    cases = [c for c in o.cases_of(contact) if c.of("victim", "child")]
    if not cases:
        raise _NoMaterial("close pair without a case")
    case = o.rng.choice(cases)
    other = pair[1] if contact is pair[0] else pair[0]
    sender = case.officer if contact is not case.officer else case.colleague
    return _Draft(
        f"To {contact.address}, about {case.ref}, their own case; {other.address} is a "
        "different, also known, colleague of theirs.",
        sender,
        (contact,),
        {contact.address: True},
        f"{case.ref}",
        o.paragraphs(case, o.audience_of(contact, case)),
        o.greet(contact),
    )


def _lookalike_namesake(o: _Out) -> _Draft:
    if not o.world.namesakes:
        raise _NoMaterial("no namesakes")
    colleague, public = o.rng.choice(o.world.namesakes)
    case = next(c for c in o.world.cases if any(p.contact is public for p in c.people))
    return _Draft(
        f"{public.name} ({public.address}), who shares colleague {colleague.name}'s "
        f"name, gets an update on their own case {case.ref}.",
        case.officer,
        (public,),
        {public.address: True},
        f"Your report - {case.ref}",
        o.paragraphs(case, o.audience_of(public, case)),
        o.greet(public),
    )


def _lookalike_right_partner(o: _Out) -> _Draft:
    case, thread = o.partner_thread()
    partner = thread.others[0]
    return _Draft(
        f"{partner.address}, the case's own partner, typed correctly, about {case.ref}.",
        case.officer,
        (partner,),
        {partner.address: True},
        f"{case.ref}",
        o.paragraphs(case, o.audience_of(partner, case)),
        o.greet(partner),
    )


# -- first-time external recipient --

BUSINESSES = (
    "westbury-motors.co.uk",
    "northshire-lettings.co.uk",
    "kwikfix-glass.co.uk",
    "westbury-vets.co.uk",
    "brightsmile-dental.co.uk",
    "parkside-gym.co.uk",
)


def _first_stranger_webmail(o: _Out) -> _Draft:
    case, _, person = o.public_thread()
    assert person.contact is not None
    stranger_name = o.new_name()
    address = o.unused_address(_webmail_address(stranger_name, o.rng))
    stranger = Contact("", address, Org("public", "public", "webmail", ""))
    return _Draft(
        f"An update for {person.name} on {case.ref} went to {address}, copied from "
        "the wrong line of a contact list: a stranger, never written to.",
        case.officer,
        (stranger,),
        {address: False},
        f"Your report - {case.ref}",
        o.paragraphs(case, public_audience(case, person)),
        o.greet(person.contact),
    )


def _first_stranger_business(o: _Out) -> _Draft:
    case, _, person = o.public_thread()
    assert person.contact is not None
    address = o.unused_address(
        f"{o.rng.choice(('info', 'enquiries', 'bookings', 'office'))}@{o.rng.choice(BUSINESSES)}"
    )
    stranger = Contact("", address, Org("business", "business", "a local business", ""))
    return _Draft(
        f"An update for {person.name} on {case.ref} went to {address}, an address "
        "pasted from another window: a business never written to.",
        case.officer,
        (stranger,),
        {address: False},
        f"Your report - {case.ref}",
        o.paragraphs(case, public_audience(case, person)),
        o.greet(person.contact),
    )


def _first_new_partner(o: _Out, org_key: str, kind: str) -> _Draft:
    case = o.case(lambda c: kind in c.partners and bool(c.of("victim", "child")))
    org = c_org = case.partners[kind].org
    if org_key == "school" and case.school is not None:
        org = case.school
    name = o.new_name()
    local = (
        _local(name) if org.kind != "school" else f"{_local(name)[0]}.{_local(name).split('.')[-1]}"
    )
    address = o.unused_address(f"{local}@{org.domain}")
    role = {
        "council": "Social Worker",
        "school": "Designated Safeguarding Lead",
        "cps": "Crown Prosecutor",
    }[kind]
    newcomer = Contact(name, address, c_org, role, _title(name, o.rng))
    return _Draft(
        f"{name}, newly allocated {role} at {org.name}, gets {case.ref} for the first "
        "time: a new address at the case's own partner.",
        case.officer,
        (newcomer,),
        {address: True},
        f"{case.ref} - handover",
        o.paragraphs(case, kind),
        f"Dear {name.split()[0]},",
    )


def _first_new_social_worker(o: _Out) -> _Draft:
    return _first_new_partner(o, "council", "council")


def _first_new_dsl(o: _Out) -> _Draft:
    return _first_new_partner(o, "school", "school")


def _first_new_cps(o: _Out) -> _Draft:
    return _first_new_partner(o, "cps", "cps")


def _first_new_victim(o: _Out) -> _Draft:
    """A report made by phone today: the officer's first e-mail to the victim."""
    rng = o.rng
    name = o.new_name()
    victim = _public(o.world.names, rng, "victim", name)
    assert victim.contact is not None
    if victim.contact.address in o.taken:
        raise _NoMaterial("address exists")
    officer = rng.choice([s for s in o.world.staff if s.role])
    ref = f"{REF_PREFIX}/25/{rng.randint(1, 9999):04d}"
    case = Case(
        ref,
        "vehicle",
        CASE_KINDS["vehicle"][0],
        PRESENT,
        officer,
        officer,
        f"{rng.choice(STREETS)}, {TOWN}",
        [victim],
        vehicle=_vehicle(rng),
        make=rng.choice(MAKES),
    )
    return _Draft(
        f"{name} reported damage to their car by phone; the officer's first e-mail "
        f"to the address they gave, about their own case {ref}.",
        officer,
        (victim.contact,),
        {victim.contact.address: True},
        f"Your report - crime reference {ref}",
        o.paragraphs(case, "public_vehicle"),
        f"Dear {victim.title} {victim.surname},",
    )


# -- greeting mismatch --


def _greeting_wrong_public(o: _Out) -> _Draft:
    case, _, person = o.public_thread()
    assert person.contact is not None
    others = [
        c
        for c in o.world.contacts.values()
        if c.org.kind == "public"
        and c.first != person.first
        and c.surname != person.surname
        and case not in o.cases_of(c)
    ]
    wrong = o.rng.choice(others)
    paragraphs = [
        f"Thank you for agreeing to come in to give your statement. I have booked the "
        f"interview room at Westbury police station for {_date_text(o.rng, PRESENT)} at "
        "2pm; please bring some photo ID."
    ]
    if o.rng.random() < 0.5:
        paragraphs.append(f"The reference is {case.ref}.")
    return _Draft(
        f"A statement appointment meant for {person.title} {person.surname} "
        f"({case.ref}) went to {wrong.name}, known from another case.",
        case.officer,
        (wrong,),
        {wrong.address: False},
        "Statement appointment",
        paragraphs,
        f"Dear {person.title} {person.surname},",
    )


def _greeting_wrong_partner(o: _Out) -> _Draft:
    case, thread = o.partner_thread(("school", "council", "cps", "health", "charity"))
    intended = thread.others[0]
    others = [
        c
        for c in o.world.contacts.values()
        if c.role
        and not c.internal
        and c.org.kind not in ("public",)
        and c.first != intended.first
        and case not in o.cases_of(c)
    ]
    wrong = o.rng.choice(others)
    return _Draft(
        f"A meeting note on {case.ref} for {intended.name} went to {wrong.name} "
        f"({wrong.org.name}), greeted as {intended.first}.",
        case.officer,
        (wrong,),
        {wrong.address: False},
        f"{case.ref} - meeting",
        [
            f"Just confirming our meeting on {_date_text(o.rng, PRESENT)} at 10:00 about "
            f"{case.ref}. I will bring the chronology."
        ],
        f"Hi {intended.first},",
    )


def _greeting_right_title(o: _Out) -> _Draft:
    case, _, person = o.public_thread()
    assert person.contact is not None
    return _Draft(
        f"{person.title} {person.surname} greeted by name, about {case.ref}.",
        case.officer,
        (person.contact,),
        {person.contact.address: True},
        f"Your report - {case.ref}",
        o.paragraphs(case, public_audience(case, person), 1),
        f"Dear {person.title} {person.surname},",
    )


def _greeting_nickname(o: _Out) -> _Draft:
    pool = [
        c
        for c in o.world.contacts.values()
        if c.first in NICKNAMES and c.role and not c.internal and o.cases_of(c)
    ]
    if not pool:
        raise _NoMaterial("no nickname")
    contact = o.rng.choice(pool)
    case = o.rng.choice(o.cases_of(contact))
    return _Draft(
        f"{contact.name} greeted as {NICKNAMES[contact.first]}, about {case.ref}.",
        case.officer if contact is not case.officer else case.colleague,
        (contact,),
        {contact.address: True},
        f"{case.ref}",
        o.paragraphs(case, o.audience_of(contact, case), 1),
        f"Hi {NICKNAMES[contact.first]},",
    )


def _greeting_couple(o: _Out) -> _Draft:
    case = o.case(lambda c: len([p for p in c.of("victim") if p.contact]) >= 2)
    one = o.rng.choice([p for p in case.of("victim") if p.contact])
    assert one.contact is not None
    return _Draft(
        f"Mr and Mrs {one.surname}, both victims in {case.ref}, greeted together in a "
        f"message to {one.name}.",
        case.officer,
        (one.contact,),
        {one.contact.address: True},
        f"Your report - {case.ref}",
        o.paragraphs(case, "public_victim", 1),
        f"Dear Mr and Mrs {one.surname},",
    )


def _greeting_shared_mailbox(o: _Out) -> _Draft:
    case = o.case(lambda c: "school" in c.partners and c.school is not None)
    assert case.school is not None
    dsl = case.partners["school"]
    mailbox = next(
        c for c in o.world.by_org[case.school.key] if c.address.startswith("safeguarding@")
    )
    return _Draft(
        f"{dsl.title} {dsl.surname}, who works at {case.school.name}, greeted in a message "
        "to the school's safeguarding mailbox.",
        case.officer,
        (mailbox,),
        {mailbox.address: True},
        f"{case.ref}",
        o.paragraphs(case, "school", 1),
        f"Dear {dsl.title} {dsl.surname},",
    )


def _greeting_generic(o: _Out) -> _Draft:
    case, thread = o.partner_thread()
    partner = thread.others[0]
    return _Draft(
        f"{partner.name} greeted without a name, about {case.ref}.",
        case.officer,
        (partner,),
        {partner.address: True},
        f"{case.ref}",
        o.paragraphs(case, o.audience_of(partner, case), 1),
        o.rng.choice(("Dear Sir or Madam,", "Good afternoon,", "Hello,")),
    )


# -- exposed recipients --


def _victims(o: _Out, kinds: Sequence[str], count: int) -> list[Contact]:
    victims = [
        p.contact for c in o.world.cases if c.kind in kinds for p in c.of("victim") if p.contact
    ]
    seen: dict[str, Contact] = {v.address: v for v in victims}
    pool = sorted(seen.values(), key=lambda c: c.address)
    if len(pool) < count:
        raise _NoMaterial("too few victims")
    chosen: list[Contact] = []
    for contact in o.rng.sample(pool, len(pool)):  # one per case
        if not any(set(o.cases_of(contact)) & set(o.cases_of(c)) for c in chosen):
            chosen.append(contact)
        if len(chosen) == count:
            break
    return chosen


MAILING = [
    "You are receiving this because you reported a burglary or theft in Westbury this year.",
    "We have arrested a man in connection with a series of burglaries in the area, and "
    "officers will be in touch with each of you individually about your own report.",
    "Victim Care Northshire can offer support; call them on 0300 303 0157.",
]


def _exposed_victims_to(o: _Out) -> _Draft:
    victims = _victims(o, ("burglary", "vehicle"), o.rng.randint(3, 6))
    npt = next(c for c in o.world.staff if c.address.startswith("westbury.npt@"))
    cc = o.rng.random() < 0.3
    return _Draft(
        f"An update for {len(victims)} victims of different burglaries and thefts, "
        "with every address in " + ("Cc" if cc else "To") + " instead of Bcc.",
        npt,
        (npt,) if cc else tuple(victims),
        {npt.address: True, **{v.address: False for v in victims}},
        "Burglaries in Westbury - update for victims",
        MAILING,
        "Dear all,",
        cc=tuple(victims) if cc else (),
    )


def _exposed_parents(o: _Out) -> _Draft:
    parents: list[Contact] = []
    want = o.rng.randint(3, 5)
    for case in o.rng.sample(o.world.cases, len(o.world.cases)):
        if case.kind == "school":
            parents += [p.contact for p in case.of("parent")[:1] if p.contact]
        if len(parents) == want:
            break
    if len(parents) < 3:
        raise _NoMaterial("too few parents")
    officer = o.rng.choice([s for s in o.world.staff if s.role])
    return _Draft(
        f"An invitation for {len(parents)} parents of children in different "
        "incidents at school, all in To instead of Bcc.",
        officer,
        tuple(parents),
        {p.address: False for p in parents},
        "Support sessions for families affected by racist incidents",
        [
            "Following the incidents this term, we are holding a support session for "
            "families on Tuesday evening at Westbury Community Centre.",
            "Your child's school and Victim Care Northshire will be there.",
        ],
        "Dear parents,",
    )


def _exposed_victims_bcc(o: _Out) -> _Draft:
    victims = _victims(o, ("burglary", "vehicle"), o.rng.randint(4, 8))
    npt = next(c for c in o.world.staff if c.address.startswith("westbury.npt@"))
    return _Draft(
        f"The same update for {len(victims)} victims, correctly in Bcc.",
        npt,
        (npt,),
        {npt.address: True, **{v.address: True for v in victims}},
        "Burglaries in Westbury - update for victims",
        MAILING,
        "Dear all,",
        bcc=tuple(victims),
    )


def _exposed_strategy(o: _Out) -> _Draft:
    case = o.case(
        lambda c: (
            len([k for k in c.partners if k in ("school", "council", "charity", "health", "gp")])
            >= 2
        )
    )
    partners = tuple(
        v for k, v in case.partners.items() if k in ("school", "council", "charity", "health", "gp")
    )
    return _Draft(
        f"A strategy meeting on {case.ref} with its {len(partners)} partner agencies in "
        "To: professionals who work the case together.",
        case.officer,
        partners,
        {p.address: True for p in partners},
        f"Strategy discussion - {case.ref}",
        o.paragraphs(case, "council", 2),
        "Dear all,",
    )


def _exposed_couple(o: _Out) -> _Draft:
    case = o.case(lambda c: len([p for p in c.of("victim") if p.contact]) >= 2)
    people = tuple(p.contact for p in case.of("victim") if p.contact)
    return _Draft(
        f"Both victims of {case.ref}, a couple, in To.",
        case.officer,
        people,
        {p.address: True for p in people},  # type: ignore[union-attr]
        f"Your report - {case.ref}",
        o.paragraphs(case, "public_victim", 1),
        f"Dear Mr and Mrs {case.of('victim')[0].surname},",
    )


def _exposed_partnership(o: _Out) -> _Draft:
    partners = [c for c in o.world.partners if c.role and c.address in o.known]
    chosen = tuple(o.rng.sample(partners, o.rng.randint(4, 6)))
    officer = o.rng.choice([s for s in o.world.staff if s.role])
    return _Draft(
        f"A partnership meeting invitation to {len(chosen)} partner professionals in To.",
        officer,
        chosen,
        {c.address: True for c in chosen},
        "Safeguarding partnership meeting - agenda",
        [
            "The next meeting is on the first Tuesday of the month at 10:00 in the council "
            "chamber. The agenda is below; please send any items by Friday."
        ],
        "Dear all,",
    )


# -- bulk personal data --


def _export_rows(o: _Out, count: int) -> list[list[str]]:
    rows = [["Name", "Date of birth", "Address", "Postcode", "Role", "Reference"]]
    people = [
        (c, p)
        for c in o.world.cases
        for p in c.people
        if p.role in ("victim", "witness", "suspect")
    ]
    for case, person in o.rng.sample(people, min(count, len(people))):
        rows.append(
            [
                person.name,
                person.dob,
                f"{o.rng.randint(1, 180)} {case.street}",
                postcode(o.rng, "LS"),
                person.role.title(),
                case.ref,
            ]
        )
    return rows


def _bulk_export_partner(o: _Out) -> _Draft:
    case, thread = o.partner_thread(("council", "school", "charity", "health"))
    partner = thread.others[0]
    rows = _export_rows(o, o.rng.randint(18, 40))
    doc = Document("Crime_export_Westbury.xlsx", *XLSX, _xlsx(o.world.templates, rows))
    return _Draft(
        f"{partner.name} asked about one family in {case.ref}; the officer attached "
        f"the whole export of {len(rows) - 1} people from many cases.",
        thread.staff,
        (partner,),
        {partner.address: False},
        "RE: " + thread.subject,
        ["As requested, the details are in the attached spreadsheet."],
        o.greet(partner),
        documents=(doc,),
        thread=thread,
    )


def _bulk_export_public(o: _Out) -> _Draft:
    case, thread, person = o.public_thread()
    assert person.contact is not None
    rows = _export_rows(o, o.rng.randint(15, 30))
    doc = Document("victims_list.csv", "text", "csv", _csv(rows))
    return _Draft(
        f"{person.name} asked for a copy of their crime report ({case.ref}) and was "
        f"sent a CSV of {len(rows) - 1} people from other cases.",
        thread.staff,
        (person.contact,),
        {person.contact.address: False},
        "RE: " + thread.subject,
        ["Please find attached as requested."],
        o.greet(person.contact),
        documents=(doc,),
        thread=thread,
    )


def _bulk_analyst(o: _Out) -> _Draft:
    rows = _export_rows(o, o.rng.randint(18, 40))
    doc = Document("Crime_export_Westbury.xlsx", *XLSX, _xlsx(o.world.templates, rows))
    officer, analyst = o.rng.sample([s for s in o.world.staff if s.role], 2)
    return _Draft(
        f"The same export of {len(rows) - 1} people to {analyst.name}, a colleague "
        "doing the problem profile.",
        officer,
        (analyst,),
        {analyst.address: True},
        "Westbury burglary problem profile",
        ["Here is the export for the problem profile."],
        o.greet(analyst),
        documents=(doc,),
    )


def _bulk_witness_list(o: _Out) -> _Draft:
    case = o.case(lambda c: "cps" in c.partners and len(c.of("victim", "witness", "suspect")) >= 2)
    lawyer = case.partners["cps"]
    return _Draft(
        f"The witness list of {case.ref} to its CPS lawyer.",
        case.officer,
        (lawyer,),
        {lawyer.address: True},
        f"{case.ref} - witness list",
        o.paragraphs(case, "cps", 1),
        o.greet(lawyer),
        documents=(witness_list(case),),
    )


def _bulk_stats(o: _Out) -> _Draft:
    rows = [["Ward", "Burglary", "Vehicle crime", "Assault", "Criminal damage", "Quarter"]]
    for ward in (
        "Westbury Central",
        "Moorside",
        "Greenbank",
        "Hillcrest",
        "Kingsway",
        "Ashfield",
        "Oakfield",
        "St Anne's",
    ):
        rows.append([ward, *(str(o.rng.randint(0, 60)) for _ in range(4)), "Q3 2025"])
    doc = Document("Ward_crime_figures_Q3.xlsx", *XLSX, _xlsx(o.world.templates, rows))
    partner = o.rng.choice(
        [c for c in o.world.by_org["council"] if c.role and c.address in o.known]
    )
    officer = o.rng.choice([s for s in o.world.staff if s.role])
    return _Draft(
        f"Crime figures by ward (no people) to {partner.name} at the council.",
        officer,
        (partner,),
        {partner.address: True},
        "Ward crime figures Q3",
        ["The figures for the community safety partnership are attached."],
        o.greet(partner),
        documents=(doc,),
    )


def _bulk_mash_list(o: _Out) -> _Draft:
    mash_police = next(c for c in o.world.staff if c.address.startswith("mash@"))
    mash_council = next(c for c in o.world.by_org["council"] if c.address.startswith("mash@"))
    doc = mash_list(o.world, PRESENT, o.rng, o.rng.randint(8, 18))
    return _Draft(
        "Today's MASH daily list to the council's MASH, as twice every week.",
        mash_police,
        (mash_council,),
        {mash_council.address: True},
        f"MASH daily list {PRESENT:%d/%m/%Y}",
        [
            "Please find attached today's list of police notifications for children, for "
            "screening by the MASH."
        ],
        "Good morning,",
        documents=(doc,),
    )


# -- protective marking --

OS = "OFFICIAL-SENSITIVE"


def _marking_public(o: _Out) -> _Draft:
    case, _, person = o.public_thread(lambda c: bool(c.of("suspect")))
    assert person.contact is not None
    return _Draft(
        f"An {OS} briefing on {case.ref} sent to {person.name}'s webmail, which is not "
        "cleared for it.",
        case.officer,
        (person.contact,),
        {person.contact.address: False},
        f"{OS}: {case.ref} briefing",
        o.paragraphs(case, "internal", 2),
        o.greet(person.contact),
        marking=OS,
    )


def _marking_school(o: _Out) -> _Draft:
    case = o.case(lambda c: "school" in c.partners)
    dsl = case.partners["school"]
    return _Draft(
        f"{OS} strategy notes on {case.ref} sent to the school, which is not cleared for them.",
        case.officer,
        (dsl,),
        {dsl.address: False},
        f"{OS}: strategy notes {case.ref}",
        o.paragraphs(case, "council", 2),
        o.greet(dsl),
        marking=OS,
    )


def _marking_defence(o: _Out) -> _Draft:
    case = o.case(lambda c: "defence" in c.partners and bool(c.of("suspect")))
    solicitor = case.partners["defence"]
    return _Draft(
        f"{OS} intelligence on {case.ref} sent to the defence solicitor, who is not "
        "cleared for it.",
        case.officer,
        (solicitor,),
        {solicitor.address: False},
        f"{OS}: intelligence {case.ref}",
        o.paragraphs(case, "internal", 2),
        o.greet(solicitor),
        marking=OS,
    )


def _marking_cleared(o: _Out) -> _Draft:
    case = o.case(lambda c: any(k in c.partners for k in ("council", "cps", "health")))
    kind = o.rng.choice([k for k in ("council", "cps", "health") if k in case.partners])
    partner = case.partners[kind]
    return _Draft(
        f"{OS} notes on {case.ref} to {partner.name} at {partner.org.name}, cleared for {OS}.",
        case.officer,
        (partner,),
        {partner.address: True},
        f"{OS}: {case.ref}",
        o.paragraphs(case, o.audience_of(partner, case), 2),
        o.greet(partner),
        marking=OS,
    )


def _marking_internal(o: _Out) -> _Draft:
    case = o.case(lambda c: bool(c.of("victim", "child")))
    return _Draft(
        f"{OS} notes on {case.ref} to the colleague on the case.",
        case.officer,
        (case.colleague,),
        {case.colleague.address: True},
        f"{OS}: {case.ref}",
        o.paragraphs(case, "internal", 2),
        o.greet(case.colleague),
        marking=OS,
    )


def _marking_official_public(o: _Out) -> _Draft:
    case, _, person = o.public_thread()
    assert person.contact is not None
    return _Draft(
        f"An OFFICIAL update to {person.name} on their own case {case.ref}.",
        case.officer,
        (person.contact,),
        {person.contact.address: True},
        f"OFFICIAL: Your report - {case.ref}",
        o.paragraphs(case, public_audience(case, person), 2),
        o.greet(person.contact),
        marking="OFFICIAL",
    )


# -- routine --


def _routine_reply_public(o: _Out) -> _Draft:
    case, thread, person = o.public_thread()
    assert person.contact is not None
    return _Draft(
        f"A reply to {person.name} in their thread on {case.ref}.",
        thread.staff,
        (person.contact,),
        {person.contact.address: True},
        "RE: " + thread.subject,
        o.paragraphs(case, public_audience(case, person)),
        o.greet(person.contact),
        thread=thread,
    )


def _routine_reply_partner(o: _Out) -> _Draft:
    case, thread = o.partner_thread()
    partner = thread.others[0]
    return _Draft(
        f"A reply to {partner.name} in their thread on {case.ref}.",
        thread.staff,
        (partner,),
        {partner.address: True},
        "RE: " + thread.subject,
        o.paragraphs(case, o.audience_of(partner, case)),
        o.greet(partner),
        thread=thread,
    )


def _routine_internal(o: _Out) -> _Draft:
    case = o.case(lambda c: bool(c.of("victim", "child")))
    return _Draft(
        f"A handover note on {case.ref} to the colleague on it.",
        case.officer,
        (case.colleague,),
        {case.colleague.address: True},
        f"{case.ref} handover",
        o.paragraphs(case, "internal"),
        o.greet(case.colleague),
    )


def _routine_admin(o: _Out) -> _Draft:
    partner = o.rng.choice([c for c in o.world.partners if c.role and c.address in o.known])
    officer = o.rng.choice([s for s in o.world.staff if s.role])
    return _Draft(
        f"Meeting arrangements with {partner.name}, no case.",
        officer,
        (partner,),
        {partner.address: True},
        "Operation Encompass - termly briefing",
        ["The termly briefing is on Wednesday at 15:30 on Teams; the link will follow."],
        o.greet(partner),
    )


def _routine_cps_file(o: _Out) -> _Draft:
    case = o.case(lambda c: "cps" in c.partners and bool(c.of("suspect")))
    lawyer = case.partners["cps"]
    return _Draft(
        f"The file on {case.ref} to its CPS lawyer.",
        case.officer,
        (lawyer,),
        {lawyer.address: True},
        f"{case.ref} - file",
        o.paragraphs(case, "cps", 2),
        o.greet(lawyer),
    )


Builder = Callable[[_Out], _Draft]
SCENARIOS: dict[str, tuple[tuple[str, bool, Builder], ...]] = {
    # kind: ((variant, has a misdirected recipient, builder), ...)
    "unrelated_recipient": (
        ("wrong partner (autocomplete)", True, _unrelated_wrong_partner),
        ("wrong member of the public", True, _unrelated_wrong_public),
        ("wrong partner in Cc", True, _unrelated_cc_wrong),
        ("another defendant's solicitor", True, _unrelated_wrong_defence),
        ("partner's own case", False, _unrelated_partner_own_case),
        ("defence solicitor's own client", False, _unrelated_defence_own_client),
        ("colleague on the case", False, _unrelated_colleague_on_case),
        ("colleague not on the case", False, _unrelated_colleague_not_on_case),
        ("right school's team mailbox", False, _unrelated_right_school_mailbox),
        ("victim's own case", False, _unrelated_victim_own_case),
    ),
    "wrong_thread": (
        ("seed case: school update in a car owner's thread", True, _thread_seed_case),
        ("another school's case in a school's thread", True, _thread_partner_other_school),
        ("another victim's case in a victim's thread", True, _thread_public_other_victim),
        ("car owner's own case in his thread", False, _thread_own_car_case),
        ("right school in its thread", False, _thread_right_school),
        ("partner's other case in its thread", False, _thread_same_partner_other_case),
        ("thread forwarded to the colleague on it", False, _thread_forward_colleague),
    ),
    "wrong_attachment": (
        ("another school's incident report", True, _attach_wrong_report),
        ("another case's MG11 to the CPS", True, _attach_wrong_mg11),
        ("another victim's letter", True, _attach_wrong_letter),
        ("the case's own report", False, _attach_right_report),
        ("the case's own MG11", False, _attach_right_mg11),
        ("a document re-sent in its thread", False, _attach_resend),
        ("the victim's own letter", False, _attach_own_letter),
    ),
    "lookalike_address": (
        ("typo in a partner's address", True, _lookalike_typo),
        ("colleague's webmail twin", True, _lookalike_gmail_twin),
        ("swapped domain", True, _lookalike_swapped_domain),
        ("member of the public's address misremembered", True, _lookalike_public_twin),
        ("one of two known near-identical addresses", False, _lookalike_close_pair),
        ("member of the public sharing a colleague's name", False, _lookalike_namesake),
        ("partner's address typed right", False, _lookalike_right_partner),
    ),
    "first_time_external": (
        ("stranger's webmail", True, _first_stranger_webmail),
        ("a business never written to", True, _first_stranger_business),
        ("newly allocated social worker", False, _first_new_social_worker),
        ("new safeguarding lead at the case's school", False, _first_new_dsl),
        ("newly allocated CPS lawyer", False, _first_new_cps),
        ("first e-mail to a new victim about his own case", False, _first_new_victim),
    ),
    "greeting_mismatch": (
        ("another member of the public's greeting", True, _greeting_wrong_public),
        ("another partner's first name", True, _greeting_wrong_partner),
        ("title and surname, right person", False, _greeting_right_title),
        ("nickname", False, _greeting_nickname),
        ("Mr and Mrs to one of the couple", False, _greeting_couple),
        ("safeguarding lead via the school mailbox", False, _greeting_shared_mailbox),
        ("no name", False, _greeting_generic),
    ),
    "exposed_recipients": (
        ("victims of different crimes in To/Cc", True, _exposed_victims_to),
        ("parents of different children in To", True, _exposed_parents),
        ("victims in Bcc", False, _exposed_victims_bcc),
        ("case's partner agencies in To", False, _exposed_strategy),
        ("a couple, both victims, in To", False, _exposed_couple),
        ("partnership meeting in To", False, _exposed_partnership),
    ),
    "bulk_personal_data": (
        ("whole export to a partner", True, _bulk_export_partner),
        ("victims' list to a member of the public", True, _bulk_export_public),
        ("export to an internal analyst", False, _bulk_analyst),
        ("case's witness list to its CPS lawyer", False, _bulk_witness_list),
        ("figures without people", False, _bulk_stats),
        ("MASH daily list to the council's MASH", False, _bulk_mash_list),
    ),
    "protective_marking": (
        (f"{OS} to a member of the public", True, _marking_public),
        (f"{OS} to a school", True, _marking_school),
        (f"{OS} to a defence solicitor", True, _marking_defence),
        (f"{OS} to a cleared partner", False, _marking_cleared),
        (f"{OS} to a colleague", False, _marking_internal),
        ("OFFICIAL to a member of the public", False, _marking_official_public),
    ),
    "routine": (
        ("reply to a member of the public", False, _routine_reply_public),
        ("reply to a partner", False, _routine_reply_partner),
        ("note to the colleague on the case", False, _routine_internal),
        ("meeting arrangements with a partner", False, _routine_admin),
        ("file to the CPS", False, _routine_cps_file),
    ),
}


def outgoing(world: World, count: int = 400, seed: int = 1) -> list[Outgoing]:
    """`count` labelled messages: an equal share for each kind, its variants in turn."""
    rng = random.Random(f"outgoing:{world.seed}:{seed}:{count}")
    per_kind = {kind: count // len(KINDS) for kind in KINDS}
    for kind in KINDS[: count % len(KINDS)]:
        per_kind[kind] += 1
    plan = [(kind, variant) for kind in KINDS for variant in range(per_kind[kind])]
    rng.shuffle(plan)
    out = []
    for index, (kind, turn) in enumerate(plan):
        variants = SCENARIOS[kind]
        name, _, builder = variants[turn % len(variants)]
        for _attempt in range(50):
            local = random.Random(rng.getrandbits(64))
            try:
                draft = builder(_Out(world, local))
            except _NoMaterial:
                continue
            out.append(_finish(index, kind, name, draft, local))
            break
        else:
            raise RuntimeError(f"cannot build {kind}: {name} from this world")
    return out


def _finish(index: int, kind: str, variant: str, draft: _Draft, rng: random.Random) -> Outgoing:
    when = PRESENT + timedelta(minutes=rng.randint(0, 14 * 24 * 60))
    quoted = None
    ids: list[str] = []
    thread = draft.thread
    if thread is not None:
        ids = list(thread.message_ids)
        if (
            thread.last_sender is not None
            and thread.last_date is not None
            and (draft.forward or rng.random() < 0.6)
        ):
            quoted = (thread.last_sender, thread.last_date, thread.last_text)
    text = body_text(draft.sender, draft.greeting, draft.paragraphs, rng, quoted, draft.marking)
    raw = compose(
        draft.sender,
        Addressed(draft.to, draft.cc, draft.bcc),
        draft.subject,
        text,
        when,
        message_id(rng, draft.sender),
        rng,
        ids,
        draft.documents,
    )
    labels = []
    for group, name in ((draft.to, "to"), (draft.cc, "cc"), (draft.bcc, "bcc")):
        for contact in group:
            labels.append(Label(contact.address, name, draft.right[contact.address]))
    return Outgoing(index, kind, variant, draft.story, raw, tuple(labels))


__all__ = [
    "CLEARED_DOMAINS",
    "DOMAIN",
    "FORCE",
    "KINDS",
    "PARTNER_DOMAINS",
    "RULE_KINDS",
    "SCENARIOS",
    "Case",
    "Contact",
    "Document",
    "Label",
    "Outgoing",
    "Person",
    "Thread",
    "World",
    "build",
    "outgoing",
]
