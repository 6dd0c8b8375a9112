"""The TOML configuration: schema, safe defaults, and errors that name the key.

The smallest valid file is::

    [organisation]
    domains = ["example.police.uk"]
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from mailwarden.extract.limits import ExtractionLimits
from mailwarden.message.parse import ParseLimits


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key and the problem."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OrganisationConfig(_Section):
    name: str = ""
    domains: list[str] = Field(default_factory=list)
    """Mail domains that are the organisation's own (sub-domains included)."""
    staff_names: list[str] = Field(default_factory=list)
    """Staff names whose appearance in sign-offs and signatures is not reported as PERSON."""

    @field_validator("domains")
    @classmethod
    def _domains_look_like_domains(cls, value: list[str]) -> list[str]:
        cleaned = [d.strip().lower().lstrip("@") for d in value]
        for domain in cleaned:
            if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain):
                raise ValueError(f"{domain!r} is not a mail domain")
        return cleaned


_EXTRACTION = ExtractionLimits()
_PARSING = ParseLimits()

PositiveInt = Annotated[int, Field(gt=0)]
PositiveFloat = Annotated[float, Field(gt=0)]


class LimitsConfig(_Section):
    max_total_bytes: PositiveInt = _EXTRACTION.max_total_bytes
    max_file_bytes: PositiveInt = _EXTRACTION.max_file_bytes
    max_compression_ratio: PositiveFloat = _EXTRACTION.max_compression_ratio
    max_depth: PositiveInt = _EXTRACTION.max_depth
    max_archive_members: PositiveInt = _EXTRACTION.max_archive_members
    max_text_chars: PositiveInt = _EXTRACTION.max_text_chars
    seconds_per_message: PositiveFloat = _EXTRACTION.seconds_per_message
    max_header_bytes: PositiveInt = _PARSING.max_header_bytes
    max_header_lines: PositiveInt = _PARSING.max_header_lines
    max_mime_depth: PositiveInt = _PARSING.max_mime_depth
    max_parts: PositiveInt = _PARSING.max_parts
    max_message_bytes: PositiveInt = 100 * 1024 * 1024
    """Messages larger than this are not parsed at all and are reported as unscannable."""

    def extraction(self) -> ExtractionLimits:
        return ExtractionLimits(
            max_total_bytes=self.max_total_bytes,
            max_file_bytes=self.max_file_bytes,
            max_compression_ratio=self.max_compression_ratio,
            max_depth=self.max_depth,
            max_archive_members=self.max_archive_members,
            max_text_chars=self.max_text_chars,
            seconds_per_message=self.seconds_per_message,
        )

    def parsing(self) -> ParseLimits:
        return ParseLimits(
            max_header_bytes=self.max_header_bytes,
            max_header_lines=self.max_header_lines,
            max_mime_depth=self.max_mime_depth,
            max_parts=self.max_parts,
        )


DEFAULT_CRIME_REFERENCE_FORMATS = (
    r"\b[A-Z]{2}/\d{2}/\d{4,6}\b",
    r"\bCRI?M?\s?\d{2}/\d{4,8}\b",
    r"\b\d{2}/\d{5,7}/\d{2}\b",
)


class CrimeReferenceConfig(_Section):
    formats: list[str] = Field(default_factory=lambda: list(DEFAULT_CRIME_REFERENCE_FORMATS))
    """Regular expressions for the force's crime and incident reference numbers."""

    @field_validator("formats")
    @classmethod
    def _formats_compile(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from exc
        return value


class KnownRecordsConfig(_Section):
    files: list[Path] = Field(default_factory=list)
    """CSV files of the organisation's records (names, identifiers, addresses) to match exactly."""
    min_chars: PositiveInt = 4
    """Values shorter than this are not loaded (they would match ordinary words)."""
    columns: list[str] = Field(default_factory=list)
    """The header names of the columns to load (all when empty): names and identifiers, not
    columns such as gender or town whose values are ordinary words."""


class DetectConfig(_Section):
    min_score: Annotated[float, Field(ge=0, le=1)] = 0.5
    disabled: list[str] = Field(default_factory=list)
    """Recognizer names to switch off."""
    crime_reference: CrimeReferenceConfig = CrimeReferenceConfig()
    known_records: KnownRecordsConfig = KnownRecordsConfig()


class KnowledgeConfig(_Section):
    url: str = ""
    """SQLAlchemy URL of the knowledge store ("sqlite:///mailwarden.db", "postgresql+psycopg://...");
    `--db` on the command line overrides it."""
    key_file: Path = Path("mailwarden.key")
    """The installation's secret key for hashing people and identifiers (created, mode 0600,
    if missing). Losing it makes the store's keys unmatchable; keep it with the backups."""
    retention_days: PositiveInt = 730
    """Associations not seen for this long are forgotten by `mailwarden forget --expired`."""


Marking = Literal["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"]
MARKING_ORDER: tuple[str, ...] = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")


class RecipientsConfig(_Section):
    """Deprecated: these belong in the policy file (`[thresholds]`, `[partners]`), which
    overrides them; they still apply where it is silent (docs/policy.md)."""

    partner_domains: list[str] = Field(default_factory=list)
    """Domains of partner organisations (schools, councils, health) that the organisation
    works with: known, but outside. Policy file: `[partners."DOMAIN"]`."""
    bulk_people: PositiveInt = 10
    """This many different people's details to one outside recipient is bulk personal data.
    Policy file: `[thresholds] bulk_people`."""
    exposed_min_external: PositiveInt = 3
    """This many outside recipients in To/Cc who have not written to each other are exposed.
    Policy file: `[thresholds] exposed_min_external`."""
    lookalike_max_distance: PositiveInt = 2
    """An unknown address within this many edits of a known contact's is a look-alike.
    Policy file: `[thresholds] lookalike_max_distance`."""

    @field_validator("partner_domains")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in value]

    def moved(self) -> list[str]:
        """The keys this file sets that now belong in the policy file, and where."""
        where = {
            "partner_domains": '[partners."DOMAIN"]',
            "bulk_people": "[thresholds] bulk_people",
            "exposed_min_external": "[thresholds] exposed_min_external",
            "lookalike_max_distance": "[thresholds] lookalike_max_distance",
        }
        return [f"[recipients] {k}: now {where[k]}" for k in sorted(self.model_fields_set)]


class MarkingsConfig(_Section):
    """Deprecated: these belong in the policy file (`[partners]`, `[markings]`), which
    overrides them; they still apply where it is silent (docs/policy.md)."""

    clearances: dict[str, Marking] = Field(default_factory=dict)
    """The highest protective marking each domain or address is cleared to receive.
    Policy file: `[partners."DOMAIN"] cleared`, or `[markings.cleared]` for a non-partner."""
    internal_clearance: Marking = "SECRET"
    """What the organisation's own domains are cleared for unless `clearances` says otherwise.
    Policy file: `[markings] internal_clearance`."""
    default_clearance: Marking = "OFFICIAL"
    """What any other recipient is cleared for. Policy file: `[markings] default_clearance`."""

    @field_validator("clearances")
    @classmethod
    def _lower(cls, value: dict[str, Marking]) -> dict[str, Marking]:
        return {k.strip().lower().lstrip("@"): v for k, v in value.items()}

    def moved(self) -> list[str]:
        """The keys this file sets that now belong in the policy file, and where."""
        where = {
            "clearances": '[partners."DOMAIN"] cleared, or [markings.cleared]',
            "internal_clearance": "[markings] internal_clearance",
            "default_clearance": "[markings] default_clearance",
        }
        return [f"[markings] {k}: now {where[k]}" for k in sorted(self.model_fields_set)]


class GatewayConfig(_Section):
    listen: str = "127.0.0.1:10025"
    """Where Postfix hands messages to mailwarden (`--listen` overrides)."""
    next_hop: str = "127.0.0.1:10026"
    """Postfix's unfiltered smtpd that takes delivered and released mail back (`--next-hop`)."""
    quarantine: Path = Path("quarantine")
    """The folder where held messages are kept (`--quarantine` overrides); for several relays,
    a folder every relay and the reviewers' host share."""
    database: str = ""
    """SQLAlchemy URL of the holds database; empty means SQLite in the quarantine folder.
    Several relays point this at one PostgreSQL."""
    timeout_seconds: PositiveFloat = 120.0
    """Scan plus actions for one message; past it Postfix gets a 451 and retries."""
    processes: Annotated[int, Field(ge=0)] = 0
    """Worker processes sharing the port (each loads its own models, ~300 MB); 0 means one
    per CPU."""
    learn: bool = True
    """Learn each delivered message into the knowledge store as it passes."""
    link_base_url: str = "https://mailwarden.invalid/notice"
    """Where the links in sender notices point: the web app's `/notice` page, as the senders
    reach it (`https://review.example.org/notice`)."""
    link_days: PositiveInt = 7
    """How long a link in a sender notice stays valid."""
    hold_retention_days: PositiveInt | None = None
    """Held messages whose every recipient was decided this long ago are deleted by
    `mailwarden purge-held` (the purge is recorded in the audit trail); unset keeps them."""
    notice_from: str = ""
    """The From of notices and bounces; empty means postmaster@ the first organisation domain."""
    keep_sent: bool = True
    """Keep the findings (not the message) of each message delivered with personal data in
    it, so that a breach opened from it names the people it named."""
    sent_retention_days: PositiveInt = 90
    """How long those findings are kept (`mailwarden purge-held` deletes older ones)."""


class ApiConfig(_Section):
    """`mailwarden serve`, the pre-send check API (docs/api.md). Its records (API tokens,
    checks, confirmations) are kept in the record database with the holds: `[gateway]
    database`, else SQLite in the quarantine folder."""

    listen: str = "127.0.0.1:8480"
    """HOST:PORT to serve on (`--listen` overrides); put a TLS proxy in front for the add-ins."""
    max_draft_bytes: PositiveInt = 25 * 1024 * 1024
    """The largest request body (JSON or MIME) checked; larger ones are refused with 413."""
    confirmation_minutes: PositiveInt = 15
    """How long a check may be confirmed after it was made, and how long the confirmation
    header is honoured after the sender confirmed."""
    scan_threads: PositiveInt = 2
    """Drafts scanned at once per process; more wait their turn (the scan holds the GIL)."""
    workers: PositiveInt = 1
    """Server processes (`--workers` overrides), each with its own scanner and models: up to
    one per core, for more checks a second."""


class AuditConfig(_Section):
    """The audit trail (`record/audit.py`), kept in the record database with the holds."""

    retention_days: PositiveInt | None = None
    """Entries older than this are deleted by `mailwarden audit purge` (the purge itself is
    recorded, and what is left still verifies); unset keeps every entry."""


class WebConfig(_Section):
    """`mailwarden web`, the review web app. Its accounts and sessions are kept in the record
    database with the holds; its cookies are signed with a key derived from the installation
    key (`[knowledge] key_file`) unless `secret_key_file` names one of its own. With
    `oidc_issuer` set, its login page also offers OpenID Connect (`web/oidc.py`)."""

    listen: str = "127.0.0.1:8490"
    """HOST:PORT to serve on (`--listen` overrides); put a TLS proxy in front."""
    public_url: str = ""
    """The app's address as browsers reach it ("https://review.example.org"); OIDC's
    redirect URI is built from it rather than from a request's Host header."""
    session_minutes: PositiveInt = 480
    """How long a login lasts."""
    secure_cookies: bool = False
    """Mark the cookies Secure: set it when the app is reached over https."""
    secret_key_file: Path | None = None
    """A key of its own for the cookies (relative to the config file); unset derives one
    from the installation key."""
    target_hours: PositiveInt = 4
    """How soon a held message should be decided; the queue shows each one's age against it."""
    workers: PositiveInt = 1
    """Server processes (`--workers` overrides), each with its own scanner (~300 MB): up to
    one per core, for more reviewers at once."""
    oidc_issuer: str = ""
    """The OpenID Connect provider's issuer URL; empty: no OIDC login."""
    oidc_client_id: str = ""
    oidc_client_secret_file: Path | None = None
    """The client secret, alone in a file (relative to the config file); unset: a public
    client, which proves itself with PKCE alone."""
    oidc_name: str = "single sign-on"
    """The login button's words: "Log in with <oidc_name>"."""
    oidc_scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    oidc_roles_claim: str = "groups"
    """The ID token claim listing the user's groups, read when `oidc_roles` is set."""
    oidc_roles: dict[Literal["sender", "reviewer", "dpo", "admin"], str] = Field(
        default_factory=dict
    )
    """Role → the claim value that grants it. Set: the provider decides roles, and accounts
    are made or changed at login; empty: only existing local accounts log in by OIDC."""

    @model_validator(mode="after")
    def _oidc_complete(self) -> WebConfig:
        if self.oidc_issuer:
            if not self.oidc_client_id:
                raise ValueError("oidc_issuer needs oidc_client_id")
            if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", self.public_url):
                raise ValueError("oidc_issuer needs public_url, the app's http(s) address")
            if "openid" not in self.oidc_scopes:
                raise ValueError("oidc_scopes must include openid")
        return self


class Config(_Section):
    organisation: OrganisationConfig = OrganisationConfig()
    limits: LimitsConfig = LimitsConfig()
    detect: DetectConfig = DetectConfig()
    knowledge: KnowledgeConfig = KnowledgeConfig()
    recipients: RecipientsConfig = RecipientsConfig()
    markings: MarkingsConfig = MarkingsConfig()
    gateway: GatewayConfig = GatewayConfig()
    api: ApiConfig = ApiConfig()
    audit: AuditConfig = AuditConfig()
    web: WebConfig = WebConfig()

    def is_internal(self, domain: str) -> bool:
        """True when the domain is one of the organisation's (or a sub-domain of one)."""
        domain = domain.lower()
        return any(domain == d or domain.endswith("." + d) for d in self.organisation.domains)


def load_config(path: Path | None) -> Config:
    """Read and validate a config file; no path gives the defaults."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    config = config_from_dict(data, str(path))
    return _resolve_paths(config, path.parent)


def config_from_dict(data: dict[str, Any], origin: str = "config") -> Config:
    """Validate a parsed config; the error names the first bad key in dotted form."""
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            message = "unknown setting"
        raise ConfigError(f"{origin}: {key}: {message}") from exc


def _resolve_paths(config: Config, base: Path) -> Config:
    """Relative paths in the file are relative to the file, not to where the command runs."""
    files = [f if f.is_absolute() else base / f for f in config.detect.known_records.files]
    known = config.detect.known_records.model_copy(update={"files": files})
    detect = config.detect.model_copy(update={"known_records": known})
    key_file = config.knowledge.key_file
    knowledge = config.knowledge.model_copy(
        update={"key_file": key_file if key_file.is_absolute() else base / key_file}
    )
    quarantine = config.gateway.quarantine
    gateway = config.gateway.model_copy(
        update={"quarantine": quarantine if quarantine.is_absolute() else base / quarantine}
    )
    return config.model_copy(update={"detect": detect, "knowledge": knowledge, "gateway": gateway})
