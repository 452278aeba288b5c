"""The grid partition engine (网格划分引擎): a pure library, no Django.

Wuling rule: 街巷定界、规模适度、无缝覆盖、动态调整 — grid boundaries follow streets, each
grid holds ``min_households``–``max_households`` households, grids tile every boundary area
without gap or overlap, and grids are re-balanced as the city changes.

    from gridgov.partition import partition, repair, PartitionParams, PartitionError
    result = partition(buildings_fc, streets_fc, boundaries_fc, PartitionParams())
    result.grids   # GeoJSON FeatureCollection
    result.report  # JSON-serialisable validity report

See docs/partition.md.
"""

from .dynamic import merge_grids, redraw_area, repair, split_grid
from .engine import partition
from .errors import PartitionError
from .params import PartitionParams, PartitionResult

__all__ = [
    "PartitionError",
    "PartitionParams",
    "PartitionResult",
    "merge_grids",
    "partition",
    "redraw_area",
    "repair",
    "split_grid",
]
