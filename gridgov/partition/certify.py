"""Certificates: why a grid outside [min, max] could not be avoided.

Each certificate carries a machine-readable ``reason``, the numbers behind it, a Chinese
explanation ``message_zh`` and ``proven``: True when the reason is a proof that no valid
grid exists for those households (a count argument), False when the engine merely failed to
find one (a heuristic miss, reported honestly rather than hidden).
"""

from __future__ import annotations

import math


def area_below_min(code, households, lo):
    return {
        "reason": "area_total_below_min",
        "proven": True,
        "households": households,
        "min_households": lo,
        "message_zh": f"该区域 {code} 总户数 {households} 户，少于下限 {lo} 户，只能划为一个网格",
    }


def component_below_min(code, households, lo, n_components):
    return {
        "reason": "isolated_component_below_min",
        "proven": True,
        "households": households,
        "min_households": lo,
        "components": n_components,
        "message_zh": (
            f"该区域 {code} 被河流或边界分成 {n_components} 块互不相连的部分，此块总户数 {households} 户，"
            f"少于下限 {lo} 户；网格必须连片，不能与其他部分合并"
        ),
    }


def no_integer_count(code, households, lo, hi):
    k = max(1, math.floor(households / hi))
    return {
        "reason": "no_integer_grid_count",
        "proven": True,
        "households": households,
        "min_households": lo,
        "max_households": hi,
        "message_zh": (
            f"该区域 {code} 的连片部分共 {households} 户：分 {k} 格每格至少超过上限 {hi} 户的平均数，"
            f"分 {k + 1} 格则每格平均少于下限 {lo} 户，不存在整数个符合 {lo}–{hi} 户的网格"
        ),
    }


def unit_over_max(building_id, units, households, hi):
    if units is None:
        return {
            "reason": "building_over_max_without_units",
            "proven": True,
            "building_id": building_id,
            "households": households,
            "max_households": hi,
            "message_zh": f"建筑 {building_id} 共 {households} 户，超过上限 {hi} 户，且未提供各单元户数，无法按单元拆分",
        }
    return {
        "reason": "unit_over_max",
        "proven": True,
        "building_id": building_id,
        "unit_indexes": list(units),
        "households": households,
        "max_households": hi,
        "message_zh": f"建筑 {building_id} 的单元 {list(units)} 共 {households} 户，单个单元超过上限 {hi} 户，单元不可再分",
    }


def heuristic_miss(area_code, households, lo, hi):
    return {
        "reason": "not_found",
        "proven": False,
        "households": households,
        "message_zh": (
            f"区域 {area_code} 内此网格有 {households} 户，不在 {lo}–{hi} 户范围内：在保持网格连片的前提下未找到合规划分"
            "（这是算法未找到，不是不可行的证明，建议人工调整）"
        ),
    }


def large_buildings(code, households, atoms, lo, hi):
    """Proof by counting with the big pieces: two pieces over max/2 never share a grid.

    With n such pieces a_i, their grids hold T ∈ [Σ max(lo, a_i), n·hi]; the other k−n grids
    must hold H − T ∈ [(k−n)·lo, (k−n)·hi]. If no grid count k allows both, no valid
    partition exists. Returns a certificate, or None when the count allows some k.
    """
    n = len(atoms)
    if not n:
        return None
    t_lo = sum(max(lo, a) for a in atoms)
    t_hi = n * hi
    kmin, kmax = max(1, -(-households // hi)), households // lo
    for k in range(max(kmin, n), kmax + 1):
        r_lo, r_hi = households - t_hi, households - t_lo
        if max(r_lo, (k - n) * lo) <= min(r_hi, (k - n) * hi):
            return None
    big = sorted(atoms, reverse=True)
    return {
        "reason": "large_buildings",
        "proven": True,
        "households": households,
        "large_pieces": big,
        "min_households": lo,
        "max_households": hi,
        "message_zh": (
            f"该区域 {code} 的连片部分共 {households} 户，其中 {n} 处单栋/单元户数 {big} 超过上限一半、"
            f"不能同格；按户数计算，任何网格数都无法使每格都在 {lo}–{hi} 户之间"
        ),
    }
