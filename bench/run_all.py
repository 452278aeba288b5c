"""Run every benchmark in bench/ at a quick size and print their figures (`make bench`).

Each benchmark prints its own numbers beside its named baseline; run a single script without
these arguments for the sizes quoted in the issues (docs/performance.md). The list is explicit
and in order (bench/portal/home_version.py reads the database bench/portal/run.py fills);
gridgov/core/tests/test_bench_runner.py checks that every script in bench/ is listed here or
named as a tool, and that every argument given exists in its script.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHES = [  # (script, quick arguments)
    ("partition/run.py", ["--quick"]),
    ("partition/real_osm.py", []),  # one seed is its default
    ("registry/import_bench.py", ["--rows", "50000"]),
    ("registry/search_bench.py", ["--rows", "50000"]),
    ("cases/eval_bench.py", ["--cases", "20000", "--runs", "2", "--list-runs", "2"]),
    ("cases/open311_bench.py", ["--seconds", "5"]),
    ("party/score_bench.py", ["--members", "3000", "--activities", "60000"]),
    ("services/run.py", ["--small"]),
    ("utilities/bench.py", ["--rows", "50000"]),
    ("kiosk/run.py", ["--policies", "200", "--accounts", "2000"]),
    ("portal/run.py", ["--readers", "30", "--bookers", "10", "--seconds", "5"]),
    ("portal/home_version.py", ["--n", "300"]),
    ("screen/run.py", ["--cycles", "200"]),
    ("demo/run.py", ["--scale", "small"]),
    ("pages/run.py", ["--scale", "tiny", "--db", "sqlite", "--repeat", "2"]),
    ("ui/lists.py", ["--runs", "5"]),
]

TOOLS = {  # scripts in bench/ that are not benchmarks
    "partition/derive_places.py": "derives the real-place test corpus from pinned PyPI wheels",
    "screen/shots.py": "screenshots of a running server's big screen",
}


def main():
    failed = []
    for rel, args in BENCHES:
        print(f"\n=== {rel} {' '.join(args)} ===", flush=True)
        if subprocess.call([sys.executable, str(HERE / rel), *args], cwd=HERE.parent) != 0:
            failed.append(rel)
    if failed:
        print(f"\n失败：{', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
