"""Extract stage: a `Message` → text `Segment`s with their locations, and what could not be read."""

from mailwarden.extract.base import ExtractContext, ExtractionProblem, Extractor, Segment
from mailwarden.extract.errors import (
    BombDetected,
    CorruptFile,
    EncryptedFile,
    ExtractionError,
    LimitExceeded,
    TimeLimitExceeded,
    TooDeep,
    TooManyParts,
)
from mailwarden.extract.limits import Budget, ExtractionLimits
from mailwarden.extract.registry import ExtractionResult, extract_message, find_extractor

__all__ = [
    "BombDetected",
    "Budget",
    "CorruptFile",
    "EncryptedFile",
    "ExtractContext",
    "ExtractionError",
    "ExtractionLimits",
    "ExtractionProblem",
    "ExtractionResult",
    "Extractor",
    "LimitExceeded",
    "Segment",
    "TimeLimitExceeded",
    "TooDeep",
    "TooManyParts",
    "extract_message",
    "find_extractor",
]
