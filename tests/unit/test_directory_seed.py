"""The seed service points: at least 200 real institutions across all 16 districts and every
category, every text in eight languages, every point with a source, unverified fields known;
and the files import cleanly with `haina import`'s checks."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import urlparse

import pytest

from haina import paths
from haina.db.models import DISTRICTS, SERVICE_CATEGORIES, VERIFIABLE_FIELDS
from haina.languages import LANGUAGES

SEED = paths.ROOT / "seed" / "service_points"


def points() -> list[dict]:
    found = []
    for path in sorted(SEED.glob("*.json")):
        for point in json.loads(path.read_text(encoding="utf-8"))["service_points"]:
            found.append({**point, "_file": path.stem})
    return found


def test_enough_points_in_every_district_and_category():
    seed = points()
    assert len(seed) >= 200
    assert set(Counter(p["district"] for p in seed)) == set(DISTRICTS)
    assert set(Counter(p["category"] for p in seed)) == set(SERVICE_CATEGORIES)


def test_one_file_per_district_holding_only_its_points():
    assert sorted(p.stem for p in SEED.glob("*.json")) == sorted(DISTRICTS)
    for point in points():
        assert point["district"] == point["_file"], point["ref"]


def test_refs_are_unique_and_stable_looking():
    refs = [p["ref"] for p in points()]
    assert len(refs) == len(set(refs))
    assert all(ref.startswith(f"sp-{p['district']}-") for ref, p in zip(refs, points()))


def test_every_text_exists_in_all_eight_languages():
    for point in points():
        for field in ("name", "address", "directions", "notes"):
            if field in point:
                assert sorted(point[field]) == sorted(LANGUAGES), (point["ref"], field)
                assert all(str(v).strip() for v in point[field].values()), (point["ref"], field)


def test_every_point_has_a_source_and_says_what_is_unverified():
    for point in points():
        assert point["demo"] is False, point["ref"]
        assert urlparse(point["source"]).scheme in ("http", "https") and urlparse(point["source"]).netloc, point["ref"]
        assert set(point["unverified"]) <= set(VERIFIABLE_FIELDS), point["ref"]


def test_no_phone_number_without_a_page_that_gave_it():
    for point in points():
        if point.get("phone"):
            assert "phone" not in point["unverified"], point["ref"]


def test_coordinates_are_in_shanghai_and_flagged_when_approximate():
    for point in points():
        assert 30.6 <= point["lat"] <= 31.95 and 120.8 <= point["lon"] <= 122.25, point["ref"]
    flagged = sum("location" in p["unverified"] for p in points())
    assert flagged >= len(points()) - 5  # only coordinates read from a page are unflagged


def test_the_seed_files_pass_the_importers_checks():
    from haina.db.importer.problems import Problem
    from haina.db.importer.service_points import check_service_point

    for row, point in enumerate(points(), start=1):
        problems: list[Problem] = []
        data = {k: v for k, v in point.items() if k != "_file"}
        assert check_service_point(data, row, problems) is not None, [p.message("en") for p in problems]


def test_holiday_calendar_has_its_sources():
    import yaml

    data = yaml.safe_load((paths.ROOT / "seed" / "holidays.yml").read_text(encoding="utf-8"))
    assert {2025, 2026} <= set(data["years"])
    for spec in data["years"].values():
        assert spec["source"].startswith("http") and spec["notice"] and spec["holidays"] and spec["workdays"]
