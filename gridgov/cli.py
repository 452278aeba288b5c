"""The `gridgov` command line: every Django management command plus the project's own.

`gridgov partition ...` runs the partition engine on files without touching Django or a
database (the engine is a pure library); everything else goes through Django.
"""

import os
import sys


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "partition":
        from gridgov.partition.cli import main as partition_main

        return partition_main(argv[1:])
    if argv and "-" in argv[0] and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")  # `gridgov open311-key` → the open311_key command
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gridgov", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
