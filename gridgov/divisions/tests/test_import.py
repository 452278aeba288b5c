"""Divisions import: every bad row reported and nothing written; good file; idempotent; cycles."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from gridgov.core.importing import run_import
from gridgov.divisions.importers import DivisionImport
from gridgov.divisions.models import Division

HEADER = "区划代码,上级代码,名称,层级,城乡分类代码,中心经度,中心纬度\n"
GOOD = HEADER + (
    "430702000000,,武陵区,区县,,,\n"
    "430702004000,430702000000,丹阳街道,街道,,,\n"
    "430702004001,430702004000,A社区,社区,111,111.69,29.03\n"
    "430702004001001,430702004001,A社区第一网格,网格,,,\n"
    "430702004001002,,A社区第二网格,4,,,\n"
)


def _file(text, name="divisions.csv"):
    f = io.BytesIO(text.encode("utf-8"))
    f.name = name
    return f


@pytest.fixture
def admin(make_user):
    """A district administrator over the whole install (no tree: the imports build it)."""
    from gridgov.accounts.choices import RoleCode

    return make_user(RoleCode.DISTRICT_ADMIN, None, username="importer")


def test_good_file_imports_then_reimport_changes_nothing(db, admin):
    # when the good file is imported
    report = run_import(DivisionImport(), _file(GOOD), actor=admin, apply=True)
    # then every row is written with its parent from the code digits
    assert report.applied and report.counts["created"] == 5, report.summary()
    grid = Division.objects.get(code="430702004001002")
    assert grid.parent.code == "430702004001" and grid.level == 4 and grid.path == "430702004001002"
    assert Division.objects.get(code="430702004001").centre_lng == pytest.approx(111.69)
    # and importing again changes nothing
    stamp = list(Division.objects.order_by("code").values_list("code", "name", "parent_id", "valid_from"))
    again = run_import(DivisionImport(), _file(GOOD), actor=admin, apply=True)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 5}
    assert list(Division.objects.order_by("code").values_list("code", "name", "parent_id", "valid_from")) == stamp


def test_rename_is_an_update(db, admin):
    run_import(DivisionImport(), _file(GOOD), actor=admin, apply=True)
    report = run_import(DivisionImport(), _file(GOOD.replace("A社区第一网格", "一网格")), actor=admin, apply=True)
    assert report.counts == {"created": 0, "updated": 1, "unchanged": 4}
    assert Division.objects.get(code="430702004001001").name == "一网格"


def test_bad_file_reports_every_bad_row_and_writes_nothing(db, admin):
    bad = HEADER + (
        "430702000000,,武陵区,区县,,,\n"            # 2 ok
        "43070200400,430702000000,短代码,街道,,,\n"  # 3 bad code
        "430702004000,430702000000,丹阳街道,社区,,,\n"  # 4 level does not match the code
        "430702009001,430702009000,孤儿社区,社区,,,\n"  # 5 unknown parent
        "430702004001,430702005000,错上级,社区,,,\n"  # 6 parent code does not match the digits
        "430702004000,430702000000,重复,街道,,,\n"  # 7 duplicate code
        "430702004002001,430702004002,网格,网格,,,\n"  # 8 parent not in file nor DB
        "430702004001001,430702004001,网格,网格,,200,\n"  # 9 longitude out of range
    )
    report = run_import(DivisionImport(), _file(bad), actor=admin, apply=True)
    assert not report.applied
    rows = report.error_rows
    assert {3, 4, 5, 6, 7, 8, 9} <= rows, [str(e) for e in report.errors]
    assert 2 not in rows
    text = "\n".join(str(e) for e in report.errors)
    assert "区划代码格式不正确" in text and "层级与区划代码不符" in text and "上级区划不存在" in text
    assert "上级代码与区划代码不符" in text and "重复" in text
    assert Division.objects.count() == 0  # all or nothing: the good row 2 was not written either


def test_cycle_is_reported(db, admin):
    cyclic = HEADER + (
        "430702004001,430702004002,甲社区,社区,,,\n"
        "430702004002,430702004001,乙社区,社区,,,\n"
    )
    report = run_import(DivisionImport(), _file(cyclic), actor=admin, apply=True)
    assert not report.applied
    text = "\n".join(str(e) for e in report.errors)
    assert "形成循环" in text and {2, 3} <= report.error_rows
    assert not Division.objects.exists()


def test_scope_limits_import(make_user, tree):
    from gridgov.accounts.choices import RoleCode
    from gridgov.core.access import can

    street = make_user(RoleCode.STREET_STAFF, tree["430702004000"])
    from django.contrib.auth.models import Permission

    street.assignments.get().role.permissions.add(Permission.objects.get(codename="import_division"))
    street.__dict__.pop("_assignments", None)
    street.__dict__.pop("_scope_cache", None)
    assert can(street, "divisions.import_division")
    text = HEADER + "430702005002,430702005000,别的街道的社区,社区,,,\n"
    report = run_import(DivisionImport(actor=street), _file(text), actor=street, apply=True)
    assert not report.applied and "超出您的管辖范围" in str(report.errors[0])


def test_cli_dry_run_apply_and_exit_codes(db, tmp_path, capsys):
    good = tmp_path / "d.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command("import", "divisions", str(good), "--dry-run")
    assert not Division.objects.exists()
    call_command("import", "divisions", str(good))
    assert Division.objects.count() == 5
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "123,,坏,网格,,,\n", encoding="utf-8")
    errors = tmp_path / "errors.csv"
    with pytest.raises(SystemExit) as exc:
        call_command("import", "divisions", str(bad), "--errors", str(errors))
    assert exc.value.code == 1
    assert "区划代码格式不正确" in errors.read_text(encoding="utf-8-sig")
    template = tmp_path / "t.xlsx"
    call_command("import", "divisions", "--template", str(template))
    assert template.stat().st_size > 0


def test_web_upload_preview_then_apply(client, admin, settings, tmp_path, django_capture_on_commit_callbacks):
    """The divisions upload goes through the core import page and its one stash (issue 10 §4):
    nothing is left behind once applied."""
    from gridgov.core.import_stash import stash_dir
    from gridgov.core.models import Job

    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin)
    r = client.get(reverse("divisions:import"))
    assert r.status_code == 302 and r.url == reverse("core:import") + "?kind=divisions"
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("core:import"), {"kind": "divisions", "file": _file(GOOD)})
    assert "确认导入 5 行" in client.get(r.url).content.decode()
    assert not Division.objects.exists() and len(list(stash_dir().iterdir())) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import_apply", args=[Job.objects.latest("pk").pk]))
    assert Division.objects.count() == 5 and not list(stash_dir().iterdir())
    assert not [p for p in (tmp_path / "imports").iterdir() if p.is_file()]  # no side stash any more
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("core:import"), {"kind": "divisions", "file": _file(HEADER + "1,,x,网格,,,\n")})
    assert "区划代码格式不正确" in client.get(r.url).content.decode()
