"""`make run` stops cleanly on Ctrl-C (issue #12 §3): no make "Segmentation fault" line, no
worker killed by SIGTERM. The recipe's serving lines run with stand-ins for the job worker
and the web server that report how they were stopped."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

FAKE = """#!{python}
# stand-in for {name}: says which signal stopped it (Python, like the real ones, may handle a
# signal its shell started it with ignored)
import signal, sys, time
def stop(signum, frame):
    print("{name}: graceful" if signum == signal.SIG{graceful} else "{name}: ERROR killed by {abrupt}", flush=True)
    sys.exit(0)
signal.signal(signal.SIGINT, stop)
signal.signal(signal.SIGTERM, stop)
print("{name}: started", flush=True)
while True:
    time.sleep(0.1)
"""

def _serve_recipe():
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = lines.index("run: setup") + 1
    body = []
    for line in lines[start:]:
        if not line.startswith("\t"):
            break
        body.append(line)
    first = next(i for i, line in enumerate(body) if "trap" in line)
    while first > 0 and body[first - 1].startswith("\t@#"):
        first -= 1
    return "\n".join(body[first:])


@pytest.mark.skipif(not shutil.which("make") or not shutil.which("setsid"), reason="make/setsid not installed")
def test_ctrl_c_stops_make_run_quietly(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, graceful, abrupt in (("gridgov", "INT", "TERM"), ("gunicorn", "TERM", "INT")):
        path = bin_dir / name
        path.write_text(FAKE.format(python=sys.executable, name=name, graceful=graceful, abrupt=abrupt))
        path.chmod(0o755)
    (tmp_path / "Makefile").write_text(
        f"SHELL := /bin/bash\nBIN := {bin_dir}\nHOST := 127.0.0.1\nPORT := 8999\nserve:\n{_serve_recipe()}\n")
    out = tmp_path / "out"

    def as_terminal():  # a foreground job in a terminal: SIGINT not ignored, its own process group
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)
        os.setsid()

    with out.open("w") as fh:
        proc = subprocess.Popen(["make", "-s", "-C", str(tmp_path), "serve"], stdout=fh, stderr=subprocess.STDOUT,
                                preexec_fn=as_terminal)
        deadline = time.monotonic() + 10
        while out.read_text().count("started") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the foreground group
        try:
            proc.wait(15)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    text = out.read_text()
    assert "gridgov: graceful" in text and "gunicorn: graceful" in text, text
    assert "ERROR" not in text and "Segmentation" not in text and "make: ***" not in text, text
