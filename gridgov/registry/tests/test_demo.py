from django.db.models import F
from stdnum.cn import ric, uscc

from gridgov.divisions.models import Division
from gridgov.registry import demo
from gridgov.registry.models import Component, Household, LegalEntity, Person


def test_demo_fills_every_grid_with_valid_codes(tree):
    lines = []
    totals = demo.generate(scale="tiny", seed=7, progress=lines.append)
    assert totals["persons"] > 0 and totals["households"] > 0
    for code in ("430702004001001", "430702005001001"):
        grid = Division.objects.get(code=code)
        assert grid.household_count == Household.objects.filter(grid=grid, is_active=True).count() > 0
    for p in Person.objects.all()[:200]:
        # check digit and birth date as stdnum computes them (the birth-place table of stdnum
        # dates 430702 from 1988, while IDs issued later carry it for older residents too)
        n = p.id_number_plain
        assert ric.calc_check_digit(n) == n[-1] and ric.get_birth_date(n) == p.birth_date and p.name_initials
    assert Household.objects.filter(head__isnull=True).count() == 0
    # the head is set after the rows are in (bulk path): it is a member of its own household
    assert not Household.objects.exclude(head__household=F("pk")).exists()
    assert not Household.objects.exclude(head__relation="head").exists()
    assert all(uscc.is_valid(e.credit_code) for e in LegalEntity.objects.all())
    assert all(len(c.code) == 16 and c.code[6:10] == c.component_class.code for c in Component.objects.all()[:50])
    # idempotent: a second run leaves the data alone
    assert demo.generate(scale="tiny", seed=7, progress=lines.append) == {}


def test_demo_person_rows_match_the_general_helpers():
    """The people step's fast paths give what the general helpers give: each name's pinyin keys
    joined from its parts, the ID check digit, every Person column in the row."""
    import datetime
    import random

    from gridgov.registry.identity import make_resident_id, pinyin_keys_uncached

    people = demo._People(datetime.date(2026, 11, 28), datetime.datetime(2026, 11, 28, 2, 0, tzinfo=datetime.UTC))
    rng = random.Random(5)
    for surname in demo.SURNAMES:
        for _ in range(40):
            name, full, initials = people.name(rng, surname)
            assert (full, initials) == pinyin_keys_uncached(name)
    for day in range(0, 40_000, 97):
        birth = datetime.date(1920, 1, 1) + datetime.timedelta(days=day)
        for serial in (0, 1, 498, 999):
            n = make_resident_id("430702", birth, serial)
            assert ric.calc_check_digit(n) == n[-1] and ric.get_birth_date(n) == birth
    for draw in (demo.HEAD_AGE, demo.CHILDREN, demo.WORKING, demo.ADULT_EDUCATION, demo.RESIDENCE):
        a, b = random.Random(9), random.Random(9)
        weights = [hi - lo for lo, hi in zip((0, *draw.cum), draw.cum, strict=False)]
        assert [draw(a) for _ in range(2000)] == [b.choices(draw.values, weights)[0] for _ in range(2000)]
    assert {"id", *demo.PERSON_COLUMNS} == {f.attname for f in Person._meta.concrete_fields}
    assert len(set(demo.PERSON_COLUMNS)) == len(demo.PERSON_COLUMNS)
