"""The import hot path's hand-written pieces are exactly the library ones they replace: the
ID check against python-stdnum, the prepared HMAC against `pii.keyed_hash`, masks, phone and
pinyin; COPY escaping; bulk mode leaves the schema as it found it."""

import datetime
import io
import random

import pytest
from django.db import connection, transaction
from django.test import override_settings
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import isdigits

from gridgov.core import bulk as fastload
from gridgov.core import pii
from gridgov.core.importing import run_import
from gridgov.registry import identity
from gridgov.registry.importers import PersonImport
from gridgov.registry.importers import persons as person_importer
from gridgov.registry.models import Household, Person

from .conftest import A1, rid

TODAY = datetime.date(2026, 11, 27)


def reference_check(number):
    """The verdict of python-stdnum's own pieces (compact form, digits, check digit, birth date)
    plus our two extra rules (province, possible date): None for valid, else a keyword."""
    if len(number) != 18:
        return "length"
    if not isdigits(number[:-1]) or number[-1] not in "0123456789X":
        return "format"
    if number[:2] not in identity.PROVINCES:
        return "province"
    if ric.calc_check_digit(number) != number[-1]:
        return "checksum"
    try:
        birth = ric.get_birth_date(number)
    except StdnumError:
        return "date"
    if birth > TODAY or birth < datetime.date(1890, 1, 1):
        return "impossible"
    return None


REASONS = {
    "length": "应为18位", "format": "格式不正确", "province": "地区码", "checksum": "校验位",
    "date": "出生日期不存在", "impossible": "出生日期不可能",
}


def generated_ids(n=20000, seed=3):
    rng = random.Random(seed)
    regions = ["430702", "110101", "310115", "650102", "990101", "000000", "820000"]
    for i in range(n):
        birth = datetime.date(1880, 1, 1) + datetime.timedelta(days=rng.randint(0, 60000))
        good = identity.make_resident_id(rng.choice(regions), birth, rng.randint(0, 999))
        kind = i % 8
        if kind == 0:
            yield good
        elif kind == 1:  # another check character
            yield good[:-1] + rng.choice("0123456789X")
        elif kind == 2:  # one digit changed (the check digit catches every single change)
            j = rng.randrange(17)
            yield good[:j] + str((int(good[j]) + rng.randint(1, 9)) % 10) + good[j + 1 :]
        elif kind == 3:  # two neighbours swapped
            j = rng.randrange(16)
            yield good[:j] + good[j + 1] + good[j] + good[j + 2 :]
        elif kind == 4:  # impossible dates with a correct check digit
            body = good[:6] + f"{rng.randint(1880, 2099)}{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}" + good[14:17]
            yield body + ric.calc_check_digit(body + "0")
        elif kind == 5:  # wrong length
            yield good[: rng.randint(0, 17)] if rng.random() < 0.5 else good + str(rng.randint(0, 9))
        elif kind == 6:  # foreign characters: letters, a lower-case x, full-width and Arabic-Indic digits
            j = rng.randrange(18)
            yield good[:j] + rng.choice("Xxa*\uff13\u0663 ") + good[j + 1 :]
        else:  # random strings of digits
            yield "".join(rng.choice("0123456789") for _ in range(17)) + rng.choice("0123456789X")


def test_resident_id_check_equals_stdnum():
    seen = set()
    for number in generated_ids():
        expected = reference_check(number.upper()) if " " not in number else None
        if " " in number:  # whitespace is removed before the check, as in the importer
            expected = reference_check("".join(number.split()).upper())
        try:
            got_number, birth, sex = identity.check_resident_id(number, today=TODAY)
            got = None
        except identity.IdentityError as exc:
            got = next(k for k, text in REASONS.items() if text in str(exc))
        assert got == expected, (number, got, expected)
        if got is None:
            assert got_number == "".join(number.split()).upper()
            assert birth == ric.get_birth_date(got_number)
            assert sex == ("M" if int(got_number[16]) % 2 else "F")
        seen.add(expected)
    assert seen == {None, *REASONS}  # every verdict was exercised


@pytest.mark.parametrize("key", ["k", "secret-key-" * 3, "x" * 64, "y" * 65, "长密钥" * 30])
def test_keyed_hasher_equals_pii(key):
    values = ["430702199001011234", "13807360000", "A1234567", "X", "1" * 100]
    with override_settings(PII_HASH_KEY=key):
        hasher = identity.KeyedHasher()
        for v in values:
            assert hasher(v) == pii.keyed_hash(v)
    assert hasher("") == ""


def test_masks_and_phone_fast_path_equal_the_general_ones():
    rng = random.Random(5)
    for _ in range(2000):
        number = "".join(rng.choice("0123456789X") for _ in range(rng.choice([5, 8, 9, 15, 18, 20])))
        assert identity.mask_id(number) == pii.mask_id_number(number)
        phone = "".join(rng.choice("0123456789") for _ in range(rng.choice([7, 10, 11, 12])))
        assert identity.mask_phone(phone) == pii.mask_phone(phone)
        candidates = [phone, "1" + phone[1:], "13" + phone[2:], " " + phone, phone + "\n", "+86" + phone]
        for text in candidates:
            results = []
            for check in (identity.check_phone, identity._check_phone_general):
                try:
                    results.append(check(text))
                except identity.IdentityError:
                    results.append(None)
            assert results[0] == results[1], text


@pytest.mark.parametrize(("name", "expected"), [
    ("张三", ("zhangsan", "zs")), ("曾国藩", ("zengguofan", "zgf")), ("单田芳", ("shantianfang", "stf")),
    ("居民0", ("jumin0", "jm")), ("Tom李", ("tomli", "toml")), (" 王  五 ", ("wangwu", "ww")), ("", ("", "")),
])
def test_pinyin_keys(name, expected):
    assert identity.pinyin_keys_uncached(name) == expected == identity.pinyin_keys(name)


def test_copy_lines_escape_what_copy_text_format_needs():
    rows = [(1, "a\tb", None), (2, "back\\slash", "\\N"), (3, "line\nbreak\r", "plain")]
    lines = list(fastload.copy_lines(rows, 3))
    assert lines == ["1\ta\\tb\t\\N", "2\tback\\\\slash\t\\\\N", "3\tline\\nbreak\\r\tplain"]


HEAD = "姓名,证件号码,联系电话,网格编码,楼栋编码,单元,房号,户号,与户主关系,关爱标签,备注\n"


def test_notes_with_copy_special_characters_round_trip(place, admin_user):
    notes = ["tab\there", "back\\slash \\N end", "多行\n备注", "\\", "\\N"]
    text = HEAD + "".join(
        f'甲{i},{rid(900 + i)},,{A1},00001,1,101,,,,"{note}"\n' for i, note in enumerate(notes)
    )
    report = run_import(PersonImport(admin_user), io.BytesIO(text.encode()), actor=admin_user, apply=True,
                        filename="p.csv")
    assert report.ok, [str(e) for e in report.errors]
    stored = dict(Person.objects.filter(name__startswith="甲").values_list("name", "note"))
    assert stored == {f"甲{i}": note.strip() for i, note in enumerate(notes)}


def _schema(model):
    with connection.cursor() as cur:
        constraints = connection.introspection.get_constraints(cur, model._meta.db_table)
    return {name: (c["columns"], c["unique"], c["index"], c["foreign_key"]) for name, c in constraints.items()}


def test_bulk_mode_import_restores_indexes_and_keys(place, admin_user, monkeypatch):
    # given the person import forced into bulk mode (normally only for loads ≥ the table size)
    before = _schema(Person), _schema(Household)
    monkeypatch.setattr(person_importer, "BULK_MODE_MIN_ROWS", 0)
    monkeypatch.setattr(person_importer, "table_size", lambda model: 0)
    text = HEAD + "".join(f"乙{i},{rid(950 + i)},1390736{i:04d},{A1},00001,1,{i % 2 + 1}01,HB{i % 2},"
                          f"{'户主' if i < 2 else '子女'},独居老人,\n" for i in range(6))
    # when imported
    report = run_import(PersonImport(admin_user), io.BytesIO(text.encode()), actor=admin_user, apply=True,
                        filename="p.csv")
    # then the rows are in, households have their heads, and the schema is what it was
    assert report.ok and report.counts["created"] == 6, [str(e) for e in report.errors]
    assert (_schema(Person), _schema(Household)) == before
    for number in ("HB0", "HB1"):
        hh = Household.objects.get(number=number)
        assert hh.head.name in ("乙0", "乙1") and hh.members.count() == 3
    assert Person.objects.filter(name__startswith="乙", care_tags__name="独居老人").count() == 6


def test_bulk_mode_error_restores_indexes(place):
    before = _schema(Person)
    with transaction.atomic():
        try:
            with fastload.bulk_mode(Person):
                assert _schema(Person) != before  # secondary indexes are gone inside
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert _schema(Person) == before  # and back after an error, even when the caller goes on


def test_reimport_drops_removed_care_tags(place, admin_user):
    row = f"丙,{rid(990)},,{A1},00001,1,101,,,{{tags}},\n"
    for tags, expected in (("独居老人", {"独居老人"}), ("", set())):
        text = HEAD + row.format(tags=tags)
        report = run_import(PersonImport(admin_user), io.BytesIO(text.encode()), actor=admin_user, apply=True,
                            filename="p.csv")
        assert report.ok
        assert set(Person.objects.get(name="丙").care_tags.values_list("name", flat=True)) == expected


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's partial-index matching")
@pytest.mark.parametrize(("model", "key", "where", "index"), [
    (Person, "id_hash", person_importer.ID_HASH_SET, "person_unique_id_hash"),
    (Household, "number", person_importer.HOUSEHOLD_NUMBER_SET, "household_unique_number"),
])
def test_key_lookups_use_the_partial_unique_indexes(db, model, key, where, index):
    from gridgov.registry.importers.base import lookup_sql

    sql = lookup_sql(model, key, ["id"], where).replace("%s", "?")
    with connection.cursor() as cur:
        plan = " ".join(str(r) for r in cur.connection.execute("EXPLAIN QUERY PLAN " + sql, ['["x"]']).fetchall())
    assert f"USING COVERING INDEX {index}" in plan or f"USING INDEX {index}" in plan, plan


def test_stored_datetime_is_what_the_writers_and_the_orm_store(place):
    from zoneinfo import ZoneInfo

    from gridgov.divisions.models import Division

    when = datetime.datetime(2026, 3, 2, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    a, b = Division.objects.order_by("pk")[:2]
    fastload.update_rows(Division, ["id", "valid_from"], [(a.pk, fastload.stored_datetime(when))])
    Division.objects.filter(pk=b.pk).update(valid_from=when)
    table = Division._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, valid_from FROM {table} WHERE id IN (%s, %s)", [a.pk, b.pk])  # noqa: S608
        raw = dict(cur.fetchall())
    assert raw[a.pk] == raw[b.pk]
    assert Division.objects.get(pk=a.pk).valid_from == when
