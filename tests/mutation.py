"""`make mutation`: the mutation score of the pure modules, each against its own test file (mutmut).

Each module gets its own working directory under `.local/mutation/<module>/`: a copy of pyproject.toml with a
`[tool.mutmut]` section for that module and its test file, and links to the project's packages, templates and
tests (mutmut copies them into `mutants/` and mutates only that module). The run ends with the score of each
module and every surviving mutant, with its diff; `docs/mutation.md` says which survivors cannot change
behaviour.

Usage: python -m tests.mutation [module ...]   (default: every module below)
Not part of `make test`: it takes minutes of CPU.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".local" / "mutation"
MUTMUT = Path(sys.executable).parent / "mutmut"

# module -> its own test files (pure tests: each mutant runs in a fraction of a second)
MODULES = {
    "families/workflow.py": ["tests/families/test_workflow_rules.py"],
    "commissions/scoring.py": ["tests/commissions/test_scoring.py", "tests/commissions/test_scoring_edges.py"],
    "creches/fees.py": ["tests/creches/test_fees.py", "tests/creches/test_fees_sentences.py"],
    "commissions/matching.py": ["tests/commissions/test_matching.py", "tests/commissions/test_matching_edges.py"],
}
PACKAGES = ["portal", "families", "creches", "rpe", "commissions", "observatoire"]
ALSO_LINKED = ["templates", "static", "locale", "manage.py", "tests"]
# Half the machine at most: the cores are shared.
MAX_CHILDREN = os.environ.get("MUTATION_CHILDREN", "1")


def toml_list(values):
    return "[" + ", ".join(json.dumps(value) for value in values) + "]"


def prepare(module, test_files):
    work = WORK / Path(module).stem
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for name in PACKAGES + ALSO_LINKED:
        (work / name).symlink_to(ROOT / name)
    config = (ROOT / "pyproject.toml").read_text()
    config += f"""
[tool.mutmut]
source_paths = {toml_list(PACKAGES)}
only_mutate = {toml_list([module])}
also_copy = {toml_list(ALSO_LINKED)}
pytest_add_cli_args_test_selection = {toml_list(test_files)}
pytest_add_cli_args = ["-q"]
"""
    (work / "pyproject.toml").write_text(config)
    return work


def mutmut(work, *args, capture=False):
    return subprocess.run([str(MUTMUT), *args], cwd=work, check=False, text=True, capture_output=capture)


def survivors(work):
    listing = mutmut(work, "results", capture=True).stdout
    return [line.split(":")[0].strip() for line in listing.splitlines() if line.strip().endswith(": survived")]


def score_of(module, test_files):
    work = prepare(module, test_files)
    mutmut(work, "run", "--max-children", MAX_CHILDREN, capture=True)
    mutmut(work, "export-cicd-stats", capture=True)
    stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text())
    detected = stats["killed"] + stats["timeout"]
    counted = stats["total"] - stats["skipped"]
    names = survivors(work)
    print(f"\n=== {module} against {', '.join(test_files)}")
    print(f"{detected} of {counted} mutants detected: {100 * detected / counted:.1f} %  ({json.dumps(stats)})")
    for name in names:
        print(mutmut(work, "show", name, capture=True).stdout.rstrip())
    return module, detected, counted, len(names)


def main(modules):
    results = [score_of(module, MODULES[module]) for module in modules]
    print("\n=== mutation scores")
    for module, detected, counted, surviving in results:
        print(f"{module:28} {100 * detected / counted:5.1f} %  ({detected}/{counted}, {surviving} survivors)")


if __name__ == "__main__":
    main(sys.argv[1:] or list(MODULES))
