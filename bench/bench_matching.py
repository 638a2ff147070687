"""Benchmark of the allocation engine (commissions/matching.py), without Django.

    python bench/bench_matching.py [--json out.json]

Builds a seeded synthetic territory (30,000 requests with 5 wishes each over 400 crèches of 3 sections,
about 2.5 requests per place), times the engine, measures its peak memory, and compares the places it
fills with the usual practice: each crèche offers its places to its own best applicants at once, each
family keeps the offer it prefers and declines the others, and declined places are not offered again.
Then times the whole `manage.py allocate_places` on that problem as a subprocess (Python's start, reading,
allocating, writing the 30 MB result: the contract's 1.5 s), with the machine's load average.
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as a script from anywhere: make the project root importable.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from commissions.matching import allocate, choose, parse_problem, result_to_json  # noqa: E402

SECTIONS = {"bebes": 0.45, "moyens": 0.35, "grands": 0.20}  # share of the requests
GRID = 10  # the territory is a GRID x GRID map of neighbourhoods


def make_problem(*, seed: int, applicants: int, establishments: int, wishes: int, ratio: float) -> dict:
    """A problem in the contract's JSON shape: families list crèches near home, popular ones more often."""
    rng = random.Random(seed)
    sites = [(rng.randrange(GRID), rng.randrange(GRID)) for _ in range(establishments)]
    popularity = [rng.lognormvariate(0, 0.9) for _ in range(establishments)]
    size = [rng.choice((0.5, 1, 1, 1.5, 2, 3)) for _ in range(establishments)]  # micro-crèche to large one
    names = [f"E{e:03d}" for e in range(establishments)]

    seats = []
    for section, share in SECTIONS.items():
        supply = applicants * share / ratio
        for e in range(establishments):
            capacity = max(1, round(supply * size[e] / sum(size) * rng.uniform(0.8, 1.2)))
            reserved = {}
            if capacity >= 4 and rng.random() < 0.25:
                reserved["insertion"] = 1
            if capacity >= 6 and rng.random() < 0.10:
                reserved["handicap"] = 1
            seats.append({"establishment": names[e], "section": section, "capacity": capacity, "reserved": reserved})

    nearby = {}
    for e, (x, y) in enumerate(sites):
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                nearby.setdefault((x + dx, y + dy), []).append(e)

    start = datetime(2025, 1, 1, tzinfo=UTC)
    bulk_import = "2025-09-01T00:00:00Z"  # paper files keyed in at once: many identical dates
    people = []
    for n in range(applicants):
        home = (rng.randrange(GRID), rng.randrange(GRID))
        around = nearby.get(home) or list(range(establishments))
        weights = [popularity[e] for e in around]
        listed = []
        while len(listed) < min(wishes, len(around)):
            e = rng.choices(around, weights)[0]
            if names[e] not in listed:
                listed.append(names[e])
        submitted_at = (start + timedelta(seconds=rng.randrange(420 * 86400))).strftime("%Y-%m-%dT%H:%M:%SZ")
        person = {
            "id": f"D-{n:05d}",
            "score": round(rng.triangular(0, 40, 12) * 2) / 2,  # points grid in half points: many ties
            "submitted_at": bulk_import if rng.random() < 0.05 else submitted_at,
            "section": rng.choices(list(SECTIONS), list(SECTIONS.values()))[0],
            "wishes": listed,
            "flags": [flag for flag, rate in (("insertion", 0.08), ("handicap", 0.02)) if rng.random() < rate],
        }
        if rng.random() < 0.10:
            person["bonus"] = {rng.choice(listed): 2.0}
        people.append(person)
    return {"seats": seats, "applicants": people}


def usual_practice(problem) -> dict[str, str]:
    """One round of independent offers: applicant id -> establishment kept; declined places stay empty."""
    listing = {seat.key: [] for seat in problem.seats}
    for applicant in problem.applicants:
        for establishment in applicant.wishes:
            key = (establishment, applicant.section)
            if key in listing:
                listing[key].append(applicant)
    offers = {}
    for seat in problem.seats:
        for applicant in choose(seat, listing[seat.key]):
            offers.setdefault(applicant.id, []).append(seat.establishment)
    by_id = {applicant.id: applicant for applicant in problem.applicants}
    return {aid: min(offered, key=by_id[aid].wishes.index) for aid, offered in offers.items()}


def measure(problem, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        result = allocate(problem)
        times.append(time.perf_counter() - began)
    tracemalloc.start()
    allocate(problem)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    began = time.perf_counter()
    result_to_json(result)
    output_time = time.perf_counter() - began
    return {
        "result": result,
        "best": min(times),
        "median": statistics.median(times),
        "peak": peak,
        "output": output_time,
    }


def time_command(data: dict, assignments: dict, repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU times of `manage.py allocate_places` on `data`, each run checked against the engine's
    assignments. The CPU time (user + system) moves less than the wall time on a loaded machine."""
    times, cpu = [], []
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "problem.json", Path(folder) / "result.json"
        source.write_text(json.dumps(data), encoding="utf-8")
        command = [sys.executable, str(ROOT / "manage.py"), "allocate_places", "--input", str(source)]
        for _ in range(repeat):
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            began = time.perf_counter()
            subprocess.run([*command, "--output", str(target)], check=True, capture_output=True)  # noqa: S603
            times.append(time.perf_counter() - began)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
            written = json.loads(target.read_text(encoding="utf-8"))["assignments"]
            expected = {
                aid: place and {"establishment": place[0], "section": place[1]} for aid, place in assignments.items()
            }
            if written != expected:
                raise SystemExit("allocate_places n'écrit pas les affectations du moteur")
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--applicants", type=int, default=30_000)
    parser.add_argument("--establishments", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    data = make_problem(
        seed=args.seed, applicants=args.applicants, establishments=args.establishments, wishes=5, ratio=2.5
    )
    began = time.perf_counter()
    problem = parse_problem(data)
    parse_time = time.perf_counter() - began
    run = measure(problem, args.repeat)
    assignments = run["result"].assignments
    usual = usual_practice(problem)

    command_times, command_cpu = time_command(data, assignments, args.repeat)
    load = os.getloadavg()[0]

    first_wish = {applicant.id: applicant.wishes[0] for applicant in problem.applicants}
    places = sum(seat.capacity for seat in problem.seats)
    figures = {
        "matching_applicants": len(problem.applicants),
        "matching_seat_groups": len(problem.seats),
        "matching_places": places,
        "matching_parse_ms": round(parse_time * 1000, 1),
        "matching_engine_best_ms": round(run["best"] * 1000, 1),
        "matching_engine_median_ms": round(run["median"] * 1000, 1),
        "matching_output_ms": round(run["output"] * 1000, 1),
        "matching_engine_peak_mib": round(run["peak"] / 2**20, 1),
        "matching_process_maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "matching_filled_engine": sum(1 for place in assignments.values() if place is not None),
        "matching_filled_usual": len(usual),
        "matching_first_wish_engine": sum(
            1 for aid, place in assignments.items() if place is not None and place[0] == first_wish[aid]
        ),
        "matching_first_wish_usual": sum(1 for aid, kept in usual.items() if kept == first_wish[aid]),
        "matching_command_median_s": round(statistics.median(command_times), 2),
        "matching_command_best_s": round(min(command_times), 2),
        "matching_command_cpu_median_s": round(statistics.median(command_cpu), 2),
        "matching_load_average": round(load, 2),
    }

    f = figures
    print(
        f"{f['matching_applicants']} demandes, {f['matching_seat_groups']} groupes de places, {places} places\n"
        f"moteur : meilleur {f['matching_engine_best_ms']} ms, médiane {f['matching_engine_median_ms']} ms "
        f"(sur {args.repeat}), pic mémoire {f['matching_engine_peak_mib']} Mio "
        f"(processus : {f['matching_process_maxrss_mib']} Mio) ; lecture {f['matching_parse_ms']} ms, "
        f"sortie JSON {f['matching_output_ms']} ms\n"
        f"places pourvues : moteur {f['matching_filled_engine']}, pratique usuelle {f['matching_filled_usual']}\n"
        f"premier vœu obtenu : moteur {f['matching_first_wish_engine']}, "
        f"pratique usuelle {f['matching_first_wish_usual']}\n"
        f"commande manage.py allocate_places (processus entier) : médiane {f['matching_command_median_s']} s, "
        f"meilleur {f['matching_command_best_s']} s, temps processeur médian {f['matching_command_cpu_median_s']} s "
        f"(sur {args.repeat}, charge {f['matching_load_average']})"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
