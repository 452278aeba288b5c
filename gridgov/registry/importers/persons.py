"""Import of persons (实有人口) — the 2M-row path. Natural key: the ID number (via its keyed
hash); persons without an ID are matched by grid + house + name. Households named by 户号 that
do not exist yet are opened in the person's house."""

from django.db import connection
from django.db.models import Q

from gridgov.core import clock
from gridgov.core.importing import Column, parse_choice, parse_date

from ..actions.common import refresh_all_household_counts, refresh_household_counts
from ..choices import (
    Education,
    Employment,
    HouseholdType,
    IdType,
    PersonStatus,
    PoliticalStatus,
    Relation,
    ResidenceType,
    Sex,
)
from ..fastload import allocate_ids, insert_rows
from ..identity import IdentityError, check_id_number, check_phone, id_columns, phone_columns, pinyin_keys
from ..models import CareTag, House, Household, Person
from .base import (
    RegistryImport,
    chunks,
    parse_building_code,
    parse_grid_code,
    parse_list,
    parse_room,
)


def _parse_id(text):
    number = "".join(text.split()).upper()
    if len(number) > 30:
        raise ValueError("证件号码过长")
    return number


def _parse_phone(text):
    try:
        return check_phone(text)
    except IdentityError as exc:
        raise ValueError(str(exc))


def _parse_unit(text):
    if not text.isdigit() or not 1 <= int(text) <= 99:
        raise ValueError("单元应为1–99的整数")
    return int(text)


# The columns a person row writes; compared with the database to count unchanged rows.
PERSON_COLUMNS = [
    "grid_id", "division_code", "house_id", "household_id", "relation", "name", "name_pinyin", "name_initials",
    "id_type", "id_hash", "id_masked", "id_last6", "id_number_enc", "sex", "birth_date", "ethnicity",
    "phone_hash", "phone_masked", "phone_last4", "phone_enc", "residence_type", "employment", "employer",
    "education", "political_status", "status", "note",
]


class PersonImport(RegistryImport):
    kind = "persons"
    title = "实有人口"
    permission = "registry.add_person"
    write_permission = "registry.add_person"
    natural_key = ("id_number",)
    columns = [
        Column("name", "姓名", required=True, max_length=50, example="张三"),
        Column("id_type", "证件类型", parse=parse_choice(IdType), example="居民身份证", help="默认居民身份证"),
        Column("id_number", "证件号码", max_length=30, parse=_parse_id, example="430702199001011230"),
        Column("sex", "性别", parse=parse_choice(Sex), help="身份证号码可推出时可不填"),
        Column("birth_date", "出生日期", parse=parse_date, help="身份证号码可推出时可不填"),
        Column("ethnicity", "民族", max_length=20, example="汉族"),
        Column("phone", "联系电话", max_length=20, parse=_parse_phone, example="13807360000"),
        Column("grid", "网格编码", required=True, parse=parse_grid_code, example="430702004001001"),
        Column("building", "楼栋编码", parse=parse_building_code, example="00001"),
        Column("unit", "单元", parse=_parse_unit, example="1"),
        Column("room", "房号", max_length=10, parse=parse_room, example="101"),
        Column("household", "户号", max_length=20, example="H430702000001"),
        Column("relation", "与户主关系", parse=parse_choice(Relation), example="户主"),
        Column("residence_type", "人口类型", parse=parse_choice(ResidenceType), example="户籍人口"),
        Column("employment", "就业状况", parse=parse_choice(Employment)),
        Column("employer", "工作单位", max_length=100),
        Column("education", "文化程度", parse=parse_choice(Education)),
        Column("political_status", "政治面貌", parse=parse_choice(PoliticalStatus), example="群众"),
        Column("care_tags", "关爱标签", max_length=200, parse=parse_list, help="多个用、分隔，如：独居老人、低保"),
        Column("note", "备注", max_length=500),
    ]

    # --- validation -------------------------------------------------------------------------

    def validate(self, rows, report):
        today = clock.today()
        grids, bad = self.load_grids(rows, report)
        buildings = self.load_buildings(grids)
        houses = self.load_houses(grids) if any(r.values.get("room") for r in rows) else {}
        tags = {t.name: t.pk for t in CareTag.objects.filter(is_active=True)}
        for row in rows:
            if row.number in bad:
                continue
            v = row.values
            ok = self._check_identity(row, report, today)
            building_id, house_id = self.resolve_house(row, buildings, houses, report)
            if building_id is False:
                ok = False
            v["_house_id"] = house_id
            unknown = [t for t in (v.get("care_tags") or []) if t not in tags]
            if unknown:
                report.add_error(row.number, "关爱标签", "、".join(unknown), "未知的关爱标签")
                ok = False
            v["_tag_ids"] = sorted({tags[t] for t in v.get("care_tags") or [] if t in tags})
            if v.get("household") and house_id is None and ok:
                report.add_error(row.number, "户号", v["household"], "填写户号时须同时填写楼栋编码和房号")
                ok = False
            if not ok:
                bad.add(row.number)
        self._check_existing([r for r in rows if r.number not in bad], report)
        bad = report.error_rows  # a property that builds a set: evaluate once, not per row
        self._check_households([r for r in rows if r.number not in bad], report)

    def _check_identity(self, row, report, today):
        v = row.values
        id_type = v.get("id_type") or IdType.RESIDENT_ID
        v["id_type"] = id_type
        try:
            number, birth, sex = check_id_number(id_type, v.get("id_number") or "", today)
        except IdentityError as exc:
            report.add_error(row.number, "证件号码", v.get("id_number") or "", str(exc))
            return False
        ok = True
        if birth:
            if v.get("birth_date") and v["birth_date"] != birth:
                report.add_error(row.number, "出生日期", str(v["birth_date"]), "与身份证号码中的出生日期不符")
                ok = False
            if v.get("sex") and v["sex"] != sex:
                report.add_error(row.number, "性别", v["sex"], "与身份证号码推出的性别不符")
                ok = False
            v["birth_date"], v["sex"] = birth, sex
        elif v.get("birth_date") and (v["birth_date"] > today or v["birth_date"].year < 1890):
            report.add_error(row.number, "出生日期", str(v["birth_date"]), "出生日期不可能")
            ok = False
        v["_id"] = id_columns(number)
        return ok

    def _check_existing(self, rows, report):
        """Match rows to existing persons: by ID hash, or grid+house+name without an ID. A
        person registered in a grid outside the importer's scope is an error (move out first)."""
        hashes = [r.values["_id"]["id_hash"] for r in rows if r.values["_id"]["id_hash"]]
        self.existing = {}
        for chunk in chunks(hashes, 2000):
            for rec in Person.objects.filter(id_hash__in=chunk).exclude(id_hash="").values("pk", *PERSON_COLUMNS):
                self.existing[rec["id_hash"]] = rec
        no_id = [r for r in rows if not r.values["_id"]["id_hash"]]
        if no_id:
            codes = {r.values["grid"] for r in no_id}
            for chunk in chunks(codes):
                for rec in Person.objects.filter(division_code__in=chunk, id_hash="").values("pk", *PERSON_COLUMNS):
                    self.existing[("noid", rec["division_code"], rec["house_id"], rec["name"])] = rec
        for row in rows:
            rec = self.existing.get(row.values["_id"]["id_hash"])
            if rec is None or self.actor is None:
                continue
            if rec["status"] == PersonStatus.ACTIVE and rec["division_code"] != row.values["grid"]:
                if not self.in_scope(self.actor, rec["division_code"]):
                    report.add_error(row.number, "证件号码", row.values.get("id_number"),
                                     "该人员已在其他网格在册，请原网格先办理迁出")

    def _check_households(self, rows, report):
        numbers = {r.values["household"] for r in rows if r.values.get("household")}
        self.households = {}
        for chunk in chunks(numbers):
            for pk, number, house_id, head_id, code in Household.objects.filter(number__in=chunk).values_list(
                "pk", "number", "house_id", "head_id", "division_code"
            ):
                self.households[number] = (pk, house_id, head_id, code)
        first_house = {}
        for row in rows:
            number = row.values.get("household")
            if not number:
                continue
            known = self.households.get(number)
            if known and self.actor is not None and not self.in_scope(self.actor, known[3]):
                report.add_error(row.number, "户号", number, "该户号已在其他网格登记")
                continue
            house_id = row.values["_house_id"]
            known = self.households.get(number)
            expected = known[1] if known else first_house.setdefault(number, house_id)
            if expected != house_id:
                report.add_error(row.number, "户号", number, "同一户号对应了不同的房屋")

    # --- writing ----------------------------------------------------------------------------

    def apply(self, rows, *, actor, run):
        """Bulk write: new persons and households go in through `fastload` (COPY / executemany
        with pre-allocated ids), changed persons through `bulk_update`, unchanged rows are only
        counted."""
        self.assert_scope(actor, {r.values["grid"] for r in rows})
        from gridgov.divisions.models import Division

        now = clock.now()
        grid_ids = dict(Division.objects.filter(code__in={r.values["grid"] for r in rows}).values_list("code", "pk"))
        existing = getattr(self, "existing", {})
        known = {n: rec[0] for n, rec in getattr(self, "households", {}).items()}
        new_households = {}  # number -> [id, grid_id, code, house_id, type, head_id]
        records, tag_ids = {}, {}
        for row in rows:
            v = row.values
            key = v["_id"]["id_hash"] or ("noid", v["grid"], v["_house_id"], " ".join(v["name"].split()))
            number = v.get("household")
            if number and number not in known and number not in new_households:
                floating = v.get("residence_type") in (ResidenceType.FLOATING, ResidenceType.OVERSEAS)
                new_households[number] = [None, grid_ids[v["grid"]], v["grid"], v["_house_id"],
                                          HouseholdType.FLOATING if floating else HouseholdType.REGISTERED, None]
            records[key] = (self._record(v, grid_ids[v["grid"]], None), number)
            tag_ids[key] = v["_tag_ids"]
        for number, hid in zip(new_households, allocate_ids(Household, len(new_households)), strict=True):
            new_households[number][0] = hid
            known[number] = hid
        new_keys = [k for k in records if k not in existing]
        pks = dict(zip(new_keys, allocate_ids(Person, len(new_keys)), strict=True))
        heads = {}
        for key, (rec, number) in records.items():
            rec["household_id"] = known.get(number) if number else None
            if rec["household_id"] and rec["relation"] == Relation.HEAD:
                heads[rec["household_id"]] = pks.get(key) or existing[key]["pk"]
        for hh in new_households.values():
            hh[5] = heads.pop(hh[0], None)
        insert_rows(Household, ["id", "grid_id", "division_code", "house_id", "household_type", "head_id", "number",
                                "is_active", "updated_at"],
                    [(h[0], h[1], h[2], h[3], h[4], h[5], n, True, now) for n, h in new_households.items()])
        columns = ["id", *PERSON_COLUMNS, "created_at", "updated_at"]
        insert_rows(Person, columns, [
            (pks[k], *(records[k][0][c] for c in PERSON_COLUMNS), now, now) for k in new_keys
        ])
        if run is not None:
            run.advance(len(new_keys))
        changed = []
        for key, rec in existing.items():
            if key not in records:
                continue
            new = records[key][0]
            if any(rec.get(c) != new[c] for c in PERSON_COLUMNS):
                changed.append(Person(pk=rec["pk"], updated_at=now, **new))
            pks[key] = rec["pk"]
        Person.objects.bulk_update(changed, [*PERSON_COLUMNS, "updated_at"], batch_size=1000)
        if run is not None:
            run.advance(len(records) - len(new_keys))
        self._set_tags(pks, tag_ids, {k: (r["pk"], r) for k, r in existing.items()})
        if heads:  # existing households that get a head from this file
            Household.objects.bulk_update(
                [Household(pk=hid, head_id=pid, is_active=True) for hid, pid in heads.items()],
                ["head_id", "is_active"], batch_size=1000,
            )
        refresh_household_counts(
            grid_ids=set(grid_ids.values()),
            building_ids=set(House.objects.filter(pk__in={r[0]["house_id"] for r in records.values() if r[0]["house_id"]})
                             .values_list("building_id", flat=True)) if len(records) < 50_000 else (),
        )
        if len(records) >= 50_000:
            refresh_all_household_counts()
            if connection.vendor == "postgresql":  # fresh statistics for the next queries
                with connection.cursor() as cur:
                    cur.execute("ANALYZE registry_person, registry_household")
        unchanged = len(records) - len(new_keys) - len(changed)
        return {"created": len(new_keys), "updated": len(changed), "unchanged": unchanged}

    @staticmethod
    def _record(v, grid_id, household_id):
        name = " ".join(v["name"].split())
        pinyin, initials = pinyin_keys(name)
        phone = phone_columns(v.get("phone") or "")
        return {
            "grid_id": grid_id, "division_code": v["grid"], "house_id": v["_house_id"],
            "household_id": household_id, "relation": v.get("relation") or "", "name": name,
            "name_pinyin": pinyin, "name_initials": initials, "id_type": v["id_type"], **v["_id"],
            "sex": v.get("sex") or Sex.UNKNOWN, "birth_date": v.get("birth_date"),
            "ethnicity": v.get("ethnicity") or "汉族", **phone,
            "residence_type": v.get("residence_type") or ResidenceType.REGISTERED,
            "employment": v.get("employment") or "", "employer": v.get("employer") or "",
            "education": v.get("education") or "", "political_status": v.get("political_status") or "masses",
            "status": PersonStatus.ACTIVE, "note": v.get("note") or "",
        }

    @staticmethod
    def _set_tags(pks, tag_ids, existing):
        Through = Person.care_tags.through
        existing_pks = [pk for pk, _rec in existing.values()]
        current = {}
        for chunk in chunks(existing_pks, 2000):
            for pid, tid in Through.objects.filter(person_id__in=chunk).values_list("person_id", "caretag_id"):
                current.setdefault(pid, set()).add(tid)
        add, remove = [], []
        for key, tids in tag_ids.items():
            pid = pks[key]
            have = current.get(pid, set())
            want = set(tids)
            add += [(pid, t) for t in want - have]
            remove += [(pid, t) for t in have - want]
        insert_rows(Through, ["person_id", "caretag_id"], add)
        for part in chunks(remove, 500):
            q = Q()
            for pid, tid in part:
                q |= Q(person_id=pid, caretag_id=tid)
            Through.objects.filter(q).delete()
