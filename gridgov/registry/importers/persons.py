"""Import of persons (实有人口) — the 2M-row path. Natural key: the ID number (via its keyed
hash); persons without an ID are matched by grid + house + name. Households named by 户号 that
do not exist yet are opened in the person's house.

Every row gets every check; the per-row work is kept small (see docs/registry.md): set-based
lookups against the database, cached parsing of repetitive cells, a prepared HMAC, rows streamed
to COPY while they are built, and `core.bulk.bulk_mode` for loads at least the table's size."""

import time

from django.db import connection

from gridgov.core import clock, crypto
from gridgov.core.bulk import NULL, allocate_ids, bulk_mode, copy_escape, insert_rows, table_size, update_rows
from gridgov.core.importing import Column, parse_choice, parse_past_date

from .. import population
from ..actions.common import refresh_all_household_counts, refresh_household_counts
from ..choices import (
    Education,
    Employment,
    HouseholdType,
    IdType,
    PersonEventKind,
    PersonStatus,
    PoliticalStatus,
    Relation,
    ResidenceType,
    Sex,
)
from ..identity import (
    ID_COLUMN,
    PHONE_COLUMN,
    IdentityError,
    KeyedHasher,
    check_id_number,
    check_phone,
    mask_id,
    mask_phone,
    pinyin_keys_uncached,
)
from ..models import CareTag, House, Household, Person, PersonEvent
from .base import (
    RegistryImport,
    fetch_by_keys,
    parse_building_code,
    parse_grid_code,
    parse_list,
    parse_room,
)


def _parse_id(text):
    number = "".join(text.split())
    upper = number.upper()
    if len(upper) > 30:
        raise ValueError("证件号码过长")
    return number if upper == number else upper  # the cell itself when already clean (memory)


def _parse_phone(text):
    try:
        return check_phone(text)
    except IdentityError as exc:
        raise ValueError(str(exc))


def _parse_tags(text):
    return tuple(parse_list(text))


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
_POS = {name: i for i, name in enumerate(PERSON_COLUMNS)}
_HOUSEHOLD, _RELATION, _STATUS, _CODE = (_POS[c] for c in ("household_id", "relation", "status", "division_code"))
# the partial unique indexes' own conditions, word for word (SQLite uses a partial index only then)
ID_HASH_SET, HOUSEHOLD_NUMBER_SET = "NOT (id_hash = '')", "NOT (number = '')"
BULK_MODE_MIN_ROWS = 100_000  # new persons from which a load at least the table's size rebuilds indexes


class PersonImport(RegistryImport):
    kind = "persons"
    title = "实有人口"
    permission = "registry.add_person"
    write_permission = "registry.add_person"
    natural_key = ("id_number",)
    derived_keys = ("_id", "_house_id", "_tag_ids")  # set by `validate`, in this order
    columns = [
        Column("name", "姓名", required=True, max_length=50, example="张三"),
        Column("id_type", "证件类型", parse=parse_choice(IdType), cache=True, example="居民身份证", help="默认居民身份证"),
        Column("id_number", "证件号码", max_length=30, parse=_parse_id, example="430702199001011230"),
        Column("sex", "性别", parse=parse_choice(Sex), cache=True, help="身份证号码可推出时可不填"),
        Column("birth_date", "出生日期", parse=parse_past_date, cache=True, help="身份证号码可推出时可不填"),
        Column("ethnicity", "民族", max_length=20, example="汉族"),
        Column("phone", "联系电话", max_length=20, parse=_parse_phone, example="13807360000"),
        Column("grid", "网格编码", required=True, parse=parse_grid_code, cache=True, example="430702004001001"),
        Column("building", "楼栋编码", parse=parse_building_code, cache=True, example="00001"),
        Column("unit", "单元", parse=_parse_unit, cache=True, example="1"),
        Column("room", "房号", max_length=10, parse=parse_room, cache=True, example="101"),
        Column("household", "户号", max_length=20, example="H430702000001"),
        Column("relation", "与户主关系", parse=parse_choice(Relation), cache=True, example="户主"),
        Column("residence_type", "人口类型", parse=parse_choice(ResidenceType), cache=True, example="户籍人口"),
        Column("employment", "就业状况", parse=parse_choice(Employment), cache=True),
        Column("employer", "工作单位", max_length=100),
        Column("education", "文化程度", parse=parse_choice(Education), cache=True),
        Column("political_status", "政治面貌", parse=parse_choice(PoliticalStatus), cache=True, example="群众"),
        Column("care_tags", "关爱标签", max_length=200, parse=_parse_tags, cache=True,
               help="多个用、分隔，如：独居老人、低保"),
        Column("note", "备注", max_length=500),
    ]

    # --- validation -------------------------------------------------------------------------

    def validate(self, rows, report):
        lap = self._stopwatch()
        today = clock.today()
        self.hasher = KeyedHasher()
        self.cipher = crypto.cipher()
        grids, bad = self.load_grids(rows, report)
        self.grids = grids
        buildings = self.load_buildings(grids)
        houses = self.load_houses(grids) if any(r.values.get("room") for r in rows) else {}
        tags = {t.name: t.pk for t in CareTag.objects.filter(is_active=True)}
        check_identity, resolve_house, add_error = self._check_identity, self.resolve_house, report.add_error
        lap("validate: references loaded")
        for row in rows:
            if row.number in bad:
                continue
            v = row.values
            ok = check_identity(row, report, today)
            building_id, house_id = resolve_house(row, buildings, houses, report)
            if building_id is False:
                ok = False
            v["_house_id"] = house_id
            names = v["care_tags"]
            if names:
                unknown = [t for t in names if t not in tags]
                if unknown:
                    add_error(row.number, "关爱标签", "、".join(unknown), "未知的关爱标签")
                    ok = False
                v["_tag_ids"] = sorted({tags[t] for t in names if t in tags})
            else:
                v["_tag_ids"] = ()
            if v["household"] and house_id is None and ok:
                add_error(row.number, "户号", v["household"], "填写户号时须同时填写楼栋编码和房号")
                ok = False
            if not ok:
                bad.add(row.number)
        lap("validate: rows checked")
        self._check_existing([r for r in rows if r.number not in bad], report)
        lap("validate: existing persons matched")
        bad = report.error_rows  # a property that builds a set: evaluate once, not per row
        self._check_households([r for r in rows if r.number not in bad], report)
        lap("validate: households checked")

    def _stopwatch(self):
        """`lap(name)` records the seconds since the previous lap in `self.timings` (the benchmark
        prints them; cheap enough to keep on)."""
        self.timings = getattr(self, "timings", {})
        last = [time.perf_counter()]

        def lap(name):
            now = time.perf_counter()
            self.timings[name] = round(now - last[0], 2)
            last[0] = now

        return lap

    def _check_identity(self, row, report, today):
        """Check the ID number (and birth date / sex against it); set v["_id"] to (keyed hash,
        number) — the masked form and last 6 digits are derived while the row is written (the
        fewer objects a row keeps, the less memory a million rows take)."""
        v = row.values
        id_type = v["id_type"] or _RESIDENT_ID
        v["id_type"] = id_type
        try:
            number, birth, sex = check_id_number(id_type, v["id_number"] or "", today)
        except IdentityError as exc:
            report.add_error(row.number, "证件号码", v["id_number"] or "", str(exc))
            return False
        ok = True
        if birth:
            if v["birth_date"] and v["birth_date"] != birth:
                report.add_error(row.number, "出生日期", str(v["birth_date"]), "与身份证号码中的出生日期不符")
                ok = False
            if v["sex"] and v["sex"] != sex:
                report.add_error(row.number, "性别", v["sex"], "与身份证号码推出的性别不符")
                ok = False
            v["birth_date"], v["sex"] = birth, _PLAIN_SEX[sex]
        elif v["birth_date"] and (v["birth_date"] > today or v["birth_date"].year < 1890):
            report.add_error(row.number, "出生日期", str(v["birth_date"]), "出生日期不可能")
            ok = False
        v["_id"] = (self.hasher(number), number) if number else _NO_ID
        return ok

    def _check_existing(self, rows, report):
        """Match rows to existing persons: by ID hash, or grid+house+name without an ID — one
        set-based query per 50,000 rows. A person registered in a grid outside the importer's
        scope is an error (move out first). `self.existing` maps the key to the stored row
        (id, *PERSON_COLUMNS)."""
        self.existing = {}
        if not Person.objects.exists():  # a first load: nothing to match (and no 50,000-key queries)
            return
        columns = ["id", *PERSON_COLUMNS]
        hash_pos = columns.index("id_hash")
        hashes = [r.values["_id"][0] for r in rows if r.values["_id"][0]]
        for rec in fetch_by_keys(Person, "id_hash", hashes, columns, where=ID_HASH_SET):
            self.existing[rec[hash_pos]] = rec
        no_id = [r for r in rows if not r.values["_id"][0]]
        if no_id:
            for rec in fetch_by_keys(Person, "division_code", {r.values["grid"] for r in no_id}, columns,
                                     where="id_hash = ''"):
                self.existing[("noid", rec[1 + _CODE], rec[1 + _POS["house_id"]], rec[1 + _POS["name"]])] = rec
        if self.actor is None or not self.existing:
            return
        for row in rows:
            rec = self.existing.get(row.values["_id"][0])
            if rec is None:
                continue
            if rec[1 + _STATUS] == PersonStatus.ACTIVE and rec[1 + _CODE] != row.values["grid"]:
                if not self.in_scope(self.actor, rec[1 + _CODE]):
                    report.add_error(row.number, "证件号码", row.values.get("id_number"),
                                     "该人员已在其他网格在册，请原网格先办理迁出")

    def _check_households(self, rows, report):
        numbers = {r.values["household"] for r in rows if r.values.get("household")}
        self.households = {}
        for pk, number, house_id, head_id, code in fetch_by_keys(
            Household, "number", numbers if Household.objects.exists() else (),
            ["id", "number", "house_id", "head_id", "division_code"], where=HOUSEHOLD_NUMBER_SET,
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
            expected = known[1] if known else first_house.setdefault(number, house_id)
            if expected != house_id:
                report.add_error(row.number, "户号", number, "同一户号对应了不同的房屋")

    # --- writing ----------------------------------------------------------------------------

    def apply(self, rows, *, actor, run):
        """Bulk write: new persons and households go in through `core.bulk` (COPY / executemany
        with pre-allocated ids), changed persons through `core.bulk.update_rows`, unchanged rows
        are only counted. A load of new persons at least as big as the table rebuilds the
        person table's secondary indexes once instead of maintaining them row by row."""
        lap = self._stopwatch()
        self.assert_scope(actor, {r.values["grid"] for r in rows})
        now = clock.now()
        grid_ids = {code: d.pk for code, d in self.grids.items()}
        existing = getattr(self, "existing", {})
        known = {n: rec[0] for n, rec in getattr(self, "households", {}).items()}
        new_households = {}  # number -> [id, grid_id, code, house_id, type, head_id]
        by_key, pks = {}, {}
        floating = (ResidenceType.FLOATING.value, ResidenceType.OVERSEAS.value)
        floating_type, registered_type = HouseholdType.FLOATING.value, HouseholdType.REGISTERED.value
        for row in rows:
            v = row.values
            key = v["_id"][0] or ("noid", v["grid"], v["_house_id"], " ".join(v["name"].split()))
            number = v["household"]
            if number and number not in known and number not in new_households:
                new_households[number] = [None, grid_ids[v["grid"]], v["grid"], v["_house_id"],
                                          floating_type if v["residence_type"] in floating else registered_type, None]
            by_key[key] = v
        new_keys = [k for k in by_key if k not in existing]
        for key, rec in existing.items():
            if key in by_key:
                pks[key] = rec[0]
        bulk = len(new_keys) >= BULK_MODE_MIN_ROWS and len(new_keys) >= table_size(Person)
        heads = {}  # household id -> head person id, filled while the person rows are generated
        household_columns = ["id", "grid_id", "division_code", "house_id", "household_type", "head_id", "number",
                             "is_active", "updated_at"]
        # PostgreSQL checks deferred foreign keys at commit (in bulk mode, once per constraint), so
        # persons stream in first — their rows are built while the server stores the previous ones —
        # and households follow with their heads. SQLite checks a pending violation by searching
        # the child table each time a parent row comes in: there households go in first without
        # heads, then persons, then the heads, so nothing is ever pending.
        postgres = connection.vendor == "postgresql"
        with bulk_mode(Person, Household, enabled=bulk) as locked:
            lap("apply: bulk mode on (indexes, foreign keys dropped)" if locked else "apply: indexes kept")
            for number, hid in zip(new_households, allocate_ids(Household, len(new_households), locked=locked),
                                   strict=True):
                new_households[number][0] = hid
                known[number] = hid
            pks.update(zip(new_keys, allocate_ids(Person, len(new_keys), locked=locked), strict=True))
            lap("apply: ids allocated")
            if not postgres:
                insert_rows(Household, household_columns,
                            [(h[0], h[1], h[2], h[3], h[4], None, n, True, now) for n, h in new_households.items()])
            new_rows = ((pks[k], *rec, now, now) for k, rec in self._records(new_keys, by_key, grid_ids, known, pks,
                                                                             heads))
            insert_rows(Person, ["id", *PERSON_COLUMNS, "created_at", "updated_at"],
                        new_rows, copy_line=_person_copy_line(now))
            old = dict(self._records([k for k in by_key if k in existing], by_key, grid_ids, known, pks, heads))
            for hh in new_households.values():
                hh[5] = heads.pop(hh[0], None)
            if postgres:
                insert_rows(Household, household_columns,
                            [(h[0], h[1], h[2], h[3], h[4], h[5], n, True, now) for n, h in new_households.items()])
            else:
                update_rows(Household, ["id", "head_id"], [(h[0], h[5]) for h in new_households.values() if h[5]])
            lap("apply: persons and households inserted")
            if run is not None:
                run.advance(len(new_keys))
            changed = [(existing[key][0], *rec, now) for key, rec in _keep_ciphertexts(old, existing).items()
                       if tuple(existing[key][1:]) != rec]
            update_rows(Person, ["id", *PERSON_COLUMNS, "updated_at"], changed)
            _record_moves(existing, old, actor, now, run)
            if run is not None:
                run.advance(len(old))
            self._set_tags(pks, {k: v["_tag_ids"] for k, v in by_key.items()}, [rec[0] for rec in existing.values()])
            lap("apply: updates and care tags written")
        if bulk:
            lap("apply: indexes and foreign keys rebuilt")
        if heads:  # existing households that get a head from this file
            update_rows(Household, ["id", "head_id", "is_active"], [(hid, pid, True) for hid, pid in heads.items()])
        self._refresh_counts(by_key, grid_ids)
        population.rebuild()  # persons may have come from any grid: every grid's sums, from the persons
        lap("apply: counts refreshed, statistics updated")
        return {"created": len(new_keys), "updated": len(changed), "unchanged": len(old) - len(changed)}

    def _records(self, keys, by_key, grid_ids, households, pks, heads):
        """(key, tuple of PERSON_COLUMNS) for `keys`, a generator; records household heads in
        `heads` as it goes. Rows reaching `apply` parsed cleanly, so every column key is there."""
        # plain str values (not the enum members): str() of a member is a Python-level call per row
        hasher, active, head = self.hasher, PersonStatus.ACTIVE.value, Relation.HEAD.value
        encrypt = self.cipher.encrypt  # encrypted at rest (core/crypto.py), in the same pass as the COPY line
        unknown_sex, registered, masses = Sex.UNKNOWN.value, ResidenceType.REGISTERED.value, PoliticalStatus.MASSES.value
        pinyin = self._pinyin = getattr(self, "_pinyin", {})
        for key in keys:
            v = by_key[key]
            name = v["name"]
            if " " in name or not name.isprintable():  # whitespace runs (str.split semantics)
                name = " ".join(name.split())
            names = pinyin.get(name)
            if names is None:
                names = pinyin[name] = pinyin_keys_uncached(name)
            phone = v["phone"]
            id_hash, id_number = v["_id"]
            number = v["household"]
            household_id = households.get(number) if number else None
            relation = v["relation"] or ""
            if household_id and relation == head:
                heads[household_id] = pks[key]
            yield key, (
                grid_ids[v["grid"]], v["grid"], v["_house_id"], household_id, relation, name, *names,
                v["id_type"], id_hash, mask_id(id_number) if id_number else "", id_number[-6:],
                encrypt(id_number, ID_COLUMN) if id_number else "",
                v["sex"] or unknown_sex, v["birth_date"],
                v["ethnicity"] or "汉族",
                *((hasher(phone), mask_phone(phone), phone[-4:], encrypt(phone, PHONE_COLUMN)) if phone else _NO_PHONE),
                v["residence_type"] or registered, v["employment"] or "", v["employer"] or "",
                v["education"] or "", v["political_status"] or masses, active, v["note"] or "",
            )

    def _refresh_counts(self, by_key, grid_ids):
        if len(by_key) >= 50_000:
            refresh_all_household_counts()
            if connection.vendor == "postgresql":  # fresh statistics for the next queries
                with connection.cursor() as cur:
                    cur.execute("ANALYZE registry_person, registry_household")
            return
        house_ids = {v["_house_id"] for v in by_key.values() if v["_house_id"]}
        refresh_household_counts(
            grid_ids=set(grid_ids.values()),
            building_ids=set(House.objects.filter(pk__in=house_ids).values_list("building_id", flat=True)),
        )

    @staticmethod
    def _set_tags(pks, tag_ids, existing_pks):
        """Make each person's care tags those of the file: insert the missing pairs, delete the
        dropped ones (existing persons only — new ones have none)."""
        Through = Person.care_tags.through
        current = {}
        for pid, tid in fetch_by_keys(Through, "person_id", existing_pks, ["person_id", "caretag_id"]):
            current.setdefault(pid, set()).add(tid)
        add, remove = [], []
        for key, tids in tag_ids.items():
            have = current.get(pks[key], ())
            if not tids and not have:
                continue
            pid, want = pks[key], set(tids)
            add += [(pid, t) for t in want.difference(have)]
            remove += [(pid, t) for t in have if t not in want]
        insert_rows(Through, ["person_id", "caretag_id"], add)
        by_tag = {}
        for pid, tid in remove:
            by_tag.setdefault(tid, []).append(pid)
        for tid, pids in by_tag.items():
            for i in range(0, len(pids), 900):
                Through.objects.filter(caretag_id=tid, person_id__in=pids[i : i + 900]).delete()


_ID_ENC, _ID_HASH = _POS["id_number_enc"], _POS["id_hash"]
_PHONE_ENC, _PHONE_HASH = _POS["phone_enc"], _POS["phone_hash"]


def _record_moves(existing, records, actor, now, run):
    """A re-import that moves an active person to another grid is a life event (ADR 0003): one
    `PersonEvent` of kind IMPORT per moved person, written in one bulk insert."""
    code, house, status = _CODE, _POS["house_id"], _STATUS
    events = [
        PersonEvent(person_id=existing[key][0], division_code=rec[code], kind=PersonEventKind.IMPORT, at=now,
                    actor=actor if getattr(actor, "pk", None) else None,
                    from_house_id=existing[key][1 + house], to_house_id=rec[house],
                    from_grid_code=existing[key][1 + code], to_grid_code=rec[code], note="导入迁移网格",
                    data={"job": getattr(run, "pk", None)} if run is not None else {})
        for key, rec in records.items()
        if existing[key][1 + status] == PersonStatus.ACTIVE and existing[key][1 + code] != rec[code]
    ]
    PersonEvent.objects.bulk_create(events, batch_size=5000)


def _keep_ciphertexts(records, existing):
    """Encryption uses a fresh nonce, so a re-imported unchanged number gives a new ciphertext:
    keep the stored one where the keyed hash says the number is the same (re-imports stay
    idempotent and write only rows that changed)."""
    out = {}
    for key, rec in records.items():
        stored = existing[key]
        if rec[_ID_HASH] == stored[1 + _ID_HASH] or rec[_PHONE_HASH] == stored[1 + _PHONE_HASH]:
            rec = list(rec)
            if rec[_ID_HASH] == stored[1 + _ID_HASH]:
                rec[_ID_ENC] = stored[1 + _ID_ENC]
            if rec[_PHONE_HASH] == stored[1 + _PHONE_HASH]:
                rec[_PHONE_ENC] = stored[1 + _PHONE_ENC]
            rec = tuple(rec)
        out[key] = rec
    return out


def _person_copy_line(now):
    """The COPY text line of a person row (id, *PERSON_COLUMNS, created_at, updated_at). Only the
    free-text columns (name, ethnicity, employer, note) can hold characters COPY must escape;
    the others are validated codes, digits, hashes, masks and choice values. NULL-able: house,
    household, birth date."""
    stamp = str(now)

    def line(r):
        return (
            f"{r[0]}\t{r[1]}\t{r[2]}\t{NULL if r[3] is None else r[3]}\t{NULL if r[4] is None else r[4]}\t{r[5]}\t"
            f"{copy_escape(r[6])}\t{r[7]}\t{r[8]}\t{r[9]}\t{r[10]}\t{r[11]}\t{r[12]}\t{r[13]}\t{r[14]}\t"
            f"{NULL if r[15] is None else r[15]}\t{copy_escape(r[16])}\t{r[17]}\t{r[18]}\t{r[19]}\t{r[20]}\t"
            f"{r[21]}\t{r[22]}\t{copy_escape(r[23])}\t{r[24]}\t{r[25]}\t{r[26]}\t{copy_escape(r[27])}\t{stamp}\t{stamp}"
        )

    return line


_NO_ID = ("", "")
_RESIDENT_ID = IdType.RESIDENT_ID.value
_PLAIN_SEX = {s.value: s.value for s in Sex}
_NO_PHONE = ("", "", "", "")
