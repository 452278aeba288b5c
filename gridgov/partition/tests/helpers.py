"""Hard-constraint checks shared by the tests, done with shapely in a metric projection."""

import math

import numpy as np
import pyproj
import shapely
from shapely.geometry import shape


def to_metric(geoms, lon0, lat0):
    tr = pyproj.Transformer.from_crs(
        "EPSG:4326", f"+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k=1 +ellps=WGS84 +units=m", always_xy=True
    )
    return shapely.transform(np.asarray(geoms, dtype=object), lambda xy: np.column_stack(tr.transform(*xy.T)))


def check_hard_constraints(buildings, boundaries, result, lo=350, hi=500):
    grids = result.grids["features"]
    report = result.report
    gpolys = [shape(f["geometry"]) for f in grids]
    apolys = [shape(f["geometry"]) for f in boundaries["features"]]
    c = shapely.union_all(apolys).centroid
    gm = to_metric(gpolys, c.x, c.y)
    am = to_metric(apolys, c.x, c.y)
    codes = [f["properties"]["code"] for f in grids]
    assert len(set(codes)) == len(codes), "grid codes are unique"
    # every grid one Polygon, inside its own area
    acode = [f["properties"]["code"] for f in boundaries["features"]]
    for f, g in zip(grids, gm, strict=False):
        assert g.geom_type == "Polygon", f["properties"]["code"]
        assert f["properties"]["code"].startswith(f["properties"]["area_code"])
        assert len(f["properties"]["code"]) == len(f["properties"]["area_code"]) + 3
        a = am[acode.index(f["properties"]["area_code"])]
        assert g.difference(a).area <= 1e-6 * g.area + 1e-6
    # exact tiling per area: union == area, no overlaps
    for code, a in zip(acode, am, strict=False):
        mine = [g for f, g in zip(grids, gm, strict=False) if f["properties"]["area_code"] == code]
        u = shapely.union_all(mine)
        assert abs(u.area - a.area) <= 1e-6 * a.area
        assert u.symmetric_difference(a).area <= 1e-6 * a.area
        assert sum(g.area for g in mine) - u.area <= 1e-6 * a.area
    # every building exactly once (or its units over several grids)
    bh = {str(f["properties"]["id"]): f["properties"] for f in buildings["features"]}
    seen, unit_seen = {}, {}
    for f in grids:
        p = f["properties"]
        split = p.get("units", {})
        total = 0
        for bid in p["building_ids"]:
            if str(bid) in split:
                units = bh[str(bid)]["units"]
                for u in split[str(bid)]:
                    assert (str(bid), u) not in unit_seen
                    unit_seen[(str(bid), u)] = p["code"]
                    total += units[u]
            else:
                assert str(bid) not in seen, f"building {bid} in two grids"
                seen[str(bid)] = p["code"]
                total += bh[str(bid)]["households"]
        assert total == p["households"]
    for bid, props in bh.items():
        if bid in seen:
            continue
        # divided by unit: over the maximum, or (refined land) a building with units over
        # (max - min) / 2 households
        assert props.get("units") and props["households"] > (hi - lo) // 2, (
            f"building {bid} missing or split without need"
        )
        assert all((bid, u) in unit_seen for u in range(len(props["units"])))
    assert sum(p["properties"]["households"] for p in grids) == sum(v["households"] for v in bh.values())
    # bounds: in range, or certified
    for f in grids:
        p = f["properties"]
        if not lo <= p["households"] <= hi:
            assert p.get("certificate"), p["code"]
            assert p["certificate"]["message_zh"]
    assert report["contiguous"]
    assert report["gap_area_m2"] < 1.0 and report["overlap_area_m2"] < 1.0
    assert report["grid_count"] == len(grids)
    assert 0 <= report["street_boundary_share"] <= 1
    assert not math.isnan(report["polsby_popper_mean"])
