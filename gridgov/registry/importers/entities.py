"""Imports of legal entities (法人) and city components (城市部件)."""

import re

from gridgov.accounts.models import Department
from gridgov.core.importing import Column, parse_choice, parse_float, parse_int

from ..choices import ComponentStatus, EntityStatus, EntityType, Industry
from ..identity import IdentityError, check_credit_code
from ..models import Component, ComponentClass, LegalEntity
from .base import RegistryImport, chunks, parse_building_code, parse_grid_code, parse_room, upsert
from .persons import _parse_unit


def _parse_credit_code(text):
    try:
        return check_credit_code(text)
    except IdentityError as exc:
        raise ValueError(str(exc))


def _parse_industry(text):
    text = text.strip().upper()
    if text[:1] in Industry.values and (len(text) == 1 or not text[1:2].isalpha()):
        return text[:1]
    return parse_choice(Industry)(text)


ENTITY_FIELDS = [
    "grid_id", "division_code", "name", "credit_code", "entity_type", "industry", "legal_representative",
    "address", "building_id", "house_id", "employees", "status",
]


class EntityImport(RegistryImport):
    kind = "entities"
    title = "法人单位"
    permission = "registry.add_legalentity"
    natural_key = ("credit_code",)
    columns = [
        Column("credit_code", "统一社会信用代码", required=True, max_length=30, parse=_parse_credit_code,
               example="91430702MA4L0000X0"),
        Column("name", "名称", required=True, max_length=200, example="常德市某某商贸有限公司"),
        Column("entity_type", "法人类型", parse=parse_choice(EntityType), example="企业"),
        Column("industry", "行业门类", parse=_parse_industry, example="F", help="GB/T 4754 门类字母 A–T"),
        Column("legal_representative", "法定代表人", max_length=50),
        Column("grid", "网格编码", required=True, parse=parse_grid_code, example="430702004001001"),
        Column("address", "地址", max_length=200),
        Column("building", "楼栋编码", parse=parse_building_code),
        Column("unit", "单元", parse=_parse_unit),
        Column("room", "房号", max_length=10, parse=parse_room),
        Column("employees", "从业人数", parse=parse_int(0, 1_000_000)),
        Column("status", "状态", parse=parse_choice(EntityStatus), example="存续"),
    ]

    def validate(self, rows, report):
        self.grids, bad = self.load_grids(rows, report)
        buildings = self.load_buildings(self.grids)
        houses = self.load_houses(self.grids) if any(r.values.get("room") for r in rows) else {}
        for row in rows:
            if row.number in bad:
                continue
            bid, hid = self.resolve_house(row, buildings, houses, report)
            row.values["_building_id"], row.values["_house_id"] = bid, hid
        self.existing = {}
        for chunk in chunks([r.values["credit_code"] for r in rows]):
            for rec in LegalEntity.objects.filter(credit_code__in=chunk).values("pk", *ENTITY_FIELDS):
                self.existing[rec["credit_code"]] = (rec["pk"], rec)
        for row in rows:
            rec = self.existing.get(row.values["credit_code"])
            if rec and self.actor is not None and not self.in_scope(self.actor, rec[1]["division_code"]):
                report.add_error(row.number, "统一社会信用代码", row.values["credit_code"], "该法人已在其他网格登记")

    def apply(self, rows, *, actor, run):
        self.assert_scope(actor, {r.values["grid"] for r in rows})
        records = {}
        for row in rows:
            v = row.values
            records[v["credit_code"]] = {
                "grid_id": self.grids[v["grid"]].pk, "division_code": v["grid"], "name": v["name"],
                "credit_code": v["credit_code"], "entity_type": v.get("entity_type") or EntityType.ENTERPRISE,
                "industry": v.get("industry") or "", "legal_representative": v.get("legal_representative") or "",
                "address": v.get("address") or "", "building_id": v.get("_building_id") or None,
                "house_id": v.get("_house_id") or None, "employees": v.get("employees") or 0,
                "status": v.get("status") or EntityStatus.OPERATING,
            }
        _pks, counts = upsert(LegalEntity, records, self.existing, ENTITY_FIELDS, run=run)
        return counts


COMPONENT_FIELDS = [
    "grid_id", "division_code", "code", "component_class_id", "name", "address", "lng", "lat",
    "owner_department_id", "owner_name", "maintainer", "status",
]


def _parse_component_code(text):
    text = text.strip()
    if not re.match(r"^\d{16}$", text):
        raise ValueError("部件编码应为16位数字（6位区县+2位大类+2位小类+6位流水号）")
    return text


class ComponentImport(RegistryImport):
    kind = "components"
    title = "城市部件"
    permission = "registry.add_component"
    natural_key = ("code",)
    columns = [
        Column("code", "部件编码", required=True, parse=_parse_component_code, example="4307020106000001"),
        Column("name", "名称", max_length=100, example="路灯"),
        Column("grid", "网格编码", required=True, parse=parse_grid_code, example="430702004001001"),
        Column("address", "位置描述", max_length=200),
        Column("lng", "经度", parse=parse_float(-180, 180)),
        Column("lat", "纬度", parse=parse_float(-90, 90)),
        Column("department", "主管部门", max_length=100, help="部门编码或名称"),
        Column("owner_name", "权属单位", max_length=100),
        Column("maintainer", "养护单位", max_length=100),
        Column("status", "状态", parse=parse_choice(ComponentStatus), example="完好"),
    ]

    def validate(self, rows, report):
        self.grids, bad = self.load_grids(rows, report)
        classes = {c.code: c.pk for c in ComponentClass.objects.filter(is_active=True)}
        departments = {}
        for code, name, pk in Department.objects.values_list("code", "name", "pk"):
            departments[code] = departments[name] = pk
        for row in rows:
            if row.number in bad:
                continue
            v = row.values
            class_code = v["code"][6:10]
            if class_code not in classes or len(class_code) != 4:
                report.add_error(row.number, "部件编码", v["code"], f"第7–10位 {class_code} 不是已配置的部件小类")
            elif v["code"][:6] != v["grid"][:6]:
                report.add_error(row.number, "部件编码", v["code"], f"前6位应为网格所在区县代码 {v['grid'][:6]}")
            v["_class_id"] = classes.get(class_code)
            dept = v.get("department")
            v["_department_id"] = departments.get(dept) if dept else None
            if dept and v["_department_id"] is None and not v.get("owner_name"):
                v["owner_name"] = dept
        self.existing = {}
        for chunk in chunks([r.values["code"] for r in rows]):
            for rec in Component.objects.filter(code__in=chunk).values("pk", *COMPONENT_FIELDS):
                self.existing[rec["code"]] = (rec["pk"], rec)
        for row in rows:
            rec = self.existing.get(row.values["code"])
            if rec and self.actor is not None and not self.in_scope(self.actor, rec[1]["division_code"]):
                report.add_error(row.number, "部件编码", row.values["code"], "该部件已在其他网格登记")

    def apply(self, rows, *, actor, run):
        self.assert_scope(actor, {r.values["grid"] for r in rows})
        records = {}
        for row in rows:
            v = row.values
            records[v["code"]] = {
                "grid_id": self.grids[v["grid"]].pk, "division_code": v["grid"], "code": v["code"],
                "component_class_id": v["_class_id"], "name": v.get("name") or "", "address": v.get("address") or "",
                "lng": v.get("lng"), "lat": v.get("lat"), "owner_department_id": v["_department_id"],
                "owner_name": v.get("owner_name") or "", "maintainer": v.get("maintainer") or "",
                "status": v.get("status") or ComponentStatus.NORMAL,
            }
        _pks, counts = upsert(Component, records, self.existing, COMPONENT_FIELDS, run=run)
        return counts
