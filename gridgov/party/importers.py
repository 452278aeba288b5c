"""Bulk import of party members from CSV/XLSX (`gridgov import party-members FILE`, upload page).

Columns: 身份证号*, 姓名*, 党员类别*, 工作单位, 原党组织, 入党日期, 报到网格编码, 是否报到, 特长.
The person must already be in the registry (looked up by the keyed hash of the ID number) and the
name must match. The natural key is the ID number: re-importing the same file updates nothing.
Work units named in the file are created when missing. Every row is checked first; the file is
applied all-or-nothing (the shared framework's behaviour, like the registry imports).
"""

from django.core.exceptions import PermissionDenied

from gridgov.core import audit, clock, pii
from gridgov.core.access import can
from gridgov.core.importing import Column, ImportSpec, parse_bool, parse_choice, parse_past_date
from gridgov.divisions.models import Division

from .choices import MemberCategory, RequestStatus
from .models import PartyMember, PartyOrganization, Registration, WorkUnit


def parse_id(text):
    from gridgov.registry.identity import IdentityError, check_resident_id

    try:
        return check_resident_id(text)[0]
    except IdentityError as exc:
        raise ValueError(str(exc))


def parse_grid(text):
    if not (text.isdigit() and len(text) == 15):
        raise ValueError("网格编码应为 15 位数字")
    return text


class MemberImport(ImportSpec):
    kind = "party-members"
    title = "党员"
    permission = "party.import_partymember"
    natural_key = ("id_number",)
    columns = [
        Column("id_number", "身份证号", required=True, parse=parse_id, example="430702199001011234"),
        Column("name", "姓名", required=True, max_length=50, example="张三"),
        Column("category", "党员类别", required=True, parse=parse_choice(MemberCategory), example="在职党员"),
        Column("work_unit", "工作单位", max_length=120, example="武陵区教育局"),
        Column("origin_organization", "原党组织", max_length=120, example=""),
        Column("joined_on", "入党日期", parse=parse_past_date, example="2010-07-01"),
        Column("grid", "报到网格编码", parse=parse_grid, example="430702004001001",
               help="留空则为人员所在网格"),
        Column("register", "是否报到", parse=parse_bool, example="是"),
        Column("skills", "特长", max_length=200, example="法律咨询"),
    ]

    def __init__(self, actor=None):
        self.actor = actor

    def validate(self, rows, report):
        from gridgov.registry.models import Person

        hashes = {pii.keyed_hash(r["id_number"]): r for r in rows}
        persons = {p.id_hash: p for p in Person.objects.filter(id_hash__in=list(hashes)).only(
            "id", "id_hash", "name", "grid_id", "division_code")}
        grids = {d.code: d for d in Division.objects.grids().filter(
            code__in={r["grid"] for r in rows if r.get("grid")})}
        branches = set(PartyOrganization.objects.filter(kind="grid", is_active=True).values_list(
            "division_code", flat=True))
        for r in rows:
            person = persons.get(pii.keyed_hash(r["id_number"]))
            if person is None:
                report.add_error(r.number, "身份证号", pii.mask_id_number(r["id_number"]),
                                 "实有人口中没有该身份证号，请先导入人员")
                continue
            if person.name != r["name"]:
                report.add_error(r.number, "姓名", r["name"], f"与实有人口登记的姓名“{person.name}”不一致")
            if r["category"] == MemberCategory.IN_SERVICE and not r.get("work_unit"):
                report.add_error(r.number, "工作单位", "", "在职党员必须填写工作单位")
            if r["category"] == MemberCategory.FLOATING and not r.get("origin_organization"):
                report.add_error(r.number, "原党组织", "", "流动党员必须填写原党组织")
            code = r.get("grid") or person.division_code
            if r.get("grid") and r["grid"] not in grids:
                report.add_error(r.number, "报到网格编码", r["grid"], "网格不存在")
            elif r.get("register", True) and code not in branches:
                report.add_error(r.number, "报到网格编码", code, "该网格尚未建立党支部")
            if self.actor is not None and not can(self.actor, "party.add_partymember", code):
                report.add_error(r.number, "报到网格编码", code, "超出您的管辖范围")
            r.values["_person"], r.values["_code"] = person, code

    def apply(self, rows, *, actor, run):
        now = clock.now()
        for r in rows:
            if not can(actor, "party.add_partymember", r["_code"]):
                raise PermissionDenied(f"第 {r.number} 行超出您的管辖范围")
        units = {u.name: u for u in WorkUnit.objects.filter(name__in={r["work_unit"] for r in rows
                                                                       if r.get("work_unit")})}
        district = Division.objects.districts().order_by("code").first()
        new_units = [WorkUnit(name=n, division=district, division_code=district.code)
                     for n in {r["work_unit"] for r in rows if r.get("work_unit")} - set(units)]
        WorkUnit.objects.bulk_create(new_units)
        units.update({u.name: u for u in WorkUnit.objects.filter(name__in=[u.name for u in new_units])})
        grids = {d.code: d.pk for d in Division.objects.filter(code__in={r["_code"] for r in rows})}
        branches = dict(PartyOrganization.objects.filter(division_code__in=list(grids), kind="grid")
                        .values_list("division_code", "pk"))
        existing = {m.person_id: m for m in PartyMember.objects.filter(person__in=[r["_person"] for r in rows])}
        created, updated, unchanged, regs = [], [], 0, []
        fields = ["category", "work_unit", "origin_organization", "joined_on", "skills"]
        for r in rows:
            values = {"category": r["category"], "work_unit": units.get(r.get("work_unit")) if r.get("work_unit")
                      else None, "origin_organization": r.get("origin_organization") or "",
                      "joined_on": r.get("joined_on"), "skills": r.get("skills") or ""}
            member = existing.get(r["_person"].pk)
            if member is not None:
                if all(getattr(member, f) == v for f, v in values.items()):
                    unchanged += 1
                else:
                    for f, v in values.items():
                        setattr(member, f, v)
                    updated.append(member)
                continue
            register = r.get("register", True)
            code = r["_code"]
            member = PartyMember(person=r["_person"], name=r["name"], grid_id=grids[code], division_code=code,
                                 branch_id=branches.get(code) if register else None,
                                 registered_at=now if register else None, **values)
            created.append(member)
            if run is not None:
                run.advance()
        PartyMember.objects.bulk_create(created, batch_size=2000)
        PartyMember.objects.bulk_update(updated, fields, batch_size=2000)
        for m in created:
            if m.branch_id:
                regs.append(Registration(member=m, branch_id=m.branch_id, division_code=m.division_code,
                                         status=RequestStatus.APPROVED, requested_at=now, decided_at=now,
                                         note="批量导入"))
        Registration.objects.bulk_create(regs, batch_size=2000)
        audit.record(actor, "party.import_members", ("party.partymember", "import", "导入党员"),
                     after={"created": len(created), "updated": len(updated)})
        return {"created": len(created), "updated": len(updated), "unchanged": unchanged}


IMPORT_SPECS = {"party-members": MemberImport}
