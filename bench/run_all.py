"""Run every benchmark in bench/ at a quick size and print their figures (`make bench`).

Each benchmark prints its own numbers beside its named baseline; pass --full to a single
benchmark script for the sizes quoted in the issues.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK = {
    "partition/run.py": ["--quick"],
    "partition/real_osm.py": ["--quick"],
    "pages/run.py": ["--scale", "tiny", "--db", "sqlite", "--repeat", "2"],
}


def main():
    scripts = sorted(p for p in HERE.glob("*/*.py") if not p.name.startswith("_") and p.name != "common.py")
    failed = 0
    for script in scripts:
        rel = str(script.relative_to(HERE))
        print(f"\n=== {rel} ===", flush=True)
        rc = subprocess.call([sys.executable, str(script), *QUICK.get(rel, [])], cwd=HERE.parent)
        failed += rc != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
