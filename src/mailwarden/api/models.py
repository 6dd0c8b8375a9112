"""The API's requests and answers as Pydantic models: what `/openapi.json` documents.

The field names are docs/api.md's contract; `findings` and each recipient's `reasons`
carry the fields of `mailwarden scan --json` (`ScanReport.to_json`), which fills them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from mailwarden.message.model import AddressField
from mailwarden.rules.base import Verdict


def _unicode(text: str) -> str:
    """Text that can be written as UTF-8: no lone surrogates (JSON can carry them)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("contains a character that is not Unicode text") from exc
    return text


def _storable(text: str) -> str:
    """Text every database stores: no NUL (PostgreSQL refuses it)."""
    if "\x00" in text:
        raise ValueError("contains a NUL character")
    return text


Text = Annotated[str, AfterValidator(_unicode)]
StorableText = Annotated[str, AfterValidator(_unicode), AfterValidator(_storable)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class _Answer(BaseModel):
    model_config = ConfigDict(frozen=True)


class DraftAttachment(_Request):
    """A file attached to the draft."""

    filename: Text = Field(min_length=1, max_length=1000, examples=["report.docx"])
    content_type: Text = Field(
        "application/octet-stream",
        max_length=255,
        description="Its media type; application/octet-stream when unknown.",
        examples=["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    )
    content_base64: Text = Field(description="The file's bytes, base64 (RFC 4648).")


class Draft(_Request):
    """A draft as a mail client holds it before sending. Addresses are RFC 5322, with or
    without a display name. At least one of to, cc, bcc names a recipient."""

    model_config = ConfigDict(title="Draft")

    sender: Text | None = Field(
        None,
        alias="from",
        description="The sender; must be one the API token speaks for (default: the "
        "token's own sender address).",
        examples=["ann.smith@example.police.uk"],
    )
    to: list[Text] = Field(examples=[["Greenfield Safeguarding <safeguarding@greenfield.sch.uk>"]])
    cc: list[Text] = []
    bcc: list[Text] = []
    subject: Text | None = Field(None, examples=["Ellie Marsh - AB/25/0093"])
    text: Text | None = Field(None, description="The plain-text body.")
    html: Text | None = Field(None, description="The HTML body.")
    in_reply_to: Text | None = Field(None, examples=["<CAF123@mail.gmail.com>"])
    references: list[Text] = []
    attachments: list[DraftAttachment] = []


class ReasonAnswer(_Answer):
    rule: str = Field(examples=["unrelated_recipient"])
    action: Verdict
    explanation: str
    evidence: list[str] = Field(
        default_factory=list, description="The findings or addresses that made the rule fire."
    )


class RecipientAnswer(_Answer):
    address: str
    field: AddressField
    verdict: Verdict
    decided_by: str = Field(
        "", description="The policy line that set the verdict, or how it was decided."
    )
    reasons: list[ReasonAnswer]


class FindingAnswer(_Answer):
    type: str = Field(examples=["PERSON"])
    text: str
    location: str = Field(examples=["body", "attachment:report.docx"])
    position: str = Field("", examples=["paragraph 2", "page 3"])
    score: float
    explanation: str
    category: str = ""
    span: list[int] = Field(default_factory=list, description="[start, end] in the segment.")
    recognizer: str = ""


class CheckAnswer(_Answer):
    """The judgement of a draft: each recipient's verdict, and why."""

    check_id: str = Field(examples=["c_4f1e9a0b7d2c4e5f9a0b7d2c4e5f9a0b"])
    verdict: Verdict = Field(description="The most severe recipient verdict.")
    send_anyway_allowed: bool = Field(
        description="True only when every recipient's verdict is deliver or confirm."
    )
    summary: str = Field(examples=["1 recipient needs your confirmation."])
    recipients: list[RecipientAnswer]
    findings: list[FindingAnswer]
    expires: datetime = Field(description="Until when the check may be confirmed.")


class ConfirmRequest(_Request):
    """The sender's "send anyway" for a check whose verdict was confirm."""

    check_id: str = Field(
        min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$", examples=["c_4f1e9a0b"]
    )
    reason: StorableText = Field(
        max_length=4000, examples=["Mr Patel is the school's appointed advocate"]
    )


class ConfirmAnswer(_Answer):
    """The header to add to the message before sending it."""

    header: str = Field(examples=["X-Mailwarden-Confirmation"])
    value: str = Field(examples=["v1.eyJ..."])
    expires: datetime


class ErrorAnswer(_Answer):
    """Every error: plain words, never a stack trace."""

    error: str = Field(examples=["to[1]: not an address"])
    limit_bytes: int | None = Field(
        None, description="With 413 only: the largest request body the server takes."
    )
