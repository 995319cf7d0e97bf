#!/usr/bin/env python3
"""Report the system packages the portal needs that this machine lacks, with the fix."""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wanted(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def installed(package: str) -> bool:
    if shutil.which("dpkg-query") is None:
        return False
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
    )
    return result.returncode == 0 and "install ok installed" in result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quiet", action="store_true", help="print only what is missing")
    args = parser.parse_args()
    if shutil.which("dpkg-query") is None:
        print("doctor: not a Debian-like system; install the equivalents of", file=sys.stderr)
        print("  " + " ".join(wanted(ROOT / "requirements/system.txt")), file=sys.stderr)
        return 1
    missing = {}
    for name in ("system.txt", "system-test.txt"):
        missing[name] = [p for p in wanted(ROOT / "requirements" / name) if not installed(p)]
    if not any(missing.values()):
        if not args.quiet:
            print("doctor: every system package the portal and its tests need is installed.")
        return 0
    if missing["system.txt"]:
        print("doctor: the portal needs these system packages: " + " ".join(missing["system.txt"]))
    if missing["system-test.txt"]:
        print("doctor: the browser tests need: " + " ".join(missing["system-test.txt"]))
    every = missing["system.txt"] + missing["system-test.txt"]
    print("  install them with: sudo apt-get update && sudo apt-get install -y " + " ".join(every))
    return 1


if __name__ == "__main__":
    sys.exit(main())
