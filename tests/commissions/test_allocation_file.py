"""`manage.py allocate_places` as a script runs it (commissions/allocation_file.py): without Django's start,
with the same output, messages and refusals as the Django command (tested in test_matching.py)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from commissions.allocation_file import allocate_file
from commissions.matching import allocate, parse_problem, result_to_json

ROOT = Path(__file__).resolve().parent.parent.parent


def seat(establishment, capacity, section="bebes", **reserved):
    return {"establishment": establishment, "section": section, "capacity": capacity, "reserved": reserved}


def applicant(identifier, score, *wishes, date="2026-03-02T09:15:00Z", **extra):
    return {
        "id": identifier,
        "score": score,
        "submitted_at": date,
        "section": "bebes",
        "wishes": list(wishes),
        **extra,
    }


PROBLEM = {
    "seats": [seat("E1", 1), seat("E2", 2, insertion=1)],
    "applicants": [
        applicant("D-1", 14.5, "E1", "E2"),
        applicant("D-2", 20, "E1", "E2", flags=["insertion"], bonus={"E2": 2.5}),
        applicant("D-3", 3, "E1", "E2", date="2025-12-31T23:00:00+01:00"),
        applicant("D-4", 3, "E3", "E1", "E2"),
    ],
}


def manage(*args, tmp_path):
    return subprocess.run(  # noqa: S603 (our own manage.py, arguments from the test)
        [sys.executable, str(ROOT / "manage.py"), "allocate_places", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_script_writes_the_standard_library_json_of_the_result(tmp_path):
    source, target = tmp_path / "problem.json", tmp_path / "result.json"
    source.write_text(json.dumps(PROBLEM), encoding="utf-8")
    run = manage("--input", str(source), "--output", str(target), tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr
    expected = json.dumps(
        result_to_json(allocate(parse_problem(PROBLEM))), ensure_ascii=False, indent=2, sort_keys=True
    )
    assert target.read_text(encoding="utf-8") == expected + "\n"
    assert run.stdout.startswith("3 places attribuées sur 3, 4 candidats, temps moteur ")
    assert run.stderr == ""


def test_the_script_starts_without_importing_django(tmp_path):
    source, target = tmp_path / "problem.json", tmp_path / "result.json"
    source.write_text(json.dumps(PROBLEM), encoding="utf-8")
    traced = subprocess.run(  # noqa: S603
        [sys.executable, "-X", "importtime", str(ROOT / "manage.py"), "allocate_places"]
        + ["--input", str(source), "--output", str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.split("|")[-1].strip() for line in traced.stderr.splitlines() if line.startswith("import time:")}
    assert "commissions.matching" in imported  # the trace is read right
    assert not {name for name in imported if name.split(".")[0] == "django"}
    assert json.loads(target.read_text(encoding="utf-8"))["assignments"]["D-2"] == {
        "establishment": "E1",
        "section": "bebes",
    }


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"seats": [], "applicants": [', "JSON invalide (ligne 1, colonne"),
        ('{"seats": [], "applicants": [], "seats": []}', "clé « seats » en double dans un même objet"),
        (json.dumps({"seats": [seat("E1", 2, insertion=3)], "applicants": []}), "groupe E1/bebes : places réservées"),
        (
            json.dumps({"seats": [], "applicants": [applicant("D-7", 1, "E1"), applicant("D-7", 2, "E1")]}),
            "Problème refusé : candidat D-7 : identifiant en double",
        ),
    ],
    ids=["broken JSON", "duplicate key", "reservations above capacity", "duplicate id"],
)
def test_the_script_refuses_bad_input_in_french_exits_1_and_writes_nothing(tmp_path, content, message):
    source, target = tmp_path / "problem.json", tmp_path / "result.json"
    source.write_text(content, encoding="utf-8")
    run = manage("--input", str(source), "--output", str(target), tmp_path=tmp_path)
    assert run.returncode == 1
    assert run.stderr.startswith("CommandError: ")
    assert message in run.stderr
    assert run.stdout == ""
    assert [path.name for path in tmp_path.iterdir()] == ["problem.json"]


def test_the_script_refuses_an_unreadable_input_and_a_missing_option(tmp_path):
    run = manage("--input", str(tmp_path / "absent.json"), "--output", str(tmp_path / "r.json"), tmp_path=tmp_path)
    assert run.returncode == 1
    assert "Impossible de lire" in run.stderr
    missing = manage("--input", str(tmp_path / "absent.json"), tmp_path=tmp_path)
    assert missing.returncode == 2
    assert "--output" in missing.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_capacity_beyond_64_bits_is_still_written_as_the_standard_library_does(tmp_path):
    # orjson refuses integers beyond 64 bits: the file is then written by the standard library, same JSON.
    problem = {"seats": [seat("E1", 2**70)], "applicants": [applicant("D-1", 1, "E1")]}
    source, target = tmp_path / "problem.json", tmp_path / "result.json"
    source.write_text(json.dumps(problem), encoding="utf-8")
    summary = allocate_file(source, target)
    assert (summary.placed, summary.places, summary.applicants) == (1, 2**70, 1)
    expected = json.dumps(
        result_to_json(allocate(parse_problem(problem))), ensure_ascii=False, indent=2, sort_keys=True
    )
    assert target.read_text(encoding="utf-8") == expected + "\n"
