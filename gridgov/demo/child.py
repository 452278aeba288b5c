"""A demo step's database-free part in a process of its own, beside the steps before it.

`start(func, **kwargs)` runs the dotted `func(directory=, **kwargs)` in a fresh interpreter
(`python -m gridgov.demo.child JOB`): Django set up, no database touched, its output written as
files under `directory`. The keyword arguments travel pickled (model instances included). The
step that started it calls `wait()` — which raises with the child's last error lines if it
failed — reads the files and then `cleanup()`s. Used by `DemoStep.prepare` (ADR 0046).
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Child:
    def __init__(self, process, directory):
        self.process, self.directory = process, Path(directory)

    def wait(self):
        """Wait for the child; its output directory. Raises RuntimeError when it failed."""
        if self.process.wait() != 0:
            err = (self.directory / "stderr.txt").read_text("utf-8", "replace")
            tail = err.strip().splitlines()[-5:]
            raise RuntimeError(f"演示数据子进程失败（退出码 {self.process.returncode}）：" + " / ".join(tail))
        return self.directory

    def cleanup(self):
        shutil.rmtree(self.directory, ignore_errors=True)


def start(func, **kwargs):
    directory = tempfile.mkdtemp(prefix="gridgov-demo-")
    job = Path(directory) / "job.pickle"
    job.write_bytes(pickle.dumps((func, kwargs), protocol=pickle.HIGHEST_PROTOCOL))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "gridgov.settings"))
    with open(Path(directory) / "stderr.txt", "wb") as err:  # a file: a pipe nobody reads could fill
        process = subprocess.Popen([sys.executable, "-m", "gridgov.demo.child", str(job)], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=err)
    return Child(process, directory)


def main(job):
    import django

    django.setup()
    from gridgov.core.manifest import resolve

    func, kwargs = pickle.loads(Path(job).read_bytes())  # noqa: S301 - written by start() above
    resolve(func)(directory=Path(job).parent, **kwargs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
