"""Command-line adapter: ``gridgov partition`` / ``python -m gridgov.partition``.

Parses arguments, reads GeoJSON files, calls :func:`partition` or :func:`repair`, writes the
grids (and optionally the report) and prints a short Chinese summary.  Exit codes: 0 done (every
grid in range, or out of range with a proof that no valid grid exists), 1 done but some grid is
out of range without such a proof (needs a person), 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import json
import sys

from .dynamic import repair
from .engine import partition
from .errors import PartitionError
from .params import PartitionParams


def _target(value: str):
    if value in ("balanced", "max"):
        return value
    try:
        n = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--target 应为 balanced、max 或正整数，收到 {value!r}") from exc
    if n <= 0:
        raise argparse.ArgumentTypeError(f"--target 应为正整数，收到 {value!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gridgov partition",
        description="网格划分：街巷定界、规模适度、无缝覆盖、动态调整（grid partition engine）",
    )
    p.add_argument(
        "--buildings", required=True, help="建筑 GeoJSON（Point/Polygon，属性 id、households、可选 units）"
    )
    p.add_argument("--streets", required=True, help="街巷 GeoJSON（LineString/MultiLineString）")
    p.add_argument(
        "--boundary", required=True, help="社区/片区边界 GeoJSON（Polygon/MultiPolygon，属性 code）"
    )
    p.add_argument("--min", type=int, default=350, dest="min_households", help="每格户数下限（默认 350）")
    p.add_argument("--max", type=int, default=500, dest="max_households", help="每格户数上限（默认 500）")
    p.add_argument(
        "--target",
        type=_target,
        default="balanced",
        help="balanced（默认，接近上下限中值）| max（网格数尽量多）| N（期望平均每格户数）",
    )
    p.add_argument("--previous", help="原网格 GeoJSON：给出时做动态调整（repair），保留原编码")
    p.add_argument("--crs", default="EPSG:4326", help="输入坐标系（默认 EPSG:4326 经纬度）")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help="输出网格 GeoJSON")
    p.add_argument("--report", help="输出报告 JSON")
    return p


def _write(path, obj, what):
    try:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, ensure_ascii=False)
    except OSError as exc:
        raise PartitionError(
            f"{what}文件 {path} 无法写入：{exc}", feature=str(path), reason="unwritable_file"
        ) from exc


def summary(report: dict) -> str:
    lines = [
        f"网格 {report['grid_count']} 个，总户数 {report['households']}，"
        f"{report['in_range_count']} 个在 {report['min_households']}–{report['max_households']} 户范围内"
        f"（{report['share_in_range']:.1%}）",
        f"沿街巷边界占比 {report['street_boundary_share']:.1%}，紧凑度均值 {report['polsby_popper_mean']:.2f}，"
        f"缝隙 {report['gap_area_m2']:.1f} m²，重叠 {report['overlap_area_m2']:.1f} m²，"
        f"{'全部连片' if report['contiguous'] else '存在不连片网格'}，用时 {report['runtime_s']:.2f} 秒",
    ]
    if "moved_households" in report:
        lines.append(
            f"动态调整：移动 {report['moved_households']} 户（{report['moved_buildings']} 栋建筑），"
            f"保留编码 {len(report['kept_codes'])} 个，新增 {len(report['new_codes'])} 个，撤销 {len(report['removed_codes'])} 个"
        )
    for c in report.get("certificates", [])[:10]:
        lines.append(f"  网格 {c['code']}：{c['message_zh']}")
    if len(report.get("certificates", [])) > 10:
        lines.append(f"  ……另有 {len(report['certificates']) - 10} 个超范围网格，详见报告")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse prints its own message
        return 0 if exc.code == 0 else 2
    try:
        params = PartitionParams(
            min_households=args.min_households,
            max_households=args.max_households,
            target=args.target,
            crs=args.crs,
            seed=args.seed,
        )
        if args.previous:
            result = repair(args.previous, args.buildings, args.streets, args.boundary, params)
        else:
            result = partition(args.buildings, args.streets, args.boundary, params)
        _write(args.out, result.grids, "网格输出")
        if args.report:
            _write(args.report, result.report, "报告输出")
    except PartitionError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(summary(result.report))
    unproven = [c for c in result.report.get("certificates", []) if not c.get("proven")]
    return 1 if unproven else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
