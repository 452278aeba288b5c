"""Import of the division tree from CSV/XLSX (`gridgov import divisions FILE`, web upload).

Columns: 区划代码, 上级代码, 名称, 层级 (区县/街道/乡镇/社区/村/网格 or 1–4), optional 城乡分类代码,
中心经度, 中心纬度. The natural key is the code: re-importing the same file changes nothing.
Every row is checked before anything is written (bad codes, level not matching the code, parent
code not matching the code's digits, unknown parents, cycles, duplicates).
"""

from django.core.exceptions import PermissionDenied

from gridgov.core import clock
from gridgov.core.access import can
from gridgov.core.importing import Column, ImportSpec, parse_float

from .choices import Level
from .codes import PATH_LENGTH, level_of, parent_code_of
from .models import Division

LEVEL_WORDS = {"区县": 1, "区": 1, "县": 1, "街道": 2, "乡镇": 2, "乡": 2, "镇": 2, "街道/乡镇": 2,
               "社区": 3, "村": 3, "社区/村": 3, "网格": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def parse_code(text):
    if level_of(text) is None:
        raise ValueError("区划代码格式不正确：应为 12 位（区县/街道/社区）或 15 位（网格）数字")
    return text


def parse_level(text):
    if text not in LEVEL_WORDS:
        raise ValueError("层级不正确：应为 区县/街道/乡镇/社区/村/网格 或 1–4")
    return LEVEL_WORDS[text]


def parse_parent(text):
    if not text.isdigit() or len(text) not in (12, 15):
        raise ValueError("上级代码格式不正确：应为 12 位数字")
    return text


class DivisionImport(ImportSpec):
    kind = "divisions"
    title = "区划"
    permission = "divisions.import_division"
    natural_key = ("code",)
    columns = [
        Column("code", "区划代码", required=True, parse=parse_code, example="430702004001001"),
        Column("parent", "上级代码", parse=parse_parent, example="430702004001"),
        Column("name", "名称", required=True, max_length=100, example="A社区第一网格"),
        Column("level", "层级", required=True, parse=parse_level, example="网格"),
        Column("urban_rural_code", "城乡分类代码", max_length=3, example="111"),
        Column("centre_lng", "中心经度", parse=parse_float(-180, 180), example="111.69"),
        Column("centre_lat", "中心纬度", parse=parse_float(-90, 90), example="29.03"),
    ]

    def __init__(self, actor=None):
        self.actor = actor

    def validate(self, rows, report):
        by_code = {r["code"]: r for r in rows}
        in_db = set(Division.objects.filter(
            code__in={r["parent"] or parent_code_of(r["code"]) for r in rows} - {None}
        ).values_list("code", flat=True))
        bad = set()
        for r in rows:
            code, level = r["code"], level_of(r["code"])
            if int(r["level"]) != int(level):
                report.add_error(r.number, "层级", str(r["level"]),
                                 f"层级与区划代码不符：代码 {code} 表示“{Level(level).label}”")
                bad.add(code)
            expected = parent_code_of(code)
            parent = r["parent"] or expected
            if r["parent"] and r["parent"] != expected:
                report.add_error(r.number, "上级代码", r["parent"],
                                 f"上级代码与区划代码不符：{code} 的上级应为 {expected or '（无）'}")
                bad.add(code)
            elif parent and parent not in by_code and parent not in in_db:
                report.add_error(r.number, "上级代码", parent, "上级区划不存在（文件和系统中都没有）")
                bad.add(code)
            if self.actor is not None and not can(self.actor, self.permission, code[: PATH_LENGTH[level]]):
                report.add_error(r.number, "区划代码", code, "超出您的管辖范围，无权导入")
                bad.add(code)
        self._check_cycles(rows, by_code, report, bad)
        # a row whose parent row is rejected cannot be applied either
        changed = True
        while changed:
            changed = False
            for r in rows:
                parent = r["parent"] or parent_code_of(r["code"])
                if r["code"] not in bad and parent in bad and parent not in in_db:
                    report.add_error(r.number, "上级代码", parent, "上级区划所在行有错误")
                    bad.add(r["code"])
                    changed = True

    def _check_cycles(self, rows, by_code, report, bad):
        for r in rows:
            seen, code = [], r["code"]
            while code in by_code and code not in seen:
                seen.append(code)
                code = by_code[code]["parent"] or parent_code_of(code)
            if code in seen and code == r["code"]:
                chain = " → ".join([*seen, code])
                report.add_error(r.number, "上级代码", r["parent"], f"上下级关系形成循环：{chain}")
                bad.add(r["code"])

    def apply(self, rows, *, actor, run):
        if self.actor is None and not can(actor, self.permission):
            raise PermissionDenied("没有导入区划的权限")
        now = clock.now()
        existing = {d.code: d for d in Division.objects.filter(code__in=[r["code"] for r in rows])}
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for level in sorted({int(r["level"]) for r in rows}):
            level_rows = [r for r in rows if int(r["level"]) == level]
            parent_codes = {r["parent"] or parent_code_of(r["code"]) for r in level_rows} - {None}
            parents = dict(Division.objects.filter(code__in=parent_codes).values_list("code", "pk"))
            new, changed = [], []
            for r in level_rows:
                values = {
                    "name": r["name"], "parent_id": parents.get(r["parent"] or parent_code_of(r["code"])),
                    "urban_rural_code": r.get("urban_rural_code", ""), "centre_lng": r["centre_lng"],
                    "centre_lat": r["centre_lat"],
                }
                d = existing.get(r["code"])
                if d is None:
                    new.append(Division(code=r["code"], level=level, path=r["code"][: PATH_LENGTH[Level(level)]],
                                        valid_from=now, **values))
                elif any(getattr(d, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(d, k, v)
                    changed.append(d)
                else:
                    counts["unchanged"] += 1
                if run is not None:
                    run.advance()
            Division.objects.bulk_create(new, batch_size=500)
            if changed:
                Division.objects.bulk_update(changed, list(values), batch_size=500)
            counts["created"] += len(new)
            counts["updated"] += len(changed)
        return counts


IMPORT_SPECS = {"divisions": DivisionImport}
