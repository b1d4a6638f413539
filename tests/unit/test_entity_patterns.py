"""The identifier formats of bot/data/entity_patterns.yml, as Rasa's RegexEntityExtractor applies them."""

from __future__ import annotations

import re

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.regex_entity_extractor import RegexEntityExtractor
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from haina import paths

PATTERNS = paths.BOT / "data" / "entity_patterns.yml"


def patterns(name: str) -> list[re.Pattern]:
    data = yaml.safe_load(PATTERNS.read_text(encoding="utf-8"))
    for item in data["nlu"]:
        if item.get("regex") == name:
            return [re.compile(line.strip()[2:], re.I) for line in item["examples"].splitlines() if line.strip()]
    raise KeyError(name)


def found(name: str, text: str) -> list[str]:
    return [m.group(0) for p in patterns(name) for m in p.finditer(text)]


@pytest.fixture(scope="module")
def extractor(tmp_path_factory) -> RegexEntityExtractor:
    """Rasa's extractor with config.yml's settings, trained on the patterns file."""
    config = next(c for c in yaml.safe_load(paths.CONFIG.read_text())["pipeline"] if c["name"] == "RegexEntityExtractor")
    settings = {**RegexEntityExtractor.get_default_config(), **{k: v for k, v in config.items() if k != "name"}}
    storage = LocalModelStorage(tmp_path_factory.mktemp("regex"))
    component = RegexEntityExtractor.create(settings, storage, Resource("regex"), ExecutionContext(GraphSchema({}), "t"))
    # Rasa keeps only the patterns of entities the training data annotates: train as `haina train` does.
    data = load_data(str(PATTERNS)).merge(*(load_data(str(f)) for f in sorted((paths.NLU_DATA / "en" / "train").glob("*.yml"))))
    component.train(data)
    return component


def extracted(extractor: RegexEntityExtractor, text: str) -> list[tuple[str, str]]:
    message = Message(data={TEXT: text})
    extractor.process([message])
    return [(e["entity"], e["value"]) for e in message.get(ENTITIES, [])]


@pytest.mark.parametrize("text", ["SHWP-2026-004217", "my number is SHRP-2025-000381.", "shwp2026004217", "SHWP2026-004217"])
def test_application_numbers(text):
    assert found("application_number", text)


@pytest.mark.parametrize("text", ["SHXX-2026-004217", "WP-2026-004217", "SHWP-26-004217", "XSHWP-2026-004217", "SHWP-2026-0042171"])
def test_not_application_numbers(text):
    assert not found("application_number", text)


@pytest.mark.parametrize("text", ["E12345678", "TK1234567", "M12345678", "18AB12345", "C01X00T47", "751234567", "PAA123456"])
def test_passport_numbers(text):
    assert found("passport_number", text) == [text]


@pytest.mark.parametrize("text", ["according", "Shanghai", "12345", "2026", "E1234567890", "SHWP-2026-004217",
                                  "shwp2026004217", "13812345678"])
def test_not_passport_numbers(text):
    assert not found("passport_number", text)


@pytest.mark.parametrize("text", ["1988-03-14", "14.03.1988", "14/03/1988", "1988年3月14日", "1988년 3월 14일", "1988년3월14일",
                                  "14 March 1988", "March 14, 1988", "14th march 1988", "14 mars 1988", "14. März 1988",
                                  "14 de marzo de 1988", "14 марта 1988", "3 févr. 1990", "1 Sept 1975",
                                  "1992.07.15", "1995/02/28"])
def test_dates_of_birth(text):
    assert found("date_of_birth", text)


@pytest.mark.parametrize("text", ["2026", "14.03.88", "call me at 3 pm", "12 Mayfair 1988", "SHWP-2026-004217", "1988-0314",
                                  "2026.12"])
def test_not_dates_of_birth(text):
    assert not found("date_of_birth", text)


@pytest.mark.parametrize(
    "text, entity, value",
    [
        ("我的申请号是SHWP-2026-004217", "application_number", "SHWP-2026-004217"),
        ("申請番号はSHRP-2026-000381です", "application_number", "SHRP-2026-000381"),
        ("신청번호 SHWP-2026-004217 상태 알려주세요", "application_number", "SHWP-2026-004217"),
        ("护照号E12345678", "passport_number", "E12345678"),
        ("パスポート番号はTK1234567", "passport_number", "TK1234567"),
        ("номер паспорта 751234567", "passport_number", "751234567"),
        ("出生日期1988年3月14日", "date_of_birth", "1988年3月14日"),
        ("생년월일 1988년 3월 14일", "date_of_birth", "1988년 3월 14일"),
        ("né le 14 mars 1988", "date_of_birth", "14 mars 1988"),
        ("geboren am 14.03.1988", "date_of_birth", "14.03.1988"),
        ("nací el 14 de marzo de 1988", "date_of_birth", "14 de marzo de 1988"),
        ("дата рождения 14 марта 1988", "date_of_birth", "14 марта 1988"),
    ],
)
def test_rasa_extracts_identifiers_inside_any_language(extractor, text, entity, value):
    assert (entity, value) in extracted(extractor, text)


def test_an_application_number_is_not_also_a_passport_number(extractor):
    assert extracted(extractor, "status of SHWP-2026-004217?") == [("application_number", "SHWP-2026-004217")]
