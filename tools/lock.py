"""`make lock`: the two lock files, from the ranges of pyproject.toml.

    requirements.lock      production: what the image installs (`pip install --require-hashes`)
    requirements-dev.lock  development and CI only: embedded servers, test and quality tools

uv resolves for every platform and Python version the project allows (--universal) with the hash of
every file PyPI holds for each pin, and keeps the versions already pinned (it reads the lock files back);
`python tools/lock.py --upgrade-package NAME` moves one. Each file has one package per line, sorted by
name, so that two branches adding packages merge line by line.
"""

import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).parent / "uv"
PRODUCTION = BASE_DIR / "requirements.lock"
DEVELOPMENT = BASE_DIR / "requirements-dev.lock"
HEADERS = {
    PRODUCTION: "# Production (the image). Written by `make lock` from pyproject.toml: edit the ranges there.",
    DEVELOPMENT: "# Development and CI, installed with requirements.lock. Written by `make lock` from pyproject.toml.",
}


def compile_lock(output, *options):
    command = [str(UV), "pip", "compile", "pyproject.toml", "--universal", "--generate-hashes"]
    command += ["--no-header", "--no-annotate", "--quiet", "--output-file", str(output), *options]
    subprocess.run(command, cwd=BASE_DIR, check=True)


def package_lines(path):
    """One line per package: uv's backslash-continued hash lines joined, comments dropped."""
    text = re.sub(r"\s*\\\n\s*", " ", path.read_text())
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def name_of(line):
    return re.split(r"[=<>!~;\s\[]", line, maxsplit=1)[0].lower().replace("_", "-")


def write(path, lines):
    path.write_text("\n".join([HEADERS[path], *sorted(lines, key=name_of)]) + "\n")


def main(options):
    compile_lock(PRODUCTION, *options)
    production = package_lines(PRODUCTION)
    write(PRODUCTION, production)

    compile_lock(DEVELOPMENT, "--extra", "dev", "--constraint", str(PRODUCTION), *options)
    pinned = {name_of(line) for line in production}
    write(DEVELOPMENT, [line for line in package_lines(DEVELOPMENT) if name_of(line) not in pinned])


if __name__ == "__main__":
    main(sys.argv[1:])
