import datetime

from gridgov.core.importing import run_import
from gridgov.registry.identity import make_credit_code
from gridgov.registry.importers import (
    IMPORT_SPECS,
    BuildingImport,
    ComponentImport,
    EntityImport,
    PersonImport,
)
from gridgov.registry.models import Building, Household, LegalEntity, Person

from .conftest import A1, A2, C1, rid

HEAD = "姓名,证件号码,联系电话,网格编码,楼栋编码,单元,房号,户号,与户主关系,关爱标签\n"


def csv(text, encoding="utf-8"):
    import io

    return io.BytesIO(text.encode(encoding))


def person_rows(n, start=100, grid=A1):
    lines = []
    for i in range(n):
        lines.append(f"居民{i},{rid(start + i, datetime.date(1950 + i % 50, 1 + i % 12, 1 + i % 28))},"
                     f"1390736{i:04d},{grid},00001,1,101,HX{grid}{i % 3},{'户主' if i < 3 else '子女'},"
                     f"{'独居老人' if i % 5 == 0 else ''}")
    return HEAD + "\n".join(lines) + "\n"


def test_specs_exposed():
    assert set(IMPORT_SPECS) == {"persons", "households", "buildings", "houses", "entities", "components"}


def test_person_import_and_idempotent_reimport(place, admin_user):
    # given a file of 20 persons in A1's building 00001, house 1-101
    data = csv(person_rows(20))
    # when applied
    report = run_import(PersonImport(admin_user), data, actor=admin_user, apply=True, filename="p.csv")
    # then
    assert report.ok, [str(e) for e in report.errors]
    assert report.counts == {"created": 20, "updated": 0, "unchanged": 0}
    p = Person.objects.get(name="居民0")
    assert p.name_pinyin == "jumin0" and p.name_initials == "jm"
    assert p.care_tags.filter(name="独居老人").exists()
    assert Household.objects.filter(number__startswith="HX").count() == 3
    assert Household.objects.get(number=f"HX{A1}0").head_id is not None
    # when re-imported unchanged
    data.seek(0)
    again = run_import(PersonImport(admin_user), data, actor=admin_user, apply=True, filename="p.csv")
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 20}
    # when one phone changes
    changed = csv(person_rows(20).replace("13907360001", "13907369999"))
    third = run_import(PersonImport(admin_user), changed, actor=admin_user, apply=True, filename="p.csv")
    assert third.counts == {"created": 0, "updated": 1, "unchanged": 19}


def test_bad_check_digit_and_impossible_birth(place, admin_user):
    good = rid(500)
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    body = "43070219990230123"  # 30 February
    from stdnum.cn import ric

    bad_date = body + ric.calc_check_digit(body + "0")
    future = "43070230000101123"
    future += ric.calc_check_digit(future + "0")
    text = HEAD + "\n".join([
        f"甲,{bad_check},,{A1},,,,,,",
        f"乙,{bad_date},,{A1},,,,,,",
        f"丙,{future},,{A1},,,,,,",
        f"丁,{good},,{A1},,,,,,",
    ]) + "\n"
    report = run_import(PersonImport(admin_user), csv(text), actor=admin_user, apply=True, filename="p.csv")
    reasons = {e.row: e.reason for e in report.errors}
    assert "校验位" in reasons[2]
    assert "出生日期" in reasons[3]
    assert "出生日期" in reasons[4]
    assert 5 not in reasons
    assert not report.applied and not Person.objects.filter(name="丁").exists()  # all or nothing
    # apply the valid rows only
    report = run_import(PersonImport(admin_user), csv(text), actor=admin_user, apply=True, apply_valid=True,
                        filename="p.csv")
    assert report.applied and Person.objects.filter(name="丁").exists()


def test_gbk_file(place, admin_user):
    report = run_import(PersonImport(admin_user), csv(person_rows(3), "gbk"), actor=admin_user, apply=True,
                        filename="p.csv")
    assert report.ok and Person.objects.filter(name="居民0").exists()


def test_missing_columns_and_empty_file(place, admin_user):
    report = run_import(PersonImport(admin_user), csv("证件号码,电话\n1,2\n"), actor=admin_user, filename="p.csv")
    assert any("缺少必填列" in e.reason and e.column == "姓名" for e in report.errors)
    empty = run_import(PersonImport(admin_user), csv(""), actor=admin_user, filename="p.csv")
    assert any("为空" in e.reason for e in empty.errors)
    header_only = run_import(PersonImport(admin_user), csv(HEAD), actor=admin_user, filename="p.csv")
    assert any("没有数据行" in e.reason for e in header_only.errors)


def test_duplicates_in_file_and_unknown_refs(place, admin_user):
    text = HEAD + "\n".join([
        f"甲,{rid(600)},,{A1},,,,,,",
        f"乙,{rid(600)},,{A1},,,,,,",  # duplicate in file
        f"丙,{rid(601)},,430702004001099,,,,,,",  # unknown grid
        f"丁,{rid(602)},,{A1},09999,1,101,,,",  # unknown building
        f"戊,{rid(603)},,{A1},00001,1,909,,,",  # unknown house
        f"己,{rid(604)},,{A1},,,,,,不存在标签",
    ]) + "\n"
    report = run_import(PersonImport(admin_user), csv(text), actor=admin_user, filename="p.csv")
    reasons = {e.row: e.reason for e in report.errors}
    assert "重复" in reasons[3]
    assert "网格不存在" in reasons[4]
    assert "楼栋" in reasons[5]
    assert "房屋" in reasons[6]
    assert "关爱标签" in reasons[7]


def test_out_of_scope_rows(place, grid_worker):
    text = HEAD + f"甲,{rid(700)},,{C1},,,,,,\n"
    report = run_import(PersonImport(grid_worker), csv(text), actor=grid_worker, filename="p.csv")
    assert any("无权" in e.reason for e in report.errors)


def test_injection_strings_stored_verbatim_and_huge_cells(place, admin_user, client):
    evil = "<script>alert(1)</script>"
    formula = "=cmd|' /C calc'!A0"
    text = HEAD + f"\"{evil}\",{rid(800)},,{A1},,,,,,\n" + f"\"{formula}\",{rid(801)},,{A1},,,,,,\n"
    report = run_import(PersonImport(admin_user), csv(text), actor=admin_user, apply=True, filename="p.csv")
    assert report.ok
    assert Person.objects.filter(name=evil).exists() and Person.objects.filter(name=formula).exists()
    client.force_login(admin_user)
    page = client.get("/registry/persons/", {"q": "script"}).content.decode()
    assert evil not in page and "&lt;script&gt;" in page
    huge = HEAD + f"\"{'长' * 100_000}\",{rid(802)},,{A1},,,,,,\n"
    report = run_import(PersonImport(admin_user), csv(huge), actor=admin_user, filename="p.csv")
    assert any("过长" in e.reason for e in report.errors)


def test_building_entity_component_imports(place, admin_user):
    b = run_import(BuildingImport(admin_user), csv(
        "网格编码,楼栋编码,地址,楼栋类型,层数\n"
        f"{A2},7,测试路7号,高层住宅,18\n{A2},00008,测试路8号,多层住宅,6\n"
    ), actor=admin_user, apply=True, filename="b.csv")
    assert b.ok and Building.objects.filter(division_code=A2, code="00007", floors=18).exists()
    good, bad = make_credit_code("430702", 11), make_credit_code("430702", 12)[:-1] + "Z"
    e = run_import(EntityImport(admin_user), csv(
        f"统一社会信用代码,名称,网格编码,行业门类\n{good},好公司,{A1},F\n{bad},坏公司,{A1},Z\n"
    ), actor=admin_user, apply=True, filename="e.csv")
    reasons = {x.row: x.reason for x in e.errors}
    assert 3 in reasons and not e.applied
    e = run_import(EntityImport(admin_user), csv(f"统一社会信用代码,名称,网格编码,行业门类\n{good},好公司,{A1},F\n"),
                   actor=admin_user, apply=True, filename="e.csv")
    assert e.ok and LegalEntity.objects.get(credit_code=good).industry == "F"
    c = run_import(ComponentImport(admin_user), csv(
        f"部件编码,网格编码,状态\n4307020106000001,{A1},完好\n4307029999000001,{A1},完好\n"
    ), actor=admin_user, apply=True, filename="c.csv")
    assert {x.row for x in c.errors} == {3}


def test_floor_plan_shows_a_vacant_house_lived_in_after_an_import(place, admin_user, client):
    """#12: room 2603 stayed 空置 on the floor plan after two people were imported into it."""
    import re

    from django.urls import reverse

    from gridgov.registry.models import House

    house = place[A1]["houses"][(1, "301")]
    House.objects.filter(pk=house.pk).update(status="vacant")
    rows = HEAD + "".join(f"住户{i},{rid(700 + i)},1390736{i:04d},{A1},00001,1,301,,,\n" for i in range(2))
    report = run_import(PersonImport(admin_user), csv(rows), actor=admin_user, apply=True, filename="p.csv")
    assert report.ok, [str(e) for e in report.errors]
    client.force_login(admin_user)
    page = client.get(reverse("registry:building_detail", args=[place[A1]["building"].pk])).content.decode()
    cell = re.search(rf'<a class="house-cell ([^"]+)" href="[^"]+/{house.pk}/"[^>]*>', page)
    assert cell, page
    assert cell.group(1) != "house-vacant" and "2 人" in cell.group(0)
    # a vacant house nobody lives in stays vacant
    other = place[A1]["houses"][(2, "302")]
    House.objects.filter(pk=other.pk).update(status="vacant")
    page = client.get(reverse("registry:building_detail", args=[place[A1]["building"].pk])).content.decode()
    assert re.search(rf'<a class="house-cell house-vacant" href="[^"]+/{other.pk}/"', page)


def test_reimport_moving_an_active_person_to_another_grid_writes_an_import_event(place, admin_user):
    # given three active persons imported into grid A1
    from gridgov.registry.choices import PersonEventKind
    from gridgov.registry.models import PersonEvent

    first = run_import(PersonImport(admin_user), csv(person_rows(3)), actor=admin_user, apply=True, filename="p.csv")
    assert first.ok, [str(e) for e in first.errors]
    assert not PersonEvent.objects.filter(kind=PersonEventKind.IMPORT).exists()
    # when the same persons are re-imported in grid A2
    moved = run_import(PersonImport(admin_user), csv(person_rows(3, grid=A2)), actor=admin_user, apply=True,
                       filename="p.csv")
    # then each move is a typed life event (ADR 0003), in the new grid, naming both grids and the actor
    assert moved.ok, [str(e) for e in moved.errors]
    assert moved.counts == {"created": 0, "updated": 3, "unchanged": 0}
    events = PersonEvent.objects.filter(kind=PersonEventKind.IMPORT)
    assert events.count() == 3
    assert {(e.from_grid_code, e.to_grid_code, e.division_code, e.actor_id) for e in events} == {
        (A1, A2, A2, admin_user.pk)}
    assert {e.person.division_code for e in events} == {A2}
    # and an unchanged re-import writes none
    again = run_import(PersonImport(admin_user), csv(person_rows(3, grid=A2)), actor=admin_user, apply=True,
                       filename="p.csv")
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 3}
    assert PersonEvent.objects.filter(kind=PersonEventKind.IMPORT).count() == 3
