"""The gazetteer finds districts, kinds of place, spoken languages, times and "near me" in eight
languages, CJK without spaces included, and the training data is annotated the way it reads."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from haina import paths
from haina.datatools import read_examples
from haina.db.models import DISTRICTS, SERVICE_CATEGORIES
from haina.directory.gazetteer import GAZETTEER_DIR, FILES, fold, gazetteer, load_files
from haina.languages import LANGUAGES

G = gazetteer()
ENTITIES = {"district", "service_category", "service_language", "service_time", "service_nearby"}


def found(text: str) -> set[tuple[str, str]]:
    return {(m.entity, m.value) for m in G.find(text)}


def test_every_value_has_names_in_all_eight_languages():
    for spec in load_files():
        for value, by_language in spec["values"].items():
            for language in LANGUAGES:
                assert by_language.get(language), (spec["entity"], value, language)


def test_the_data_covers_every_district_and_category():
    specs = {s["entity"]: s for s in load_files()}
    assert set(specs["district"]["values"]) == set(DISTRICTS)
    assert set(specs["service_category"]["values"]) == set(SERVICE_CATEGORIES)


def test_no_name_means_two_things():
    seen: dict[str, tuple[str, str]] = {}
    for spec in load_files():
        for value, by_language in spec["values"].items():
            for terms in by_language.values():
                for term in terms:
                    key = re.sub(r"[\s\-'\u2019]", "", fold(str(term))[0])
                    target = (spec["entity"], str(value))
                    assert seen.setdefault(key, target) == target, (term, seen[key], target)


@pytest.mark.parametrize("district", DISTRICTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_district_is_found_by_each_of_its_names(district, language):
    spec = yaml.safe_load((GAZETTEER_DIR / "districts.yml").read_text(encoding="utf-8"))
    for name in spec["values"][district][language]:
        word = str(name).replace("*", "")
        sentence = {"zh": f"我想找{word}的医院", "ja": f"{word}の病院を探しています", "ko": f"{word}에 있는 병원",
                    "ru": f"больница: {word}"}.get(language, f"a hospital in {word} please")
        assert ("district", district) in found(sentence), (name, sentence)


@pytest.mark.parametrize("text, expected", [
    ("English-speaking paediatrician in Pudong open on Sunday",
     {("service_language", "en"), ("service_category", "hospital"), ("district", "pudong"), ("service_time", "sun")}),
    ("浦东有没有周日开门的国际医院", {("district", "pudong"), ("service_time", "sun"), ("service_category", "hospital")}),
    ("徐汇区の日本語が通じる病院", {("district", "xuhui"), ("service_language", "ja"), ("service_category", "hospital")}),
    ("hôpital anglophone à Pudong ouvert le dimanche",
     {("service_category", "hospital"), ("service_language", "en"), ("district", "pudong"), ("service_time", "sun")}),
    ("푸둥에 일요일에 여는 영어 되는 소아과",
     {("district", "pudong"), ("service_time", "sun"), ("service_language", "en"), ("service_category", "hospital")}),
    ("englischsprachiger Kinderarzt in Pudong, sonntags offen",
     {("service_language", "en"), ("service_category", "hospital"), ("district", "pudong"), ("service_time", "sun")}),
    ("farmacia abierta a las 8 de la noche en Jing'an",
     {("service_category", "pharmacy"), ("service_time", "20:00"), ("district", "jingan")}),
    ("аптека в Пудуне открытая в воскресенье", {("service_category", "pharmacy"), ("district", "pudong"), ("service_time", "sun")}),
    ("pu dong pharmacy near me", {("district", "pudong"), ("service_category", "pharmacy"), ("service_nearby", "yes")}),
    ("jing an 24 hour pharmacy", {("district", "jingan"), ("service_time", "24h"), ("service_category", "pharmacy")}),
    ("静安现在开着的药店", {("district", "jingan"), ("service_time", "now"), ("service_category", "pharmacy")}),
    ("明天晚上8点开门的诊所", {("service_time", "tomorrow"), ("service_time", "tonight"), ("service_time", "20:00"),
                          ("service_category", "international_clinic")}),
    ("오늘 밤 10시에 여는 약국", {("service_time", "tonight"), ("service_time", "22:00"), ("service_category", "pharmacy")}),
    ("Apotheke um 22 Uhr", {("service_category", "pharmacy"), ("service_time", "22:00")}),
    ("pharmacie ouverte à 22h30", {("service_category", "pharmacy"), ("service_time", "22:30")}),
    ("clinic open at 9 pm", {("service_category", "international_clinic"), ("service_time", "21:00")}),
    ("аптека до 9 вечера", {("service_category", "pharmacy"), ("service_time", "21:00")}),
    ("Kindergarten mit englischsprachigen Erziehern", {("service_category", "kindergarten"), ("service_language", "en")}),
    ("Kinderkrankenhaus in Minhang", {("service_category", "hospital"), ("district", "minhang")}),
])
def test_free_text_requests(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text, unwanted", [
    ("黄浦江边的医院", ("district", "huangpu")),          # the river, not the district
    ("我在旧金山", ("district", "jinshan")),             # San Francisco
    ("Guten Morgen", ("service_time", "tomorrow")),
    ("探しています", ("service_time", "now")),          # い-ま inside います
    ("Montag", ("district", "minhang")),
    ("a bank account", ("service_category", "bank_branch")),
])
def test_words_that_only_look_like_names(text, unwanted):
    assert unwanted not in found(text)


def test_latin_names_need_whole_words_but_cjk_needs_none():
    assert ("district", "putuo") not in found("computuon")
    assert ("district", "putuo") in found("在普陀区")
    assert ("service_category", "pharmacy") in found("pharmacies")  # pharmac* allows longer forms


def test_spans_point_into_the_original_text():
    text = "Hôpital ANGLOPHONE à Pudong"
    for match in G.find(text):
        assert text[match.start:match.end] == match.text
    assert {m.text for m in G.find(text)} == {"Hôpital", "ANGLOPHONE", "Pudong"}


ANNOTATED = re.compile(r"\[([^\]]+)\]\{([^}]*)\}")


def _parse(line: str) -> tuple[str, set[tuple[str, str]]]:
    entities = {(json.loads("{" + m.group(2) + "}")["entity"], json.loads("{" + m.group(2) + "}")["value"])
                for m in ANNOTATED.finditer(line)}
    return ANNOTATED.sub(r"\1", line), entities


@pytest.mark.parametrize("language", LANGUAGES)
def test_directory_training_data_is_annotated_as_the_gazetteer_reads_it(language):
    for part in ("train", "test"):
        for intent, lines in read_examples(paths.NLU_DATA / language / part / "directory.yml").items():
            for line in lines:
                text, annotated = _parse(line)
                assert {e for e in annotated if e[0] in ENTITIES} == found(text), (part, intent, line)


def test_gazetteer_files_are_the_ones_loaded():
    assert sorted(p.name for p in GAZETTEER_DIR.glob("*.yml")) == sorted(FILES)
