"""Division codes (docs/architecture.md §4, “The division code is the materialised path”): the arithmetic lives in `gridgov.core.codes` (the scope computation
needs it); this module gives it the divisions app's `Level` choices.

6-digit county (GB/T 2260) + 3-digit street/town + 3-digit community/village = 12 digits; a
grid adds a 3-digit number = 15 digits. The *path* of a division is the significant prefix of
its code: county 6 digits, street 9, community 12, grid 15.
"""

from gridgov.core import codes as _codes
from gridgov.core.codes import CODE_RE, parent_code_of, path_of

from .choices import Level

PATH_LENGTH = {Level(level): length for level, length in _codes.PATH_LENGTH.items()}


def level_of(code):
    """The `Level` a well-formed code denotes, or None."""
    level = _codes.level_of(code)
    return Level(level) if level else None


def grid_code(community_code, number):
    return f"{community_code[:12]}{int(number):03d}"


__all__ = ["CODE_RE", "PATH_LENGTH", "grid_code", "level_of", "parent_code_of", "path_of"]
