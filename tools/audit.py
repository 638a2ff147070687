"""`make audit` (part of `make quality`): pip-audit on the production lock, what the image installs.

pip-audit asks PyPI's vulnerability data about each pin (https://pypi.org/pypi/NAME/VERSION/json). A known
vulnerability fails the check. When that service cannot be reached (no network, or a registry mirror that
serves only the package index) nothing could be audited: the check says so in full and does not fail, so
that an outage does not block a commit, nor passes for "no known vulnerability".
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PIP_AUDIT = Path(sys.executable).parent / "pip-audit"
LOCK = BASE_DIR / "requirements.lock"
NETWORK_ERRORS = ("ConnectionError", "ProxyError", "ReadTimeout", "ConnectTimeout", "NameResolutionError")


def audit(lock):
    """pip-audit's JSON report of a hashed lock (no resolution: the pins as written), or None if unreachable."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        command = [str(PIP_AUDIT), "--requirement", str(lock), "--disable-pip", "--require-hashes"]
        command += ["--vulnerability-service", "pypi", "--progress-spinner", "off", "--format", "json"]
        command += ["--output", str(report)]
        finished = subprocess.run(command, cwd=BASE_DIR, capture_output=True, text=True, check=False)
        if report.exists() and report.read_text():
            return json.loads(report.read_text())
    if any(error in finished.stderr for error in NETWORK_ERRORS):
        return None
    sys.exit(f"pip-audit a échoué ({finished.returncode}) :\n{finished.stderr}")


def main():
    report = audit(LOCK)
    if report is None:
        print(f"AVERTISSEMENT pip-audit : service de vulnérabilités injoignable, {LOCK.name} n'est PAS audité.")
        return 0
    dependencies = report["dependencies"]
    vulnerable = [dependency for dependency in dependencies if dependency.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln["fix_versions"]) or "aucune"
            print(f"{dependency['name']} {dependency['version']} : {vuln['id']} (corrigé en : {fixed})")
    if vulnerable:
        return 1
    skipped = [dependency for dependency in dependencies if dependency.get("skip_reason")]
    if skipped:
        print(
            f"AVERTISSEMENT pip-audit : {len(skipped)} paquets sur {len(dependencies)} de {LOCK.name} non audités"
            f" ({skipped[0]['skip_reason']})."
        )
        return 0
    print(f"pip-audit : {len(dependencies)} paquets de {LOCK.name}, aucune vulnérabilité connue.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
