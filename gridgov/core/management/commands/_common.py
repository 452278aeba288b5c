"""Helpers shared by the project's CLI commands."""


class SystemActor:
    """The operator at the server's shell: whole-install scope, audited as 系统."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    username = "system"

    def get_full_name(self):
        return "系统"


class TqdmRun:
    """A JobRun look-alike that shows a progress bar in the terminal."""

    def __init__(self, stream):
        self.bar = None
        self.stream = stream

    def set_total(self, total):
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="行", file=self.stream, disable=total < 2000, leave=False)

    def advance(self, n=1, force=False):
        if self.bar is not None:
            self.bar.update(n)

    def log(self, line):
        self.stream.write(line + "\n")

    def close(self):
        if self.bar is not None:
            self.bar.close()
