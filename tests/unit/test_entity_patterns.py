"""The identifier formats of bot/data/entity_patterns.yml."""

import re

import pytest
import yaml

from haina import paths


def patterns(name: str) -> list[re.Pattern]:
    data = yaml.safe_load((paths.BOT / "data" / "entity_patterns.yml").read_text(encoding="utf-8"))
    for item in data["nlu"]:
        if item.get("regex") == name:
            return [re.compile(line.strip()[2:], re.I) for line in item["examples"].splitlines() if line.strip()]
    raise KeyError(name)


def found(name: str, text: str) -> list[str]:
    return [m.group(0) for p in patterns(name) for m in p.finditer(text)]


@pytest.mark.parametrize("text", ["SHWP-2026-004217", "my number is SHRP-2025-000381.", "shwp2026004217"])
def test_application_numbers(text):
    assert found("application_number", text)


@pytest.mark.parametrize("text", ["SHXX-2026-004217", "WP-2026-004217", "SHWP-26-004217"])
def test_not_application_numbers(text):
    assert not found("application_number", text)


@pytest.mark.parametrize("text", ["E12345678", "TK1234567", "M12345678", "18AB12345", "C01X00T47", "751234567", "PAA123456"])
def test_passport_numbers(text):
    assert found("passport_number", text) == [text]


@pytest.mark.parametrize("text", ["according", "Shanghai", "12345", "2026"])
def test_not_passport_numbers(text):
    assert not found("passport_number", text)


@pytest.mark.parametrize("text", ["1988-03-14", "14.03.1988", "14/03/1988", "1988年3月14日"])
def test_dates_of_birth(text):
    assert found("date_of_birth", text)
