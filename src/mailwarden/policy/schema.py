"""The policy file: which action each rule's hit gets, per recipient class, and what the
rules judge by.

    [actions.wrong_thread]            # one table per rule (names from DEFAULT_RULES)
    internal = "confirm"              # the organisation's own domains
    partner = "hold"                  # a domain or address under [partners]
    known = "hold"                    # an external address the store knows
    new = "hold"                      # an external address never seen
    [actions]
    too_large = "hold"                # a plain line: one action for every class

    [thresholds]
    bulk_people = 10                  # how many people's details make "bulk"
    [partners."greenfield.sch.uk"]    # a partner's domain (sub-domains included) or address
    cleared = "OFFICIAL-SENSITIVE"    # the highest protective marking it may receive
    [markings]
    default_clearance = "OFFICIAL"    # everyone else outside
    [markings.cleared]                # addresses and domains cleared that are not partners
    "press.office@example.police.uk" = "OFFICIAL"

    [[allow]]                         # downgrade to deliver until the date
    domain = "school.example.org"     # or address = "a@b.example"
    rule = "wrong_thread"             # optional: every rule when absent
    expires = 2026-12-31

    [notices]
    held = "Your message to {recipient} is held: {reasons}"

A rule absent from `[actions]` keeps its own severity; a threshold, partner list or
clearance absent keeps the config's (deprecated) value (`policy/settings.py`). TOML
parsers give no line numbers, so `line_of()` finds the line of a key by reading the
text itself; every error reads "FILE:LINE: key: problem".
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    ValidationError,
    field_validator,
    model_validator,
)

from mailwarden.config import Marking, PositiveInt
from mailwarden.rules import DEFAULT_RULES, ReasonKind, Verdict

EXTRA_KEYS = tuple(kind.value for kind in ReasonKind)
"""Lines beyond the rules' own names, for a reason with a `kind`: what `unscannable_content`
asks for when the message was unreadable, too large or too slow."""
NOTICE_FIELDS = frozenset({"recipient", "sender", "subject", "reasons", "link", "verdict"})
DEFAULT_POLICY_NAME = "default_policy.toml"


class RecipientClass(StrEnum):
    """Who a recipient is to the organisation, from nearest to farthest."""

    INTERNAL = "internal"
    PARTNER = "partner"
    KNOWN = "known"
    NEW = "new"


class PolicyError(Exception):
    """A policy file that cannot be used; the message is "FILE:LINE: key: problem"."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ActionRow(_Strict):
    """The action for one rule per recipient class; a class left out keeps the rule's severity."""

    internal: Verdict | None = None
    partner: Verdict | None = None
    known: Verdict | None = None
    new: Verdict | None = None

    def for_class(self, cls: RecipientClass) -> Verdict | None:
        value: Verdict | None = getattr(self, cls.value)
        return value


class AllowEntry(_Strict):
    """Deliver despite a rule (or all rules) to an address or domain, until `expires`."""

    address: str | None = None
    domain: str | None = None
    rule: str | None = None
    expires: date

    @field_validator("address", "domain")
    @classmethod
    def _lower(cls, value: str | None) -> str | None:
        return value.strip().lower() if value is not None else None

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, value: str | None) -> str | None:
        if value is not None and value not in rule_names():
            raise ValueError(f"unknown rule {value!r}")
        return value

    @model_validator(mode="after")
    def _one_target(self) -> AllowEntry:
        if (self.address is None) == (self.domain is None):
            raise ValueError("give exactly one of address or domain")
        return self

    def matches(self, address: str, rule: str, today: date) -> bool:
        if today > self.expires or (self.rule is not None and self.rule != rule):
            return False
        address = address.lower()
        if self.address is not None:
            return address == self.address
        domain = address.rpartition("@")[2]
        assert self.domain is not None
        return domain == self.domain or domain.endswith("." + self.domain)


class Notices(_Strict):
    """The wording of the sender's notice; {placeholders} from NOTICE_FIELDS."""

    held: str = "Your message to {recipient} is held: {reasons} Confirm or correct it here: {link}"
    confirm: str = "Please confirm your message to {recipient}: {reasons} Confirm here: {link}"
    refused: str = "Your message to {recipient} was not sent: {reasons}"

    @field_validator("held", "confirm", "refused")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
        except ValueError as exc:
            raise ValueError(f"bad template: {exc}") from exc
        unknown = sorted(fields - NOTICE_FIELDS)
        if unknown:
            allowed = ", ".join(sorted(NOTICE_FIELDS))
            raise ValueError(f"unknown placeholder {{{unknown[0]}}} (allowed: {allowed})")
        return value


_DOMAIN = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+")


def target(value: str) -> str:
    """A partner or clearance entry: a mail domain or one address, lower-case, no "@"."""
    cleaned = value.strip().lower().lstrip("@")
    local, at, domain = cleaned.rpartition("@")
    if not _DOMAIN.fullmatch(domain) or (at and not re.fullmatch(r"[^@\s]+", local)):
        raise ValueError(f"{value!r} is not a mail domain or address")
    return cleaned


Target = Annotated[str, AfterValidator(target)]


class Thresholds(_Strict):
    """How much makes a rule fire; a key left out keeps the config's value or the default."""

    bulk_people: PositiveInt | None = None
    exposed_min_external: PositiveInt | None = None
    lookalike_max_distance: PositiveInt | None = None


class Partner(_Strict):
    """A partner organisation's domain, or one address: the `partner` class, and its clearance
    (none: `[markings] default_clearance`)."""

    cleared: Marking | None = None


class Markings(_Strict):
    """Clearances for the protective markings; a key left out keeps the config's value."""

    internal_clearance: Marking | None = None
    default_clearance: Marking | None = None
    cleared: dict[Target, Marking] | None = None
    """Addresses and domains with a clearance of their own that are not partners."""


class PolicyModel(_Strict):
    actions: dict[str, ActionRow | Verdict] = {}
    allow: list[AllowEntry] = []
    notices: Notices = Notices()
    thresholds: Thresholds = Thresholds()
    partners: dict[Target, Partner] | None = None
    """None when the file has no [partners]: the config's partner_domains apply."""
    markings: Markings = Markings()

    @field_validator("actions", mode="before")
    @classmethod
    def _known_names(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for name in value:
                if name not in rule_names() and name not in EXTRA_KEYS:
                    raise ValueError(f"unknown rule {name!r}")
        return value


@dataclass(frozen=True)
class Policy:
    """A validated policy and the text it came from (for the line that decided)."""

    model: PolicyModel
    origin: str
    text: str

    @property
    def name(self) -> str:
        return Path(self.origin).name

    def action(self, key: str, cls: RecipientClass) -> tuple[Verdict, str] | None:
        """The action the file gives `key` (a rule or extra line) for `cls`, and its line."""
        row = self.model.actions.get(key)
        if row is None:
            return None
        if isinstance(row, Verdict):
            line = line_of(self.text, ("actions", key))
            return row, f'{self.name}:{line} [actions] {key} = "{row.value}"'
        verdict = row.for_class(cls)
        if verdict is None:
            return None
        line = line_of(self.text, ("actions", key, cls.value))
        return verdict, f'{self.name}:{line} [actions.{key}] {cls.value} = "{verdict.value}"'

    def allowed(self, address: str, rule: str, today: date) -> str | None:
        """The allow-list line that lets `rule` pass for `address` today, or None."""
        for index, entry in enumerate(self.model.allow):
            if entry.matches(address, rule, today):
                target = entry.address or entry.domain
                line = line_of(self.text, ("allow", index))
                return f"{self.name}:{line} [[allow]] {target} until {entry.expires.isoformat()}"
        return None


@cache
def rule_names() -> frozenset[str]:
    return frozenset(rule.name for rule in DEFAULT_RULES)


def parse_policy(text: str, origin: str = "policy") -> Policy:
    """Validate policy text; a PolicyError names the file, line and key."""
    name = Path(origin).name if origin else "policy"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise PolicyError(
            f"{name}:{match.group(1) if match else 1}: not valid TOML: {exc}"
        ) from exc
    actions = data.get("actions")
    for rule in actions if isinstance(actions, dict) else ():
        if rule not in rule_names() and rule not in EXTRA_KEYS:
            line = line_of(text, ("actions", rule))
            raise PolicyError(f"{name}:{line}: actions.{rule}: unknown rule {rule!r}")
    _listed_once(data, text, name)
    try:
        model = PolicyModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        loc = tuple(p for p in loc if p not in ("ActionRow", "Verdict") and "[" not in str(p))
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown setting"
        raise PolicyError(f"{name}:{line_of(text, loc)}: {dotted(loc)}: {message}") from exc
    return Policy(model, origin, text)


_TARGET_TABLES = (("partners",), ("markings", "cleared"))


def _listed_once(data: dict[str, Any], text: str, name: str) -> None:
    """Each domain or address is listed once, under [partners] or [markings.cleared]: two
    entries for one would leave its clearance to the order of the file."""
    seen: dict[str, str] = {}
    for path in _TARGET_TABLES:
        table: Any = data
        for part in path:
            table = table.get(part) if isinstance(table, dict) else None
        for raw in table if isinstance(table, dict) else ():
            try:
                key = target(raw)
            except ValueError:
                continue  # the model names the bad entry
            if key in seen:
                loc = (*path, raw)
                raise PolicyError(
                    f"{name}:{line_of(text, loc)}: {dotted(loc)}: already listed under "
                    f"[{seen[key]}]"
                )
            seen[key] = ".".join(path)


def dotted(loc: tuple[str | int, ...]) -> str:
    """A key as written in TOML: `partners."greenfield.sch.uk".cleared`, `allow.0.expires`."""
    parts = [str(p) if re.fullmatch(r"[A-Za-z0-9_-]+", str(p)) else f'"{p}"' for p in loc]
    return ".".join(parts) or "(file)"


def load_policy(path: Path) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PolicyError(f"{path}: policy file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read policy file: {exc}") from exc
    return parse_policy(text, str(path))


@cache
def default_policy() -> Policy:
    """The shipped policy, used when no file is given."""
    text = resources.files("mailwarden.policy").joinpath(DEFAULT_POLICY_NAME).read_text("utf-8")
    return parse_policy(text, DEFAULT_POLICY_NAME)


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_PART = re.compile(r"\"[^\"]*\"|'[^']*'|[^.\"'\s]+")


def line_of(text: str, loc: tuple[str | int, ...]) -> int:
    """The 1-based line of the key at `loc` (("actions", "wrong_thread", "new"),
    ("allow", 0, "expires")): the deepest table header and key the text holds,
    whether written as `[a.b]` then `c = …`, or `[a]` then `b = {…}`; 1 if none."""
    lines = text.splitlines()
    sections: list[tuple[int, tuple[str | int, ...]]] = [(0, ())]  # (header line index, path)
    counts: dict[str, int] = {}
    for index, line in enumerate(lines):
        match = _HEADER.match(line)
        if match is None:
            continue
        path: tuple[str | int, ...] = tuple(
            p.strip("\"'") for p in _KEY_PART.findall(match.group(2))
        )
        if match.group(1) == "[[":
            name = ".".join(map(str, path))
            counts[name] = counts.get(name, -1) + 1
            path = (*path, counts[name])
        sections.append((index, path))
    best = 1
    for cut in range(len(loc) - 1, -1, -1):
        table, key = loc[:cut], loc[cut]
        for number, (start, path) in enumerate(sections):
            end = sections[number + 1][0] if number + 1 < len(sections) else len(lines)
            if path == (*table, key):
                return start + 1  # the key is itself a table header
            if path != table or isinstance(key, int):
                continue
            pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
            first = start + 1 if path else 0
            for index in range(first, end):
                if pattern.match(lines[index]):
                    return index + 1
            if best == 1 and path:
                best = start + 1
    return best
