"""`make bench`: run every benchmark script and gather their numbers in bench/results.json."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "tenancy_bench.py",
    "bench_matching.py",
    "guichet_queue.py",
    "simulator_bench.py",
    "session_bench.py",
    "pages_bench.py",
    "outbox_bench.py",
    "directory_search.py",
    "booking_bench.py",
    "observatoire_bench.py",
]


def main():
    results = {}
    for script in BENCHMARKS:
        if not (HERE / script).exists():
            continue
        with tempfile.NamedTemporaryFile(suffix=".json") as output:
            print(f"== {script}", flush=True)
            subprocess.run([sys.executable, str(HERE / script), "--json", output.name], check=True)  # noqa: S603
            results.update(json.loads(Path(output.name).read_text() or "{}"))
    (HERE / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"Résultats : {HERE / 'results.json'}")


if __name__ == "__main__":
    main()
