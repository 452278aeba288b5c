"""`make bench` (bench/run_all.py) runs every benchmark at a quick size: each script in bench/ is
listed there or named as a tool, and every argument it is given exists in the script (a flag
the script lacks made argparse stop the whole run)."""

import importlib.util
import re
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "bench"


def _runner():
    spec = importlib.util.spec_from_file_location("bench_run_all", BENCH / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_script_is_a_listed_bench_or_a_named_tool():
    runner = _runner()
    listed = [rel for rel, _ in runner.BENCHES]
    assert len(listed) == len(set(listed))
    scripts = {p.relative_to(BENCH).as_posix() for p in BENCH.glob("*/*.py")
               if not p.name.startswith("_") and p.name != "common.py"}
    assert scripts == set(listed) | set(runner.TOOLS)


def test_every_quick_argument_exists_in_its_script():
    for rel, args in _runner().BENCHES:
        declared = set(re.findall(r'add_argument\(\s*"(--[a-z0-9-]+)"', (BENCH / rel).read_text(encoding="utf-8")))
        for flag in (a for a in args if a.startswith("--")):
            assert flag in declared, f"{rel} has no {flag}"
