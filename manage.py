#!/usr/bin/env python
"""Django's command-line utility; `gridgov` (gridgov.cli) is the same with the project's commands."""
import sys

from gridgov.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
