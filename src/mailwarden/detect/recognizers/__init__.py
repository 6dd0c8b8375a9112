"""One recognizer per module. Each module defines `create(config) -> Recognizer`.

`build_recognizers` finds them all, in module-name order, and leaves out the
ones the config disables; adding a recognizer is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

from mailwarden.detect.recognizer import Recognizer

if TYPE_CHECKING:
    from mailwarden.config import Config


def recognizer_modules() -> list[str]:
    """The names of every recognizer module in this package."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def build_recognizers(config: Config) -> list[Recognizer]:
    """Every recognizer the config leaves enabled, built once for the process."""
    built: list[Recognizer] = []
    for module_name in recognizer_modules():
        module = importlib.import_module(f"{__name__}.{module_name}")
        recognizer: Recognizer = module.create(config)
        if recognizer.name not in config.detect.disabled:
            built.append(recognizer)
    return built
