"""Division codes are the materialised path (docs/architecture.md §4, “The division code is the materialised path”): 6-digit county
(GB/T 2260) + 3-digit street/town + 3-digit community/village = 12 digits; a grid adds a
3-digit number = 15 digits.

The *path* of a division is the significant prefix of its code — the prefix every code below it
starts with: county 6 digits, street 9, community 12, grid 15. This is the arithmetic the scope
computation needs; `gridgov.divisions.codes` re-exports it with the `Level` choices.
"""

import re

DISTRICT, STREET, COMMUNITY, GRID = 1, 2, 3, 4  # the levels (divisions.choices.Level)
PATH_LENGTH = {DISTRICT: 6, STREET: 9, COMMUNITY: 12, GRID: 15}
CODE_RE = re.compile(r"^\d{12}(\d{3})?$")


def level_of(code):
    """The level (1–4) a well-formed code denotes, or None."""
    code = str(code or "")
    if not CODE_RE.match(code):
        return None
    if len(code) == 15:
        return GRID if code[12:] != "000" else None
    if code[6:] == "000000":
        return DISTRICT if code[4:6] != "00" else None
    if code[9:] == "000":
        return STREET
    return COMMUNITY


def path_of(code):
    """The significant prefix of a code (a short prefix is returned unchanged)."""
    code = str(code or "")
    level = level_of(code)
    return code[: PATH_LENGTH[level]] if level else code


def parent_code_of(code):
    """The code the parent must have, derived from the digits."""
    level = level_of(code)
    if level == GRID:
        return code[:12]
    if level == COMMUNITY:
        return code[:9] + "000"
    if level == STREET:
        return code[:6] + "000000"
    return None
