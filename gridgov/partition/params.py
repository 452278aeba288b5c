"""Parameters and the result type of the partition engine."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import PartitionError


@dataclass(frozen=True)
class PartitionParams:
    """How grids are drawn.

    ``target`` chooses the number of grids in each connected part of an area:

    * ``"balanced"`` — as close as possible to a mean of (min+max)/2 households per grid;
    * ``"max"`` — as many grids as the bounds allow (starts at ⌊H/min⌋ and steps down until
      every grid can be kept inside the bounds);
    * an ``int`` N — the desired *mean grid size* in households (e.g. 400), clamped so that the
      grid count stays feasible.  (An int is a size, not a count, because areas differ.)
    """

    min_households: int = 350
    max_households: int = 500
    target: str | int = "balanced"
    crs: str = "EPSG:4326"
    seed: int = 0
    # cost of cutting one metre through a block, relative to one metre along a street
    block_cut_penalty: float = 25.0
    # cost of one metre along a line of each class (inputs.LINE_CLASSES: street, service, rail,
    # water, path, park): a street beats a service road beats a footpath beats a yard
    line_weights: tuple = (1.0, 1.2, 1.0, 1.0, 1.6, 1.8)
    # a cut between buildings that runs within this many metres of a line is moved onto it
    snap_m: float = 4.0
    # 0 = automatic: inputs under 4,000 buildings (a place) get the thorough search — cuts along
    # party walls, snapping, several land models, wider pair re-splits; larger inputs (a
    # district) the fast one. 1 = fast, 2 = thorough.
    effort: int = 0
    # processes for the per-area work: 0 = automatic (all cores when safe), 1 = in-process;
    # the output does not depend on it
    workers: int = 0

    def __post_init__(self):
        lo, hi = self.min_households, self.max_households
        if not (isinstance(lo, int) and isinstance(hi, int)) or lo < 1 or hi < lo:
            raise PartitionError(
                f"参数错误：户数下限 {lo}、上限 {hi} 不合法（需 1 ≤ 下限 ≤ 上限）", reason="bad_params"
            )
        e = self.effort
        if isinstance(e, bool) or e not in (0, 1, 2):
            raise PartitionError(
                f"参数错误：effort={e!r} 不合法（应为 0 自动、1 快速或 2 精细）", reason="bad_params"
            )
        w = self.workers
        if isinstance(w, bool) or not isinstance(w, int) or w < 0:
            raise PartitionError(
                f"参数错误：workers={w!r} 不合法（应为 0 表示自动，或正整数的进程数）", reason="bad_params"
            )
        t = self.target
        if isinstance(t, bool) or not (t in ("balanced", "max") or (isinstance(t, int) and t > 0)):
            raise PartitionError(
                f"参数错误：target={t!r} 不合法（应为 balanced、max 或正整数的平均网格户数）",
                reason="bad_params",
            )

    @property
    def mean_size(self) -> float:
        if isinstance(self.target, int):
            return float(self.target)
        return (self.min_households + self.max_households) / 2

    def grid_count(self, households: int) -> tuple[int, bool]:
        """Grid count for one connected part with ``households``; (k, feasible)."""
        lo, hi = self.min_households, self.max_households
        kmin = max(1, math.ceil(households / hi))
        kmax = households // lo
        if kmax < kmin:
            return max(1, round(households / self.mean_size)), False
        if self.target == "max":
            return kmax, True
        return min(kmax, max(kmin, round(households / self.mean_size))), True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PartitionResult:
    """``grids`` and ``cuts`` are GeoJSON FeatureCollection dicts, ``report`` a JSON-serialisable dict."""

    grids: dict
    report: dict
    # internal: projected state kept for follow-up operations (not part of the stable API)
    _state: Any = field(default=None, repr=False, compare=False)
    # in-block cuts: where a boundary between two grids leaves the cut lines (LineStrings with
    # ``grids`` [code, code] and ``length_m``), a GeoJSON FeatureCollection
    cuts: dict | None = None
