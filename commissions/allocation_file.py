"""`manage.py allocate_places --input P.json --output R.json`: the allocation engine on files (contract:
shared/contracts/allocation.md).

The run is pure computation on files, so this module imports nothing from Django: manage.py calls `main`
before Django's start, which would import every app (0.65 s of the 1.5 s the contract allows for 30,000
applicants). The Django command (`call_command("allocate_places", ...)`) wraps `allocate_file` with the same
messages, translated.
"""

import argparse
import gc
import json
import os
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

from commissions.matching import ProblemError, allocate, parse_problem, result_to_json


def gettext_noop(message: str) -> str:
    # Marks a text for the catalogue (makemessages extracts gettext_noop calls) without importing Django
    # here; the Django command translates it, the fast path shows it in French as written.
    return message


HELP = gettext_noop(
    "Calcule la proposition d'attribution des places (acceptation différée) à partir d'un fichier JSON."
)
HELP_INPUT = gettext_noop("fichier JSON du problème (places, demandes)")
HELP_OUTPUT = gettext_noop("fichier JSON du résultat à écrire")
CANNOT_READ = gettext_noop("Impossible de lire « %(path)s » : %(error)s")
INVALID_JSON = gettext_noop("Fichier « %(path)s » : JSON invalide (ligne %(line)d, colonne %(column)d).")
DUPLICATE_KEY = gettext_noop("Fichier JSON invalide : clé « %(key)s » en double dans un même objet.")
REFUSED = gettext_noop("Problème refusé : %(reason)s")
CANNOT_WRITE = gettext_noop("Impossible d'écrire « %(path)s » : %(error)s")
SUMMARY = gettext_noop(
    "%(placed)d places attribuées sur %(places)d, %(applicants)d candidats, temps moteur %(ms).0f ms."
)


class AllocationFileError(Exception):
    """The run is refused and nothing is written. `message` is the French text before translation."""

    def __init__(self, message: str, **params):
        super().__init__(message % params)
        self.message, self.params = message, params


@dataclass(frozen=True)
class Summary:
    placed: int
    places: int
    applicants: int
    ms: float

    def params(self) -> dict:
        return {"placed": self.placed, "places": self.places, "applicants": self.applicants, "ms": self.ms}


def allocate_file(source: Path, target: Path) -> Summary:
    """Read the problem, allocate, write the result atomically; refuse bad input before writing anything."""
    # Some 10^5 acyclic objects are built and dropped at once: the cyclic collector would rescan them
    # over and over for nothing (about a third of the run at 30,000 applicants).
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            problem = parse_problem(_read(source))
        except ProblemError as error:
            raise AllocationFileError(REFUSED, reason=error) from error
        started = time.perf_counter()
        result = allocate(problem)
        elapsed_ms = (time.perf_counter() - started) * 1000
        _write_atomically(target, _encode(result_to_json(result)))
    finally:
        if collecting:
            gc.enable()
    placed = sum(1 for place in result.assignments.values() if place is not None)
    places = sum(seat.capacity for seat in problem.seats)
    return Summary(placed, places, len(problem.applicants), elapsed_ms)


def _refuse_duplicate_keys(pairs: list) -> dict:
    # json keeps the last of two equal keys silently; a problem file that says two things is refused.
    data = dict(pairs)
    if len(data) < len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise AllocationFileError(DUPLICATE_KEY, key=key)
            seen.add(key)
    return data


def _read(source: Path):
    try:
        text = source.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AllocationFileError(CANNOT_READ, path=source, error=error) from error
    try:
        # The standard decoder, not orjson's: only it lets a hook see every key of an object.
        return json.loads(text, object_pairs_hook=_refuse_duplicate_keys)
    except json.JSONDecodeError as error:
        raise AllocationFileError(INVALID_JSON, path=source, line=error.lineno, column=error.colno) from error


def _encode(output: dict) -> bytes:
    """The same bytes as `json.dumps(output, ensure_ascii=False, indent=2, sort_keys=True)`, 20 times faster."""
    try:
        return orjson.dumps(output, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    except orjson.JSONEncodeError:
        # Only an integer beyond 64 bits (an absurd capacity) gets here: the standard library writes it.
        return (json.dumps(output, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _write_atomically(target: Path, payload: bytes) -> None:
    # A temporary file in the same directory, then os.replace: readers see the old file or the whole
    # new one, never a half-written result; on failure the temporary file goes and nothing else moves.
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("xb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise AllocationFileError(CANNOT_WRITE, path=target, error=error) from error


def main(argv: list[str]) -> int:
    """`manage.py allocate_places --input P --output R` without Django: French messages, exit status 1 on
    refusal, as the Django command (whose error line it keeps: scripts may read it)."""
    parser = argparse.ArgumentParser(prog=f"{Path(argv[0]).name} {argv[1]}", description=HELP)
    parser.add_argument("--input", required=True, type=Path, help=HELP_INPUT)
    parser.add_argument("--output", required=True, type=Path, help=HELP_OUTPUT)
    options = parser.parse_args(argv[2:])
    try:
        summary = allocate_file(options.input, options.output)
    except AllocationFileError as error:
        sys.stderr.write(f"CommandError: {error}\n")
        return 1
    sys.stdout.write(SUMMARY % summary.params() + "\n")
    return 0
