"""Imports of buildings (楼栋), houses (房屋) and households (户)."""

from gridgov.core.importing import Column, parse_choice, parse_float, parse_int

from ..actions.common import refresh_household_counts
from ..choices import BuildingType, HouseholdType, HouseStatus, HouseUse
from ..identity import id_columns
from ..models import Building, House, Household, Person
from .base import RegistryImport, chunks, parse_building_code, parse_grid_code, parse_room, upsert
from .persons import _parse_id, _parse_unit

BUILDING_FIELDS = [
    "grid_id", "division_code", "code", "name", "address", "building_type", "floors", "units", "lng", "lat",
    "year_built", "property_company",
]


class BuildingImport(RegistryImport):
    kind = "buildings"
    title = "楼栋"
    permission = "registry.add_building"
    natural_key = ("grid", "building")
    columns = [
        Column("grid", "网格编码", required=True, parse=parse_grid_code, example="430702004001001"),
        Column("building", "楼栋编码", required=True, parse=parse_building_code, example="00001"),
        Column("name", "楼栋名称", max_length=100, example="阳光小区1栋"),
        Column("address", "地址", required=True, max_length=200, example="武陵区丹阳街道阳光路1号1栋"),
        Column("building_type", "楼栋类型", parse=parse_choice(BuildingType), example="多层住宅"),
        Column("floors", "层数", parse=parse_int(1, 200), example="6"),
        Column("units", "单元数", parse=parse_int(1, 99), example="2"),
        Column("lng", "经度", parse=parse_float(-180, 180), example="111.69"),
        Column("lat", "纬度", parse=parse_float(-90, 90), example="29.04"),
        Column("year_built", "建成年份", parse=parse_int(1800, 2100), example="2005"),
        Column("property_company", "物业公司", max_length=100),
    ]

    def validate(self, rows, report):
        self.grids, _bad = self.load_grids(rows, report)
        self.existing = {}
        for chunk in chunks(self.grids):
            for rec in Building.objects.filter(division_code__in=chunk).values("pk", *BUILDING_FIELDS):
                self.existing[(rec["division_code"], rec["code"])] = (rec["pk"], rec)

    def apply(self, rows, *, actor, run):
        self.assert_scope(actor, {r.values["grid"] for r in rows})
        records = {}
        for row in rows:
            v = row.values
            records[(v["grid"], v["building"])] = {
                "grid_id": self.grids[v["grid"]].pk, "division_code": v["grid"], "code": v["building"],
                "name": v.get("name") or "", "address": v["address"],
                "building_type": v.get("building_type") or BuildingType.MULTI_STOREY, "floors": v.get("floors") or 1,
                "units": v.get("units") or 1, "lng": v.get("lng"), "lat": v.get("lat"),
                "year_built": v.get("year_built"), "property_company": v.get("property_company") or "",
            }
        _pks, counts = upsert(Building, records, self.existing, BUILDING_FIELDS, run=run)
        return counts


HOUSE_FIELDS = ["grid_id", "division_code", "building_id", "unit", "floor", "room", "area", "use", "status",
                "owner_name"]


def _parse_area(text):
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError("面积应为数字")
    if not 0 < value < 100000:
        raise ValueError("面积应在0–100000平方米之间")
    return value


class HouseImport(RegistryImport):
    kind = "houses"
    title = "房屋"
    permission = "registry.add_house"
    natural_key = ("grid", "building", "unit", "room")
    columns = [
        Column("grid", "网格编码", required=True, parse=parse_grid_code, example="430702004001001"),
        Column("building", "楼栋编码", required=True, parse=parse_building_code, example="00001"),
        Column("unit", "单元", required=True, parse=_parse_unit, example="1"),
        Column("floor", "楼层", required=True, parse=parse_int(-5, 200), example="1"),
        Column("room", "房号", required=True, max_length=10, parse=parse_room, example="101"),
        Column("area", "面积", parse=_parse_area, example="89.5"),
        Column("use", "用途", parse=parse_choice(HouseUse), example="住宅"),
        Column("status", "居住状态", parse=parse_choice(HouseStatus), example="自住"),
        Column("owner_name", "产权人", max_length=100),
    ]

    def validate(self, rows, report):
        self.grids, bad = self.load_grids(rows, report)
        self.buildings = self.load_buildings(self.grids)
        for row in rows:
            if row.number in bad:
                continue
            key = (row.values["grid"], row.values["building"])
            if key not in self.buildings:
                report.add_error(row.number, "楼栋编码", key[1], "该网格内没有此楼栋")
        self.existing = {}
        for chunk in chunks(self.grids):
            for rec in House.objects.filter(division_code__in=chunk).values("pk", *HOUSE_FIELDS):
                self.existing[(rec["building_id"], rec["unit"], rec["room"])] = (rec["pk"], rec)

    def apply(self, rows, *, actor, run):
        self.assert_scope(actor, {r.values["grid"] for r in rows})
        records = {}
        for row in rows:
            v = row.values
            bid = self.buildings[(v["grid"], v["building"])]
            records[(bid, v["unit"], v["room"])] = {
                "grid_id": self.grids[v["grid"]].pk, "division_code": v["grid"], "building_id": bid,
                "unit": v["unit"], "floor": v["floor"], "room": v["room"], "area": v.get("area"),
                "use": v.get("use") or HouseUse.RESIDENCE, "status": v.get("status") or HouseStatus.OWNER_OCCUPIED,
                "owner_name": v.get("owner_name") or "",
            }
        _pks, counts = upsert(House, records, self.existing, HOUSE_FIELDS, run=run)
        return counts


HOUSEHOLD_FIELDS = ["grid_id", "division_code", "house_id", "number", "household_type", "head_id", "is_active"]


class HouseholdImport(RegistryImport):
    kind = "households"
    title = "户"
    permission = "registry.add_household"
    natural_key = ("number",)
    columns = [
        Column("number", "户号", required=True, max_length=20, example="H430702000001"),
        Column("grid", "网格编码", required=True, parse=parse_grid_code, example="430702004001001"),
        Column("building", "楼栋编码", required=True, parse=parse_building_code, example="00001"),
        Column("unit", "单元", parse=_parse_unit, example="1"),
        Column("room", "房号", required=True, max_length=10, parse=parse_room, example="101"),
        Column("household_type", "户类型", parse=parse_choice(HouseholdType), example="户籍户"),
        Column("head_id_number", "户主证件号码", max_length=30, parse=_parse_id, help="户主已登记时关联"),
    ]

    def validate(self, rows, report):
        self.grids, bad = self.load_grids(rows, report)
        buildings = self.load_buildings(self.grids)
        houses = self.load_houses(self.grids)
        heads = {}
        hashes = {id_columns(r.values["head_id_number"])["id_hash"] for r in rows if r.values.get("head_id_number")}
        for chunk in chunks(hashes, 2000):
            heads.update(dict(Person.objects.filter(id_hash__in=chunk).exclude(id_hash="").values_list("id_hash", "pk")))
        for row in rows:
            if row.number in bad:
                continue
            _bid, house_id = self.resolve_house(row, buildings, houses, report, required=True)
            row.values["_house_id"] = house_id
            head = row.values.get("head_id_number")
            row.values["_head_id"] = heads.get(id_columns(head)["id_hash"]) if head else None
            if head and row.values["_head_id"] is None:
                report.add_error(row.number, "户主证件号码", head, "未找到该户主，请先导入人口")
        self.existing = {}
        numbers = [r.values["number"] for r in rows]
        for chunk in chunks(numbers):
            for rec in Household.objects.filter(number__in=chunk).values("pk", *HOUSEHOLD_FIELDS):
                self.existing[rec["number"]] = (rec["pk"], rec)
        for row in rows:
            rec = self.existing.get(row.values["number"])
            if rec and self.actor is not None and not self.in_scope(self.actor, rec[1]["division_code"]):
                report.add_error(row.number, "户号", row.values["number"], "该户号已在其他网格登记")

    def apply(self, rows, *, actor, run):
        self.assert_scope(actor, {r.values["grid"] for r in rows})
        records = {}
        for row in rows:
            v = row.values
            old = self.existing.get(v["number"])
            records[v["number"]] = {
                "grid_id": self.grids[v["grid"]].pk, "division_code": v["grid"], "house_id": v["_house_id"],
                "number": v["number"], "household_type": v.get("household_type") or HouseholdType.REGISTERED,
                "head_id": v["_head_id"] or (old[1]["head_id"] if old else None), "is_active": True,
            }
        _pks, counts = upsert(Household, records, self.existing, HOUSEHOLD_FIELDS, run=run)
        refresh_household_counts(
            grid_ids=[g.pk for g in self.grids.values()],
            building_ids=set(House.objects.filter(pk__in={r["house_id"] for r in records.values()})
                             .values_list("building_id", flat=True)),
        )
        return counts
