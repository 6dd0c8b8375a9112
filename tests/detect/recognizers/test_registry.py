"""The recognizer registry: every module is a recognizer that can be named, described and tested."""

import importlib
from pathlib import Path

import pytest

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import Recognizer
from mailwarden.detect.recognizers import build_recognizers, recognizer_modules

TESTS = Path(__file__).parent
MODULES = recognizer_modules()


@pytest.fixture(scope="module")
def recognizers() -> list[Recognizer]:
    return build_recognizers(Config())


def test_the_uk_identifier_recognizers_are_registered() -> None:
    expected = {
        "uk_nhs",
        "uk_nino",
        "uk_postcode",
        "uk_phone",
        "uk_bank_account",
        "payment_card",
        "iban",
        "uk_passport",
        "uk_driving_licence",
        "uk_vehicle_reg",
        "pnc_id",
        "crime_reference",
    }
    assert expected <= set(MODULES)


@pytest.mark.parametrize("module_name", MODULES)
def test_every_module_defines_create(module_name: str) -> None:
    module = importlib.import_module(f"mailwarden.detect.recognizers.{module_name}")
    assert callable(getattr(module, "create", None))


@pytest.mark.parametrize("module_name", MODULES)
def test_every_module_has_its_own_test_file(module_name: str) -> None:
    assert (TESTS / f"test_{module_name}.py").is_file()


def test_every_module_builds_one_recognizer(recognizers: list[Recognizer]) -> None:
    assert len(recognizers) == len(MODULES)


def test_names_are_unique(recognizers: list[Recognizer]) -> None:
    names = [r.name for r in recognizers]
    assert len(names) == len(set(names))


def test_every_recognizer_has_a_one_line_description_and_a_finding_type(
    recognizers: list[Recognizer],
) -> None:
    for recognizer in recognizers:
        description = recognizer.description
        assert description.strip(), recognizer.name
        assert "\n" not in description, recognizer.name
        assert isinstance(recognizer.finding_type, FindingType), recognizer.name


def test_a_recognizer_the_config_disables_is_left_out(recognizers: list[Recognizer]) -> None:
    config = Config.model_validate({"detect": {"disabled": ["uk_passport"]}})
    names = {r.name for r in build_recognizers(config)}
    assert names == {r.name for r in recognizers} - {"uk_passport"}
