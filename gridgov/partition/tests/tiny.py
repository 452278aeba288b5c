"""Hand-made tiny inputs (lon/lat near Changde) for certificate and error tests."""

import shapely
from shapely.geometry import mapping

LON, LAT = 111.68, 29.04
D = 0.001  # ~100 m


def square(i, j, n=1):
    return shapely.box(LON + i * D, LAT + j * D, LON + (i + n) * D, LAT + (j + n) * D)


def fc(geoms, props):
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": mapping(g), "properties": p}
            for g, p in zip(geoms, props, strict=False)
        ],
    }


def grid_streets(n=4):
    lines = []
    for k in range(n + 1):
        lines.append(shapely.LineString([(LON + k * D, LAT), (LON + k * D, LAT + n * D)]))
        lines.append(shapely.LineString([(LON, LAT + k * D), (LON + n * D, LAT + k * D)]))
    return fc(lines, [{"id": f"S{k}"} for k in range(len(lines))])


def buildings_in_blocks(households_per_block, n=4, per_block=4, start=0):
    """``per_block`` point buildings in each of the n×n blocks sharing its households."""
    geoms, props = [], []
    k = start
    for i in range(n):
        for j in range(n):
            h = households_per_block(i, j) if callable(households_per_block) else households_per_block
            share = [h // per_block + (1 if q < h % per_block else 0) for q in range(per_block)]
            for q in range(per_block):
                geoms.append(
                    shapely.Point(LON + (i + 0.25 + 0.5 * (q % 2)) * D, LAT + (j + 0.25 + 0.5 * (q // 2)) * D)
                )
                props.append({"id": f"B{k}", "households": share[q]})
                k += 1
    return fc(geoms, props)


def one_area(n=4, code="430702001001"):
    return fc([square(0, 0, n)], [{"code": code}])
