"""Detect stage: text segments → findings of sensitive content, each with why it counts."""

from mailwarden.detect.engine import Addressing, Detector, addressing_of
from mailwarden.detect.finding import Finding, FindingType, Match
from mailwarden.detect.recognizer import Pattern, PatternRecognizer, Recognizer, TextContext
from mailwarden.detect.recognizers import build_recognizers

__all__ = [
    "Addressing",
    "Detector",
    "Finding",
    "FindingType",
    "Match",
    "Pattern",
    "PatternRecognizer",
    "Recognizer",
    "TextContext",
    "addressing_of",
    "build_recognizers",
]
