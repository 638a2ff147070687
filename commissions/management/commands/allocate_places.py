"""`allocate_places --input P.json --output R.json`: run the allocation engine on a file (contract:
shared/contracts/allocation.md). Needs no database: the same engine a commission session runs."""

import json
import os
import secrets
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from commissions.matching import ProblemError, allocate, parse_problem, result_to_json


def _refuse_duplicate_keys(pairs):
    # json keeps the last of two equal keys silently; a problem file that says two things is refused.
    data = {}
    for key, value in pairs:
        if key in data:
            message = _("Fichier JSON invalide : clé « %(key)s » en double dans un même objet.")
            raise CommandError(message % {"key": key})
        data[key] = value
    return data


class Command(BaseCommand):
    help = _("Calcule la proposition d'attribution des places (acceptation différée) à partir d'un fichier JSON.")
    # Pure computation on files: no system checks, no database, so it runs without any tenant.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, type=Path, help=_("fichier JSON du problème (places, demandes)"))
        parser.add_argument("--output", required=True, type=Path, help=_("fichier JSON du résultat à écrire"))

    def handle(self, *args, **options):
        source, target = options["input"], options["output"]
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Impossible de lire « %(path)s » : %(error)s") % {"path": source, "error": error}
            ) from error
        try:
            data = json.loads(text, object_pairs_hook=_refuse_duplicate_keys)
        except json.JSONDecodeError as error:
            raise CommandError(
                _("Fichier « %(path)s » : JSON invalide (ligne %(line)d, colonne %(column)d).")
                % {"path": source, "line": error.lineno, "column": error.colno}
            ) from error
        try:
            problem = parse_problem(data)
        except ProblemError as error:
            raise CommandError(_("Problème refusé : %(reason)s") % {"reason": error}) from error

        started = time.perf_counter()
        result = allocate(problem)
        elapsed_ms = (time.perf_counter() - started) * 1000
        payload = json.dumps(result_to_json(result), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        self._write_atomically(target, payload)

        placed = sum(1 for place in result.assignments.values() if place is not None)
        places = sum(seat.capacity for seat in problem.seats)
        self.stdout.write(
            _("%(placed)d places attribuées sur %(places)d, %(applicants)d candidats, temps moteur %(ms).0f ms.")
            % {"placed": placed, "places": places, "applicants": len(problem.applicants), "ms": elapsed_ms}
        )

    def _write_atomically(self, target: Path, payload: str) -> None:
        # A temporary file in the same directory, then os.replace: readers see the old file or the whole
        # new one, never a half-written result; on failure the temporary file goes and nothing else moves.
        temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            with temporary.open("x", encoding="utf-8") as stream:
                stream.write(payload)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise CommandError(
                _("Impossible d'écrire « %(path)s » : %(error)s") % {"path": target, "error": error}
            ) from error
