"""A message's scan result and its two renderings: the JSON Lines contract, a readable report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from mailwarden.detect.finding import Finding, FindingType
from mailwarden.extract.base import ExtractionProblem, Segment
from mailwarden.knowledge.features import MessageFeatures
from mailwarden.message.model import Message, ParseProblem
from mailwarden.policy.decide import RecipientDecision
from mailwarden.rules.base import Verdict

_VERDICT_STYLE = {
    Verdict.DELIVER: "green",
    Verdict.CONFIRM: "yellow",
    Verdict.HOLD: "bold red",
    Verdict.REJECT: "bold white on red",
}


@dataclass(slots=True)
class ScanReport:
    """Everything found in one message and what would happen to each recipient's copy."""

    source: str
    message: Message
    findings: list[Finding]
    decisions: list[RecipientDecision]
    problems: list[ExtractionProblem]
    warnings: list[ParseProblem] = field(default_factory=list)
    seconds: float = 0.0
    index: int | None = None
    features: MessageFeatures = field(default_factory=MessageFeatures)
    """The message's keyed cases, people and identifiers (empty without a store): what
    learning the message records."""
    segments: list[Segment] = field(default_factory=list)
    """The text read from the message, in reading order: a finding's `start`/`end` index
    into the text of the segment at its `location` and `position` (the review page marks
    them there). Empty when nothing was read."""

    @property
    def failed_internally(self) -> bool:
        """A failure of ours (a scan bug, the knowledge store down), not of the message:
        the gateway answers 4xx so the message is retried rather than judged on half a scan."""
        return any(p.kind == "internal" for p in self.problems)

    @property
    def errors(self) -> list[ExtractionProblem]:
        """What could not be read: parts that may hide content from the scan."""
        return [p for p in self.problems if p.unscannable]

    @property
    def all_delivered(self) -> bool:
        return all(d.verdict is Verdict.DELIVER for d in self.decisions)

    @property
    def clean(self) -> bool:
        """Read in full and every recipient would be delivered (exit status 0)."""
        return not self.errors and self.all_delivered

    def to_json(self) -> dict[str, Any]:
        """The JSON Lines object: the contract `mailwarden scan --json` prints."""
        message = self.message
        return {
            "source": self.source,
            "index": self.index,
            "message_id": message.message_id,
            "subject": message.subject,
            "from": message.sender.address if message.sender else "",
            "size": message.size,
            "findings": [finding_json(f) for f in self.findings],
            "recipients": [
                {
                    "address": d.recipient.mailbox.address or d.recipient.mailbox.raw,
                    "field": d.recipient.field.value,
                    "verdict": d.verdict.value,
                    "decided_by": d.decided_by,
                    "reasons": [
                        {
                            "rule": r.rule,
                            "action": r.action.value,
                            "explanation": r.explanation,
                            "evidence": list(r.evidence),
                        }
                        for r in d.reasons
                    ],
                }
                for d in self.decisions
            ],
            "errors": [
                {"location": p.location, "kind": p.kind, "detail": p.detail} for p in self.errors
            ],
            "warnings": [{"location": w.location, "detail": w.detail} for w in self.warnings]
            + [
                {"location": p.location, "detail": p.detail}
                for p in self.problems
                if not p.unscannable
            ],
            "seconds": round(self.seconds, 4),
        }

    def render(self, console: Console) -> None:
        """A readable report for a person at a terminal: findings grouped by where they
        stand, one line each ("PERSON 'Ellie Marsh' (paragraph 2): a known first name..."),
        then what would happen to each recipient's copy and why."""
        message = self.message
        parts: list[Any] = [
            Text.assemble(
                ("Subject: ", "bold"),
                message.subject or "(none)",
                ("\nFrom:    ", "bold"),
                message.sender.address if message.sender else "(none)",
            )
        ]
        if not self.findings:
            parts.append(Text("Nothing sensitive found.", style="green"))
        for location, findings in _by_location(self.findings).items():
            parts.append(Text(location, style="bold underline"))
            for f in findings:
                line = Text("  ")
                line.append(f.type.value, style="bold cyan")
                if f.category:
                    line.append(f" ({f.category})", style="cyan")
                line.append(f" '{f.text}'", style="bold")
                if f.position:
                    line.append(f" ({f.position})", style="dim")
                line.append(f": {f.explanation}")
                parts.append(line)
        parts.append(Text("Recipients", style="bold underline"))
        for d in self.decisions:
            line = Text(f"  {d.recipient.field.value.capitalize() + ':':4s} ")
            line.append(d.recipient.mailbox.address or d.recipient.mailbox.raw)
            line.append("  ")
            line.append(d.verdict.value.upper(), style=_VERDICT_STYLE[d.verdict])
            for r in d.reasons:
                line.append(f"\n        {r.rule}: ", style="dim")
                line.append(r.explanation)
            parts.append(line)
        for p in self.errors:
            parts.append(Text(f"Could not read {p.location}: {p.detail}", style="red"))
        border = "green" if self.clean else "yellow"
        title = Text(self.source, style="bold")
        console.print(Panel(Group(*parts), title=title, border_style=border))


def _by_location(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.location, []).append(finding)
    return grouped


def finding_json(finding: Finding) -> dict[str, Any]:
    """A finding as `scan --json` prints it (and as a hold keeps it)."""
    data: dict[str, Any] = {
        "type": finding.type.value,
        "text": finding.text,
        "location": finding.location,
        "score": finding.score,
        "explanation": finding.explanation,
    }
    if finding.position:
        data["position"] = finding.position
    if finding.category:
        data["category"] = finding.category
    data["span"] = [finding.start, finding.end]
    data["recognizer"] = finding.recognizer
    return data


def finding_from_json(data: dict[str, Any]) -> Finding:
    """The finding `finding_json` wrote; `ValueError` or `KeyError` if it is not one."""
    start, end = data.get("span", (0, 0))
    return Finding(
        type=FindingType(data["type"]),
        text=str(data["text"]),
        location=str(data["location"]),
        score=float(data.get("score", 0.0)),
        explanation=str(data.get("explanation", "")),
        recognizer=str(data.get("recognizer", "")),
        position=str(data.get("position", "")),
        start=int(start),
        end=int(end),
        category=str(data.get("category", "")),
    )
