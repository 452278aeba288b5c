"""Account files (缴费户号): each utility account linked to a registry house by 网格编码 +
楼栋编码 + 单元 + 房号 (the registry's own addressing). Validated in bulk (set-based look-ups
through the registry import helpers), all or nothing, idempotent on (单位编码, 户号): a
re-import updates the name, address or house of an existing account and creates nothing twice."""

from gridgov.core import audit
from gridgov.core.importing import Column
from gridgov.registry.importers.base import RegistryImport, parse_building_code, parse_grid_code, parse_room

from .importers import parse_account_no
from .models import Utility, UtilityAccount


def _parse_unit(text):
    if not text.isdigit() or not 1 <= int(text) <= 99:
        raise ValueError("单元应为1–99的整数")
    return int(text)


FIELDS = ["grid_id", "division_code", "house_id", "holder_name", "address"]


class AccountImport(RegistryImport):
    kind, title, permission = "utility-accounts", "缴费户号", "utilities.add_utilityaccount"
    help = "户号按单位编码+户号识别，关联到房屋；导入账单前先导入户号。"
    natural_key = ("utility", "account")
    columns = [
        Column("utility", "单位编码", required=True, max_length=20, cache=True, example="water"),
        Column("account", "户号", required=True, parse=parse_account_no, example="W10000001"),
        Column("holder", "户名", max_length=50, example="张三"),
        Column("grid", "网格编码", required=True, parse=parse_grid_code, example="430702004001001"),
        Column("building", "楼栋编码", required=True, parse=parse_building_code, example="00001"),
        Column("unit", "单元", parse=_parse_unit, example="1"),
        Column("room", "房号", required=True, max_length=10, parse=parse_room, example="101"),
        Column("address", "地址", max_length=200, example="武陵区丹阳街道阳光路1号1栋1单元101室"),
    ]

    def validate(self, rows, report):
        utilities = {u.code: u.pk for u in Utility.objects.filter(is_active=True)}
        self.grids, bad = self.load_grids(rows, report)
        buildings, houses = self.load_buildings(self.grids), self.load_houses(self.grids)
        for row in rows:
            v = row.values
            v["utility_id"] = utilities.get(v["utility"])
            if v["utility_id"] is None:
                report.add_error(row.number, "单位编码", v["utility"], "公用事业单位不存在或已停用")
                continue
            if row.number in bad:
                continue
            _bid, hid = self.resolve_house(row, buildings, houses, report, required=True)
            v["house_id"] = hid or None
        self.existing = {}
        for pk, uid, no, *rest in UtilityAccount.objects.filter(
                account_no__in=[r.values["account"] for r in rows]).values_list("pk", "utility_id", "account_no",
                                                                                *FIELDS):
            self.existing[(uid, no)] = (pk, dict(zip(FIELDS, rest, strict=True)))

    def apply(self, rows, *, actor, run):
        self.assert_scope(actor, {r.values["grid"] for r in rows})
        new, changed, unchanged = [], [], 0
        for row in rows:
            v = row.values
            values = {"grid_id": self.grids[v["grid"]].pk, "division_code": v["grid"], "house_id": v["house_id"],
                      "holder_name": v.get("holder") or "", "address": v.get("address") or ""}
            old = self.existing.get((v["utility_id"], v["account"]))
            if old is None:
                new.append(UtilityAccount(utility_id=v["utility_id"], account_no=v["account"], **values))
            elif old[1] != values:
                changed.append(UtilityAccount(pk=old[0], **values))
            else:
                unchanged += 1
        UtilityAccount.objects.bulk_create(new, batch_size=5000)
        UtilityAccount.objects.bulk_update(changed, FIELDS, batch_size=5000)
        if run is not None:
            run.advance(len(rows), force=True)
        audit.record(actor, "utilities.save_account", ("utilities.utilityaccount", "-", "导入缴费户号"),
                     after={"created": len(new), "updated": len(changed)})
        return {"created": len(new), "updated": len(changed), "unchanged": unchanged}
