"""A message's scan result and its two renderings: the JSON Lines contract, a readable report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mailwarden.detect.finding import Finding
from mailwarden.extract.base import ExtractionProblem
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
            "findings": [_finding_json(f) for f in self.findings],
            "recipients": [
                {
                    "address": d.recipient.mailbox.address or d.recipient.mailbox.raw,
                    "field": d.recipient.field.value,
                    "verdict": d.verdict.value,
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
        """A readable report for a person at a terminal."""
        message = self.message
        title = Text(self.source, style="bold")
        header = Text()
        header.append(f"Subject: {message.subject or '(none)'}\n")
        header.append(f"From:    {message.sender.address if message.sender else '(none)'}")
        parts: list[Any] = [header]
        if self.findings:
            table = Table(show_header=True, header_style="bold", expand=True, box=None)
            table.add_column("Type", no_wrap=True)
            table.add_column("Text")
            table.add_column("Where")
            table.add_column("Why")
            for f in self.findings:
                kind = f"{f.type.value}\n({f.category})" if f.category else f.type.value
                where = f"{f.location}\n{f.position}" if f.position else f.location
                table.add_row(kind, f.text, where, f"{f.explanation} [{f.score:.2f}]")
            parts.append(table)
        else:
            parts.append(Text("Nothing sensitive found.", style="green"))
        for d in self.decisions:
            line = Text(f"{d.recipient.field.value.upper():>3} ")
            line.append(d.recipient.mailbox.address or d.recipient.mailbox.raw)
            line.append("  ")
            line.append(d.verdict.value.upper(), style=_VERDICT_STYLE[d.verdict])
            for r in d.reasons:
                line.append(f"\n      {r.rule}: {r.explanation}")
            parts.append(line)
        for p in self.errors:
            parts.append(Text(f"Could not read {p.location}: {p.detail}", style="red"))
        border = "green" if self.clean else "yellow"
        console.print(Panel(Group(*parts), title=title, border_style=border))


def _finding_json(finding: Finding) -> dict[str, Any]:
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
