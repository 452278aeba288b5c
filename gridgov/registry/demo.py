"""Demo data of the registry: houses, households, persons, legal entities and components for the
grids and buildings the demo district already has (`gridgov demo`).

Deterministic for a seed. Every ID number has a correct check digit and a possible birth date
(region 430702 for most residents), every credit code a correct check character. Bulk inserts
in large batches, no per-row queries, no audit rows per record (one audit entry by the caller).
"""

import bisect
import datetime
import itertools
import math
import random
from decimal import Decimal

from django.db import connection, transaction

from gridgov.core import clock, crypto
from gridgov.core.bulk import (
    RowMaker,
    allocate_ids,
    assign_ids,
    bulk_mode,
    insert_objects,
    insert_rows,
    stored_datetime,
    update_rows,
)
from gridgov.divisions.models import Division

from . import population
from .actions.common import refresh_all_household_counts
from .bulk import create_buildings_bulk
from .choices import (
    BuildingType,
    ComponentStatus,
    Education,
    Employment,
    EntityStatus,
    EntityType,
    HouseholdType,
    HouseStatus,
    HouseUse,
    PoliticalStatus,
    Relation,
    ResidenceType,
    Sex,
)
from .identity import (
    ID_COLUMN,
    PHONE_COLUMN,
    KeyedHasher,
    char_pinyin,
    make_credit_code,
    make_resident_id,
    mask_id,
    mask_phone,
    pinyin_keys,
)
from .models import Building, CareTag, Component, ComponentClass, House, Household, LegalEntity, Person

PEOPLE_TABLES = (House, Household, Person, Person.care_tags.through)
# plain rows, not model instances (persons: tuples, below)
HOUSE_ROW, HOUSEHOLD_ROW = RowMaker(House), RowMaker(Household)
ENTITY_ROW, COMPONENT_ROW = RowMaker(LegalEntity), RowMaker(Component)
GRIDS_PER_ROUND = 8

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红建国志文斌辉鹏宇浩然子涵欣怡梓轩雨晨思佳俊"
         "嘉宏春梅海燕晓东亮德福永林云飞雪婷琴兵凤新民长宁安佳乐诗雅博文天一可馨梦瑶心语")
OTHER_REGIONS = ["430703", "430721", "430722", "430723", "430724", "430725", "430726", "430781", "430102",
                 "430105", "430111", "430611", "430902", "431102", "421002", "420106", "360102", "440305",
                 "500101", "520102"]
PHONE_PREFIXES = ["138", "139", "135", "136", "137", "158", "159", "187", "188", "150", "151", "152", "177",
                  "180", "181", "189", "133", "153", "173", "199", "186", "130"]
ENTITY_WORDS = ["武陵", "丹阳", "穿紫河", "柳叶湖", "沅江", "德山", "桃花源", "善卷", "朗州", "滨湖", "丽都", "常德"]
ENTITY_TRADES = [("F", "商贸"), ("H", "餐饮"), ("O", "家政服务"), ("E", "建筑工程"), ("I", "信息科技"),
                 ("K", "物业管理"), ("Q", "诊所"), ("P", "培训学校"), ("C", "食品加工"), ("L", "广告传媒"),
                 ("G", "物流"), ("R", "文化传播")]
COMPONENT_MIX = {"0101": 10, "0102": 12, "0103": 10, "0104": 8, "0105": 5, "0106": 18, "0107": 6, "0110": 5,
                 "0201": 2, "0202": 2, "0207": 4, "0209": 3, "0301": 1, "0302": 10, "0306": 3, "0401": 1,
                 "0402": 2, "0403": 8, "0501": 2, "0604": 1, "0605": 2}


def _name(rng, surname=None):
    surname = surname or rng.choice(SURNAMES)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return surname + given


def _birth(rng, today, age_low, age_high):
    age_days = rng.randint(int(age_low * 365.25), int(age_high * 365.25))
    return today - datetime.timedelta(days=age_days)


class _Ids:
    """Unique, valid ID numbers: region + birth date + serial (odd for men) + check digit."""

    def __init__(self):
        self.used = set()

    def make(self, rng, region, birth, sex):
        serial = rng.randint(0, 499) * 2 + (1 if sex == Sex.MALE else 0)
        for _ in range(1000):
            number = make_resident_id(region, birth, serial)
            if number not in self.used:
                self.used.add(number)
                return number
            serial = (serial + 2) % 1000
        raise RuntimeError("ID serials exhausted")


def _phone(rng):
    return rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


class _Weighted:
    """A weighted draw, `rng.choices(values, weights)[0]` in one call: Python's own arithmetic for
    k=1 (cumulative weights, `bisect` of `random() * total`) on the same single `rng.random()`, so
    the same value — without summing the weights and building a list on every call (tested)."""

    __slots__ = ("values", "cum", "total", "hi")

    def __init__(self, values, weights):
        self.values, self.cum = tuple(values), tuple(itertools.accumulate(weights))
        self.total, self.hi = self.cum[-1] + 0.0, len(self.values) - 1

    def __call__(self, rng):
        return self.values[bisect.bisect(self.cum, rng.random() * self.total, 0, self.hi)]


# A person is a plain tuple in PERSON_COLUMNS order (its id put in front when written): ~650k of
# them at district scale, where a row object and reading its ~30 attributes back cost more than
# the data.
PERSON_COLUMNS = (
    "grid_id", "division_code", "house_id", "household_id", "relation", "name", "name_pinyin", "name_initials",
    "id_type", "id_hash", "id_masked", "id_last6", "id_number_enc", "sex", "birth_date", "ethnicity", "phone_hash",
    "phone_masked", "phone_last4", "phone_enc", "residence_type", "employment", "education", "political_status",
    "status", "employer", "note", "created_at", "updated_at",
)
NAME, BIRTH = PERSON_COLUMNS.index("name"), PERSON_COLUMNS.index("birth_date")
HEAD_AGE = _Weighted([(22, 35), (35, 60), (60, 75), (75, 95)], [22, 45, 23, 10])
CHILDREN = _Weighted([0, 1, 2, 3], [25, 45, 25, 5])
WORKING = _Weighted([Employment.EMPLOYED, Employment.SELF_EMPLOYED, Employment.UNEMPLOYED, Employment.FARMER],
                    [70, 15, 8, 7])
ADULT_EDUCATION = _Weighted([Education.JUNIOR, Education.SENIOR, Education.COLLEGE, Education.BACHELOR,
                             Education.MASTER], [20, 30, 22, 24, 4])
STUDENT_EDUCATION = (Education.PRIMARY, Education.JUNIOR, Education.SENIOR)
RETIRED_EDUCATION = (Education.PRIMARY, Education.JUNIOR, Education.SENIOR, Education.COLLEGE)
MINORITIES = ("土家族", "回族", "苗族", "维吾尔族", "侗族")
RESIDENCE = _Weighted([ResidenceType.REGISTERED, ResidenceType.SEPARATED], [92, 8])


class _People:
    """Person rows of one load. Per person the work is the random draws plus what the stored
    row needs: the ID number, keyed hashes (`KeyedHasher`), encryption, masks and the pinyin
    keys — these from each name part's keys, joined (equal to `pinyin_keys` of the name, which
    reads character by character; tested). A row is in stored form (the birth date as ISO text,
    the load's time as `stored_datetime`), written with `insert_rows(stored=True)`."""

    def __init__(self, today, now):
        self.today, self.now = today, stored_datetime(now)
        self.ids = _Ids()
        self.hash = KeyedHasher()
        self.encrypt = crypto.cipher().encrypt
        self.surname_keys = {s: pinyin_keys(s) for s in SURNAMES}
        self.given_keys = {c: (r, r[:1]) for c in GIVEN for r in [char_pinyin(c)]}

    def name(self, rng, surname=None):
        """(name, pinyin, initials), drawing as `_name` does."""
        surname = surname or rng.choice(SURNAMES)
        full, initials = self.surname_keys[surname]
        given = rng.choice(GIVEN)
        reading, initial = self.given_keys[given]
        full, initials = full + reading, initials + initial
        if rng.random() < 0.7:
            second = rng.choice(GIVEN)
            given += second
            reading, initial = self.given_keys[second]
            full, initials = full + reading, initials + initial
        return surname + given, full, initials

    def person(self, rng, grid, house, household, relation, *, age, sex, surname=None, floating=False):
        today = self.today
        birth = _birth(rng, today, *age)
        region = rng.choice(OTHER_REGIONS) if (floating or rng.random() < 0.15) else "430702"
        number = self.ids.make(rng, region, birth, sex)
        name, pinyin, initials = self.name(rng, surname)
        years = (today - birth).days / 365.25
        phone = _phone(rng) if years >= 14 and rng.random() < 0.85 else ""
        if years < 6:
            employment, education = Employment.PRESCHOOL, Education.NONE
        elif years < 22:
            employment, education = Employment.STUDENT, rng.choice(STUDENT_EDUCATION)
        elif years >= 60:
            employment = Employment.RETIRED
            education = rng.choice(RETIRED_EDUCATION)
        else:
            employment = WORKING(rng)
            education = ADULT_EDUCATION(rng)
        if years >= 18 and rng.random() < 0.08:
            political = PoliticalStatus.CPC
        elif 14 <= years <= 28 and rng.random() < 0.3:
            political = PoliticalStatus.CYL
        else:
            political = PoliticalStatus.MASSES
        ethnicity = "汉族" if rng.random() < 0.93 else rng.choice(MINORITIES)
        residence = ResidenceType.FLOATING if floating else RESIDENCE(rng)
        now, encrypt, keyed = self.now, self.encrypt, self.hash
        return (
            grid.pk, grid.code, house.pk, household.pk, relation, name, pinyin, initials, "ric", keyed(number),
            mask_id(number), number[-6:], encrypt(number, ID_COLUMN), sex, birth.isoformat(), ethnicity, keyed(phone),
            mask_phone(phone) if phone else "", phone[-4:], encrypt(phone, PHONE_COLUMN), residence, employment,
            education, political, "active", "", "", now, now,
        )


def _members(rng, people, grid, house, household, floating):
    """1–5 persons: a head, often a spouse, children or a parent."""
    person = people.person
    head_sex = Sex.MALE if rng.random() < 0.7 else Sex.FEMALE
    head_age = HEAD_AGE(rng)
    head = person(rng, grid, house, household, Relation.HEAD, age=head_age, sex=head_sex, floating=floating)
    members = [head]
    if rng.random() < (0.45 if head_age[0] >= 75 else 0.8):
        spouse_sex = Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE
        members.append(person(rng, grid, house, household, Relation.SPOUSE, age=head_age, sex=spouse_sex,
                              floating=floating))
    if head_age[1] <= 60:
        for _ in range(CHILDREN(rng)):
            child_age = (0, max(1, min(head_age[0] - 20, 30)))
            members.append(person(rng, grid, house, household, Relation.CHILD, age=child_age,
                                  sex=rng.choice([Sex.MALE, Sex.FEMALE]), surname=head[NAME][0], floating=floating))
        if rng.random() < 0.12:
            members.append(person(rng, grid, house, household, Relation.PARENT, age=(head_age[1] + 20, 95),
                                  sex=rng.choice([Sex.MALE, Sex.FEMALE]), surname=head[NAME][0], floating=floating))
    return members


def _care_tags(rng, people, tags, today, first=0):
    """(person index, tag id) rows for plausible care groups of one household's members, the
    members being persons `first`, `first + 1`, … of the load."""
    rows = []
    alone = len(people) == 1
    fromisoformat = datetime.date.fromisoformat
    for at, p in enumerate(people, first):
        age = (today - fromisoformat(p[BIRTH])).days / 365.25
        want = []
        if age >= 60 and alone:
            want.append("elderly_alone")
        elif age >= 60 and all((today - fromisoformat(q[BIRTH])).days / 365.25 >= 55 for q in people):
            want.append("empty_nest" if rng.random() < 0.6 else None)
        if age >= 80:
            want.append("very_old")
        if rng.random() < 0.02:
            want.append("disabled")
        if rng.random() < 0.015:
            want.append("dibao")
        if rng.random() < 0.004:
            want.append("tekun")
        if age < 16 and rng.random() < 0.03:
            want.append("left_behind_child")
        if rng.random() < 0.01:
            want.append("serious_illness")
        if age >= 40 and rng.random() < 0.006:
            want.append("special_care")
        rows += [(at, tags[c].pk) for c in want if c and c in tags]
    return rows


def _houses_for(rng, building, grid):
    """House rows for a building: its planned households plus a few vacant flats."""
    target = building.household_count or max(1, building.floors * building.units * 2)
    total = target + math.ceil(target * 0.06)
    units = max(1, building.units)
    floors = max(1, building.floors)
    per_floor = max(1, math.ceil(total / (units * floors)))
    houses = []
    for i in range(total):
        unit = i % units + 1
        slot = i // units
        floor = slot // per_floor + 1
        room = f"{floor}{slot % per_floor + 1:02d}"
        use = HouseUse.SHOP if building.building_type == BuildingType.MIXED and floor == 1 else HouseUse.RESIDENCE
        houses.append(HOUSE_ROW(grid_id=grid.pk, division_code=grid.code, building_id=building.pk, unit=unit,
                            floor=floor, room=room, area=Decimal(f"{rng.uniform(45, 140):.1f}"), use=use,
                            status=HouseStatus.OWNER_OCCUPIED))
    return houses, target


def _ensure_buildings(grids, rng, progress):
    """Grids without buildings (e.g. a hand-made tree) get a few, so every grid has residents."""
    have = set(Building.objects.filter(grid__in=grids).values_list("grid_id", flat=True).distinct())
    rows = []
    for grid in grids:
        if grid.pk in have:
            continue
        for _ in range(6):
            rows.append({"grid": grid, "floors": rng.randint(3, 7), "units": rng.randint(1, 3),
                         "household_count": rng.randint(20, 60), "lng": grid.centre_lng, "lat": grid.centre_lat})
    if rows:
        create_buildings_bulk(rows)
        progress(f"为 {len({r['grid'].pk for r in rows})} 个没有楼栋的网格补充了楼栋")


def load_plan_buildings(*, plan, scale, seed, progress):
    """The demo plan's buildings (`plan.building_rows()`: plain field dicts, grid by code),
    written in bulk. The first demo step: the plan's grids are drawn around these buildings."""
    objs = create_buildings_bulk(plan.building_rows())
    progress(f"楼栋：{len(objs)} 栋")
    return {"buildings": len(objs)}


def generate(*, scale, seed, progress):
    """Fill houses, households, persons, entities and components for every grid present."""
    rng = random.Random(seed * 7919 + 3)
    grids = list(Division.objects.current_grids().order_by("code"))
    if not grids:
        progress("没有网格，跳过基础信息演示数据")
        return {}
    if Person.objects.exists():
        progress("已有人口数据，跳过基础信息演示数据")
        return {}
    _ensure_buildings(grids, rng, progress)
    tags = {t.code: t for t in CareTag.objects.all()}
    people = _People(clock.today(), clock.now())
    totals = {"houses": 0, "households": 0, "persons": 0}
    # a first load (empty tables): the secondary indexes and foreign keys are built once at the end
    # (core.bulk.bulk_mode), not row by row; one transaction, as the registry's bulk import does
    with transaction.atomic(), bulk_mode(*PEOPLE_TABLES, enabled=not House.objects.exists()) as locked:
        for i in range(0, len(grids), GRIDS_PER_ROUND):
            counts = _fill_grids(grids[i : i + GRIDS_PER_ROUND], rng, people, tags, locked)
            for k, v in counts.items():
                totals[k] += v
            if (i // GRIDS_PER_ROUND) % 10 == 0 or i + GRIDS_PER_ROUND >= len(grids):
                progress(f"人口：{min(i + GRIDS_PER_ROUND, len(grids))}/{len(grids)} 个网格，"
                         f"{totals['households']} 户，{totals['persons']} 人")
    with transaction.atomic():
        refresh_all_household_counts()
        population.rebuild()
        grids = list(Division.objects.filter(pk__in=[g.pk for g in grids]).order_by("code"))
        totals["entities"] = _entities(grids, rng)
        totals["components"] = _components(grids, rng)
    progress(f"基础信息：{totals['houses']} 套房屋，{totals['households']} 户，{totals['persons']} 人，"
             f"{totals['entities']} 个法人，{totals['components']} 个部件")
    return totals


def _fill_grids(grids, rng, people, tags, locked=False):
    """Houses, households and their members for `grids`. Every row is complete before it is
    written (ids allocated first: a house's status, a household's head), so each table gets one
    bulk insert and no follow-up UPDATE."""
    by_pk = {g.pk: g for g in grids}
    buildings = list(Building.objects.filter(grid__in=grids).order_by("division_code", "code"))
    houses, targets = [], {}
    for b in buildings:
        hs, target = _houses_for(rng, b, by_pk[b.grid_id])
        houses += hs
        targets[b.pk] = target
    assign_ids(House, houses, locked=locked)
    households, occupied = [], []
    serial = {}
    by_building = {}
    for h in houses:
        by_building.setdefault(h.building_id, []).append(h)
    for b in buildings:
        hs = by_building.get(b.pk, [])
        chosen = rng.sample(hs, min(targets[b.pk], len(hs)))
        for h in chosen:
            grid = by_pk[h.grid_id]
            serial[grid.pk] = serial.get(grid.pk, 0) + 1
            floating = rng.random() < 0.12
            households.append(HOUSEHOLD_ROW(
                grid_id=grid.pk, division_code=grid.code, house_id=h.pk, number=f"H{grid.code}{serial[grid.pk]:04d}",
                household_type=HouseholdType.FLOATING if floating else HouseholdType.REGISTERED,
            ))
            occupied.append((h, floating))
            if floating:
                h.status = HouseStatus.RENTED
        chosen_ids = {h.pk for h in chosen}
        for h in hs:
            if h.pk not in chosen_ids:
                h.status = HouseStatus.VACANT
    assign_ids(Household, households, locked=locked)
    persons, tag_rows, heads = [], [], []
    for household, (house, floating) in zip(households, occupied, strict=True):
        grid = by_pk[house.grid_id]
        members = _members(rng, people, grid, house, household, floating)
        heads.append(len(persons))  # _members puts the head first
        tag_rows += _care_tags(rng, members, tags, people.today, len(persons))
        persons += members
    pks = allocate_ids(Person, len(persons), locked=locked)
    # a household and its head point at each other. PostgreSQL checks foreign keys at commit (or
    # has none in bulk mode): the head goes in with the household. On SQLite the household is
    # written without it and the heads follow by primary key: the cycle would leave a deferred
    # violation there, and SQLite then searches the child table (unindexed in bulk mode) for every
    # parent row inserted.
    heads_later = connection.vendor != "postgresql"
    if not heads_later:
        for h, at in zip(households, heads, strict=True):
            h.head_id = pks[at]
    insert_objects(House, houses)
    insert_objects(Household, households)
    insert_rows(Person, ("id", *PERSON_COLUMNS), ((pk, *row) for pk, row in zip(pks, persons, strict=True)),
                stored=True)
    insert_rows(Person.care_tags.through, ["person_id", "caretag_id"], [(pks[at], tag) for at, tag in tag_rows])
    if heads_later:
        update_rows(Household, ["id", "head_id"], [(h.pk, pks[at]) for h, at in zip(households, heads, strict=True)])
    return {"houses": len(houses), "households": len(households), "persons": len(persons)}


def _entities(grids, rng):
    buildings = {}
    for pk, grid_id, address in Building.objects.values_list("pk", "grid_id", "address").order_by("pk"):
        buildings.setdefault(grid_id, []).append((pk, address))
    objs, serial = [], 0
    kinds = [("91", EntityType.ENTERPRISE, 55), ("92", EntityType.INDIVIDUAL, 35), ("52", EntityType.SOCIAL_ORG, 5),
             ("12", EntityType.INSTITUTION, 5)]
    for grid in grids:
        own = buildings.get(grid.pk, [])
        n = max(1, round((grid.household_count or len(own) * 12) * 0.12)) if own else 0
        n = max(n, len(own) // 3)
        for _ in range(n):
            serial += 1
            prefix, etype, _w = rng.choices(kinds, [k[2] for k in kinds])[0]
            industry, trade = rng.choice(ENTITY_TRADES)
            word = rng.choice(ENTITY_WORDS)
            if etype == EntityType.INDIVIDUAL:
                name = f"武陵区{word}{trade}店{serial}"
            elif etype == EntityType.SOCIAL_ORG:
                name, industry = f"武陵区{word}社区服务中心{serial}", "S"
            elif etype == EntityType.INSTITUTION:
                name, industry = f"常德市{word}{rng.choice(['小学', '幼儿园', '卫生服务站'])}{serial}", rng.choice("PQ")
            else:
                name = f"常德市{word}{trade}有限公司{serial}"
            bpk, address = rng.choice(own)
            objs.append(ENTITY_ROW(
                grid_id=grid.pk, division_code=grid.code, name=name, credit_code=make_credit_code("430702", serial, prefix),
                entity_type=etype, industry=industry, legal_representative=_name(rng), address=address,
                building_id=bpk, employees=rng.choice([1, 2, 3, 5, 8, 12, 20, 35, 60, 120]),
                status=rng.choices([EntityStatus.OPERATING, EntityStatus.SUSPENDED, EntityStatus.CANCELLED], [90, 6, 4])[0],
            ))
    return insert_objects(LegalEntity, assign_ids(LegalEntity, objs))


def _components(grids, rng):
    classes = {c.code: c for c in ComponentClass.objects.filter(code__in=list(COMPONENT_MIX))}
    codes, weights = zip(*[(c, w) for c, w in COMPONENT_MIX.items() if c in classes], strict=True)
    coords = {}
    for grid_id, lng, lat in Building.objects.exclude(lng=None).values_list("grid_id", "lng", "lat"):
        coords.setdefault(grid_id, []).append((lng, lat))
    serial = {}
    objs = []
    for grid in grids:
        points = coords.get(grid.pk) or [(grid.centre_lng or 111.69, grid.centre_lat or 29.04)]
        n = max(5, round((grid.household_count or len(points) * 12) * 0.2))
        for _ in range(n):
            code = rng.choices(codes, weights)[0]
            serial[code] = serial.get(code, 0) + 1
            lng, lat = rng.choice(points)
            objs.append(COMPONENT_ROW(
                grid_id=grid.pk, division_code=grid.code, code=f"{grid.code[:6]}{code}{serial[code]:06d}",
                component_class_id=classes[code].pk, name=classes[code].name, lng=lng + rng.uniform(-4e-4, 4e-4),
                lat=lat + rng.uniform(-4e-4, 4e-4),
                status=rng.choices([ComponentStatus.NORMAL, ComponentStatus.DAMAGED, ComponentStatus.LOST], [94, 5, 1])[0],
                maintainer="武陵区城市管理和综合执法局",
            ))
    return insert_objects(Component, assign_ids(Component, objs))
