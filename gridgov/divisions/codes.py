"""Division codes (rule 3): 6-digit county (GB/T 2260) + 3-digit street/town + 3-digit
community/village = 12 digits; a grid adds a 3-digit number = 15 digits.

The *path* of a division is the significant prefix of its code — the prefix every code below it
starts with: county 6 digits, street 9, community 12, grid 15.
"""

import re

from .choices import Level

PATH_LENGTH = {Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12, Level.GRID: 15}
CODE_RE = re.compile(r"^\d{12}(\d{3})?$")


def level_of(code):
    """The level a well-formed code denotes, or None."""
    code = str(code or "")
    if not CODE_RE.match(code):
        return None
    if len(code) == 15:
        return Level.GRID if code[12:] != "000" else None
    if code[6:] == "000000":
        return Level.DISTRICT if code[4:6] != "00" else None
    if code[9:] == "000":
        return Level.STREET
    return Level.COMMUNITY


def path_of(code):
    """The significant prefix of a code (a short prefix is returned unchanged)."""
    code = str(code or "")
    level = level_of(code)
    return code[: PATH_LENGTH[level]] if level else code


def parent_code_of(code):
    """The code the parent must have, derived from the digits."""
    level = level_of(code)
    if level == Level.GRID:
        return code[:12]
    if level == Level.COMMUNITY:
        return code[:9] + "000"
    if level == Level.STREET:
        return code[:6] + "000000"
    return None


def grid_code(community_code, number):
    return f"{community_code[:12]}{int(number):03d}"
