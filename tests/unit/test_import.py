"""`haina import`: good and bad files in JSON and CSV, a bad file changes nothing, re-importing changes
nothing, a changed row is updated, problems are in plain words and never show a passport number."""

from __future__ import annotations

import copy
import csv
import json
import subprocess
import sys

import pytest
import sqlalchemy as sa

from haina import db, privacy
from haina.db import migrate
from haina.db.importer import import_file
from haina.db.models import Application, ServicePoint
from haina.languages import LANGUAGES

PASSPORT = "E98765432"


def texts(word: str) -> dict[str, str]:
    return {lang: f"{word} ({lang})" for lang in LANGUAGES}


SERVICE_POINT = {
    "ref": "sp-test-clinic", "category": "international_clinic", "district": "jingan",
    "name": texts("Test Clinic"), "address": texts("1 Test Road"), "directions": texts("Exit 3"),
    "lat": 31.229, "lon": 121.448, "phone": "+86 21 1234 5678", "website": "https://clinic.example.org",
    "languages": ["en", "zh", "fr"],
    "hours": {"mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue": [["08:00", "17:00"]], "fri": [["22:00", "02:00"]],
              "sat": [], "sun": []},
    "holidays": "closed", "closures": ["2026-10-01"], "unverified": ["phone"],
    "source": "https://clinic.example.org/about", "demo": True,
}
APPLICATION = {
    "application_number": "shwp2026123456", "type": "work_permit_new", "category": "A", "passport_number": PASSPORT,
    "date_of_birth": "1990-04-01", "nationality": "fr", "employer": "Test Employer", "submitted": "2026-09-01",
    "history": [{"status": "submitted", "date": "2026-09-01"},
                {"status": "documents_needed", "date": "2026-09-05", "documents": ["criminal_record"]}],
    "demo": True,
}


@pytest.fixture
def url(tmp_path, monkeypatch):
    monkeypatch.setenv("HAINA_PASSPORT_SALT", "import-test-salt")
    target = f"sqlite:///{tmp_path / 'import.db'}"
    migrate.upgrade(target)
    yield target
    db.dispose(target)


def write_json(path, **parts) -> str:
    path.write_text(json.dumps(parts, ensure_ascii=False), encoding="utf-8")
    return str(path)


def counts(url: str) -> tuple[int, int]:
    with db.session_scope(url) as session:
        return (session.scalar(sa.select(sa.func.count(ServicePoint.id))),
                session.scalar(sa.select(sa.func.count(Application.id))))


def test_good_json_file_is_imported_and_hashed(url, tmp_path):
    report = import_file(write_json(tmp_path / "a.json", service_points=[SERVICE_POINT], applications=[APPLICATION]), url=url)
    assert report.ok, report.lines()
    assert (report.counts["service_points"].created, report.counts["applications"].created) == (1, 1)
    with db.session_scope(url) as session:
        app = session.execute(sa.select(Application)).scalar_one()
        assert app.application_number == "SHWP-2026-123456" and app.status == "documents_needed"
        assert app.passport_hash == privacy.passport_hash(PASSPORT) and app.passport_last4 == "5432"
        assert [h.documents for h in app.history] == [None, ["criminal_record"]]
        stored = session.execute(sa.text("SELECT * FROM permit_applications")).mappings().one()
        assert PASSPORT not in json.dumps(dict(stored), default=str)
        point = session.execute(sa.select(ServicePoint)).scalar_one()
        assert point.spoken == ["en", "zh", "fr"] and point.text("name", "ko") == "Test Clinic (ko)"
        assert point.intervals(0) == [(480, 720), (780, 1020)] and point.intervals(4) == [(1320, 1560)]
        assert [c.date.isoformat() for c in point.closures] == ["2026-10-01"] and point.unverified == ["phone"]


def test_reimport_changes_nothing_and_a_changed_row_updates(url, tmp_path):
    path = write_json(tmp_path / "a.json", service_points=[SERVICE_POINT], applications=[APPLICATION])
    import_file(path, url=url)
    again = import_file(path, url=url)
    assert again.ok and not again.changed
    assert (again.counts["service_points"].unchanged, again.counts["applications"].unchanged) == (1, 1)

    point, app = copy.deepcopy(SERVICE_POINT), copy.deepcopy(APPLICATION)
    point["languages"] = ["zh", "en"]
    point["name"]["de"] = "Testklinik"
    point["hours"]["sat"] = "09:00-12:00"
    app["history"].append({"status": "under_review", "date": "2026-09-20"})
    changed = import_file(write_json(tmp_path / "b.json", service_points=[point], applications=[app]), url=url)
    assert changed.ok and changed.counts["service_points"].updated == 1 and changed.counts["applications"].updated == 1
    with db.session_scope(url) as session:
        stored = session.execute(sa.select(ServicePoint)).scalar_one()
        assert stored.spoken == ["zh", "en"] and stored.text("name", "de") == "Testklinik"
        assert stored.intervals(5) == [(540, 720)]
        assert session.execute(sa.select(Application)).scalar_one().status == "under_review"
    assert import_file(str(tmp_path / "b.json"), url=url).changed is False
    assert counts(url) == (1, 1)


def test_a_file_with_one_bad_row_changes_nothing(url, tmp_path):
    good = import_file(write_json(tmp_path / "a.json", service_points=[SERVICE_POINT]), url=url)
    assert good.ok
    renamed = copy.deepcopy(SERVICE_POINT) | {"name": texts("Renamed")}
    bad = copy.deepcopy(SERVICE_POINT) | {"ref": "sp-bad", "district": "Pudongg"}
    report = import_file(write_json(tmp_path / "b.json", service_points=[renamed, bad]), url=url)
    assert not report.ok
    assert report.lines() == [
        "row 2 (sp-bad): district 'Pudongg' is not one of the 16 districts",
        f"1 problem(s) in {tmp_path / 'b.json'}; nothing was imported.",
    ]
    with db.session_scope(url) as session:
        assert session.execute(sa.select(ServicePoint)).scalar_one().text("name", "en") == "Test Clinic (en)"


def test_every_problem_of_a_bad_file_is_reported_in_plain_words(url, tmp_path):
    bad_point = {"ref": "Bad Ref", "category": "hospitl", "district": "pudong", "name": {"en": "Only English"},
                 "address": texts("x"), "lat": 39.9, "lon": "east", "website": "www.example.org", "languages": ["english"],
                 "hours": {"mon": "8-17", "sunday": []}, "holidays": "sometimes", "unverified": ["colour"]}
    bad_app = {"application_number": "SHWP-26-1", "type": "residence_permit", "passport_number": "E12!",
               "date_of_birth": "14/03/1988", "nationality": "Germany", "submitted": "2026-09-01",
               "history": [{"status": "approved", "date": "2026-08-01"}, {"status": "rejected", "date": "2026-08-30"}]}
    report = import_file(write_json(tmp_path / "bad.json", service_points=[bad_point], applications=[bad_app]), url=url)
    text = "\n".join(report.lines())
    for expected in ["ref 'Bad Ref' may hold only", "category 'hospitl' is not one of", "name has no text in zh, ja",
                     "lat 39.9 is outside Shanghai", "lon 'east' is not a number", "website 'www.example.org' is not a web address",
                     "'english' in languages is not a language code", "opening hours for mon '8-17' are not like 08:00-17:00",
                     "hours has an unknown day 'sunday'", "holidays 'sometimes' is not one of closed, open, unknown",
                     "'colour' in unverified is not a field name", "source is missing",
                     "application number 'SHWP-26-1' is not like SHWP-2026-004217",
                     "passport_number is not a passport number", "date_of_birth is not a plausible date",
                     "nationality 'Germany' is not a two-letter country code", "history entry 1 (2026-08-01) is before the submitted date",
                     "history entry 2: rejected needs a reason"]:
        assert expected in text, expected
    assert "E12!" not in text and "14/03/1988" not in text  # never the passport or the birth date
    assert counts(url) == (0, 0)


def test_problems_are_reported_in_the_chosen_language(url, tmp_path):
    bad = copy.deepcopy(SERVICE_POINT) | {"district": "Pudongg"}
    report = import_file(write_json(tmp_path / "bad.json", service_points=[bad]), url=url)
    assert report.problems[0].message("zh") == "第1行（sp-test-clinic）：区“Pudongg”不是上海16个区之一"
    assert report.problems[0].message("de") == "Zeile 1 (sp-test-clinic): der Bezirk „Pudongg“ ist keiner der 16 Bezirke"


def test_duplicates_and_number_type_mismatch(url, tmp_path):
    rp = copy.deepcopy(APPLICATION) | {"type": "residence_permit"}
    report = import_file(write_json(tmp_path / "d.json", service_points=[SERVICE_POINT, SERVICE_POINT], applications=[rp]), url=url)
    text = "\n".join(report.lines())
    assert "row 2 (sp-test-clinic): ref 'sp-test-clinic' appears twice (first in row 1)" in text
    assert "SHWP-2026-123456 does not fit type residence_permit" in text


SP_HEADER = (["ref", "category", "district"] + [f"{f}_{lang}" for f in ("name", "address") for lang in LANGUAGES]
             + ["lat", "lon", "phone", "website", "languages"] + [f"hours_{d}" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
             + ["holidays", "closures", "unverified", "source", "demo"])


def sp_row(ref: str, district: str = "xuhui", mon: str = "08:00-11:30;13:00-17:00") -> list[str]:
    return ([ref, "pharmacy", district] + [f"Pharmacy {lang}" for lang in LANGUAGES] + [f"Road {lang}" for lang in LANGUAGES]
            + ["31.19", "121.43", "021-64370045", "https://pharmacy.example.org", "zh;en", mon, "", "", "", "", "", "24h",
               "unknown", "2026-10-01;2026-10-02", "hours", "https://pharmacy.example.org/hours", "false"])


def write_csv(path, header, rows) -> str:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def test_service_points_from_csv(url, tmp_path):
    path = write_csv(tmp_path / "sp.csv", SP_HEADER, [sp_row("sp-a"), sp_row("sp-b")])
    report = import_file(path, url=url)
    assert report.ok, report.lines()
    with db.session_scope(url) as session:
        point = session.execute(sa.select(ServicePoint).where(ServicePoint.ref == "sp-a")).scalar_one()
        assert point.intervals(0) == [(480, 690), (780, 1020)] and point.intervals(6) == [(0, 1440)]
        assert point.spoken == ["zh", "en"] and len(point.closures) == 2 and point.unverified == ["hours"]
    assert import_file(path, url=url).changed is False
    bad = write_csv(tmp_path / "bad.csv", SP_HEADER, [sp_row("sp-a"), sp_row("sp-c", "pudongg"), sp_row("sp-d", mon="8h-17h")])
    lines = import_file(bad, url=url).lines()
    assert lines[:2] == ["row 3 (sp-c): district 'pudongg' is not one of the 16 districts",
                         "row 4 (sp-d): opening hours for mon '8h-17h' are not like 08:00-17:00 (several: 08:00-11:30;13:00-17:00)"]
    assert counts(url) == (2, 0)


APP_HEADER = ["application_number", "type", "category", "passport_number", "date_of_birth", "nationality", "employer",
              "submitted", "status", "date", "documents", "reason", "demo"]


def test_applications_from_csv_one_row_per_status(url, tmp_path):
    base = ["SHRP-2026-000777", "residence_permit", "", "G11223344", "1985-02-03", "KR", "Test Co", "2026-10-02"]
    rows = [base + ["submitted", "2026-10-02", "", "", "true"],
            base + ["documents_needed", "2026-10-06", "health_certificate;photo", "", "true"],
            base + ["rejected", "2026-10-20", "", "documents_not_provided", "true"]]
    report = import_file(write_csv(tmp_path / "apps.csv", APP_HEADER, rows), url=url)
    assert report.ok, report.lines()
    with db.session_scope(url) as session:
        app = session.execute(sa.select(Application)).scalar_one()
        assert [h.status for h in app.history] == ["submitted", "documents_needed", "rejected"]
        assert app.history[1].documents == ["health_certificate", "photo"] and app.history[2].reason == "documents_not_provided"
    differing = [rows[0], base[:5] + ["JP"] + base[6:] + ["under_review", "2026-10-03", "", "", "true"]]
    lines = import_file(write_csv(tmp_path / "diff.csv", APP_HEADER, differing), url=url).lines()
    assert lines[0] == "row 3 (SHRP-2026-000777): nationality differs from row 2 of the same application"


def test_file_level_problems(url, tmp_path):
    (tmp_path / "broken.json").write_text('{"service_points": [', encoding="utf-8")
    assert "is not valid JSON" in import_file(str(tmp_path / "broken.json"), url=url).lines()[0]
    (tmp_path / "odd.csv").write_text("name,colour\nx,y\n", encoding="utf-8")
    assert "use --kind" in import_file(str(tmp_path / "odd.csv"), url=url).lines()[0]
    assert "cannot read" in import_file(str(tmp_path / "missing.json"), url=url).lines()[0]
    write_json(tmp_path / "other.json", shops=[])
    assert "unknown top-level keys: shops" in import_file(str(tmp_path / "other.json"), url=url).lines()[0]


def test_dry_run_counts_but_writes_nothing(url, tmp_path):
    report = import_file(write_json(tmp_path / "a.json", service_points=[SERVICE_POINT]), url=url, dry_run=True)
    assert report.ok and report.counts["service_points"].created == 1
    assert "Dry run" in report.lines()[-1]
    assert counts(url) == (0, 0)


def test_cli_reports_problems_with_exit_code_and_never_prints_the_passport(url, tmp_path):
    bad = copy.deepcopy(APPLICATION) | {"nationality": "XX"}
    path = write_json(tmp_path / "bad.json", applications=[bad])
    run = subprocess.run([sys.executable, "-m", "haina.cli", "import", path, "--database", url, "--language", "fr"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "ligne 1 (SHWP-2026-123456) : la nationalité « XX » n'est pas un code pays à deux lettres" in run.stdout
    assert PASSPORT not in run.stdout + run.stderr
    good = write_json(tmp_path / "good.json", applications=[APPLICATION])
    run = subprocess.run([sys.executable, "-m", "haina.cli", "import", good, "--database", url],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "Applications: 1 new, 0 updated, 0 unchanged" in run.stdout
    assert PASSPORT not in run.stdout + run.stderr


def test_the_seed_files_are_valid(url):
    from haina.db.ready import seed_files

    for path in seed_files():
        report = import_file(path, url=url, dry_run=True)
        assert report.ok, report.lines()
