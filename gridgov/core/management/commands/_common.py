"""Helpers shared by the project's CLI commands."""


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
