"""The web import: upload → validation job (progress polled) → preview with row errors and an
error file written once → apply job. Huey runs immediately in tests, after the enqueuing commit."""

import io
import os
import time

import pytest
from django.urls import reverse

from gridgov.accounts.choices import RoleCode
from gridgov.core import import_stash as import_jobs
from gridgov.core.models import Job
from gridgov.registry.models import Person

from .conftest import A1, C1, rid

HEAD = "姓名,证件号码,网格编码\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, text, name="p.csv", kind="persons", encoding="utf-8", capture=None, run=True):
    f = io.BytesIO(text.encode(encoding) if isinstance(text, str) else text)
    f.name = name
    if run:
        with capture(execute=True):
            r = client.post(reverse("core:import"), {"kind": kind, "file": f})
    else:
        r = client.post(reverse("core:import"), {"kind": kind, "file": f})
    assert r.status_code == 302, r.content.decode()[:2000]
    job = Job.objects.latest("pk")
    assert r.url == reverse("core:import_preview", args=[job.pk])
    return job


def bad_check(serial):
    good = rid(serial)
    return good[:-1] + ("1" if good[-1] != "1" else "2")


def test_preview_errors_error_file_and_apply_valid(client, place, admin_user, django_capture_on_commit_callbacks,
                                                   monkeypatch):
    client.force_login(admin_user)
    text = HEAD + f"导入甲,{rid(900)},{A1}\n导入乙,{bad_check(901)},{A1}\n导入丙,{rid(902)},430702004001099\n"
    job = upload(client, text, capture=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.total == 3  # the row count is the job's progress total
    assert not Person.objects.filter(name__startswith="导入").exists()  # a dry run writes nothing
    page = client.get(reverse("core:import_preview", args=[job.pk])).content.decode()
    assert "共 3 行，有效 1 行，错误 2 行" in page
    assert "校验位" in page and "网格不存在" in page and 'id="import-errors"' in page
    assert "apply-valid" in page and "apply-import" not in page and "hx-trigger" not in page
    # the error file was written by the job: downloading it never validates again
    import gridgov.core.importing as importing

    monkeypatch.setattr(importing, "validate_file", lambda *a, **k: pytest.fail("re-validated"))
    r = client.get(reverse("core:import_errors", args=[job.pk]))
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    assert r.status_code == 200 and "错误原因" in body and "导入乙" in body and "导入丙" in body
    assert "导入甲" not in body and "校验位" in body
    r = client.get(reverse("core:import_errors", args=[job.pk]) + "?format=xlsx")
    xlsx = b"".join(r.streaming_content)
    assert xlsx[:2] == b"PK"
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(xlsx)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][-2:] == ("错误行号", "错误原因") and {r[0] for r in rows[1:]} == {"导入乙", "导入丙"}
    monkeypatch.undo()
    # a whole-file apply is refused while there are errors
    r = client.post(reverse("core:import_apply", args=[job.pk]))
    assert r.status_code == 302 and Job.objects.latest("pk").pk == job.pk
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("core:import_apply", args=[job.pk]), {"apply_valid": "1"})
    applied = Job.objects.latest("pk")
    assert r.status_code == 302 and r.url == reverse("core:job_detail", args=[applied.pk])
    assert applied.status == "succeeded", applied.error
    assert Person.objects.filter(name="导入甲").exists() and not Person.objects.filter(name="导入乙").exists()
    # the stash is gone after the apply; the preview says so and the error file stays downloadable
    page = client.get(reverse("core:import_preview", args=[job.pk])).content.decode()
    assert "apply-valid" not in page and "已导入或已过期" in page
    assert client.get(reverse("core:import_errors", args=[job.pk])).status_code == 200


def test_clean_file_applies_all_rows(client, place, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    job = upload(client, HEAD + f"导入丁,{rid(910)},{A1}\n导入戊,{rid(911)},{A1}\n",
                 capture=django_capture_on_commit_callbacks)
    page = client.get(reverse("core:import_preview", args=[job.pk])).content.decode()
    assert 'id="apply-import"' in page and "确认导入 2 行" in page and "import-error-file" not in page
    assert client.get(reverse("core:import_errors", args=[job.pk])).status_code == 404  # no errors, no file
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import_apply", args=[job.pk]))
    assert Person.objects.filter(name__in=["导入丁", "导入戊"]).count() == 2


def test_xlsx_upload(client, place, admin_user, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "证件号码", "网格编码"])
    ws.append(["表格甲", rid(920), A1])
    ws.append(["表格乙", bad_check(921), A1])
    buffer = io.BytesIO()
    wb.save(buffer)
    client.force_login(admin_user)
    job = upload(client, buffer.getvalue(), name="人口.xlsx", capture=django_capture_on_commit_callbacks)
    assert job.params["token"].endswith(".xlsx")
    page = client.get(reverse("core:import_preview", args=[job.pk])).content.decode()
    assert "有效 1 行" in page and "校验位" in page and "人口.xlsx" in page


def test_bad_files_show_chinese_errors(client, place, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    # GBK is read fine; its errors are the rows' errors
    job = upload(client, HEAD + f"国标甲,{rid(930)},{A1}\n国标乙,{bad_check(931)},{A1}\n", encoding="gbk",
                 capture=django_capture_on_commit_callbacks)
    page = client.get(reverse("core:import_preview", args=[job.pk])).content.decode()
    assert "有效 1 行" in page and "校验位" in page
    body = b"".join(client.get(reverse("core:import_errors", args=[job.pk])).streaming_content)
    assert "国标乙" in body.decode("utf-8-sig")
    # missing required columns: a file error, nothing to apply
    job = upload(client, "证件号码,电话\n1,2\n", capture=django_capture_on_commit_callbacks)
    page = client.get(reverse("core:import_preview", args=[job.pk])).content.decode()
    assert "缺少必填列" in page and "姓名" in page and "apply-valid" not in page and "apply-import" not in page
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("core:import_apply", args=[job.pk]), {"apply_valid": "1"})
    assert r.status_code == 302 and Job.objects.latest("pk").pk == job.pk  # no apply job started
    # bytes that are neither UTF-8 nor GBK
    job = upload(client, b"\xff\xfe\x00\x81\x00" * 10, capture=django_capture_on_commit_callbacks)
    page = client.get(reverse("core:import_preview", args=[job.pk])).content.decode()
    assert "无法识别文件编码" in page
    # wrong extension is refused by the form, before any job
    f = io.BytesIO(b"x")
    f.name = "p.xls"
    r = client.post(reverse("core:import"), {"kind": "persons", "file": f})
    assert r.status_code == 200 and "只支持 CSV 或 XLSX 文件" in r.content.decode()


def test_progress_is_polled_until_done(client, place, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    job = upload(client, HEAD + f"轮询甲,{rid(940)},{A1}\n", run=False)  # queued: the commit never came
    url = reverse("core:import_preview", args=[job.pk])
    page = client.get(url).content.decode()
    assert "排队等待校验" in page and f'hx-get="{url}"' in page and 'hx-trigger="every 1s"' in page
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div class="card card-body" id="import-report"') and "<html" not in partial
    from gridgov.core.jobs import run_job

    run_job(job.pk)
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and "确认导入 1 行" in partial


def test_only_uploader_or_covering_scope_sees_preview(client, place, make_user, tree, grid_worker, admin_user,
                                                      django_capture_on_commit_callbacks):
    uploader = make_user(RoleCode.COMMUNITY_STAFF, tree["430702004001"], username="cs-uploader")
    client.force_login(uploader)
    job = upload(client, HEAD + f"网格甲,{rid(950)},{A1}\n网格乙,{bad_check(951)},{A1}\n外格丙,{rid(952)},{C1}\n",
                 capture=django_capture_on_commit_callbacks)
    page = client.get(reverse("core:import_preview", args=[job.pk])).content.decode()
    assert "有效 1 行" in page and "无权" in page  # a community's file is checked against its community
    urls = [reverse("core:import_preview", args=[job.pk]), reverse("core:import_errors", args=[job.pk])]
    leader = make_user(RoleCode.LEADER, tree["430702000000"], username="leader-imp")  # no import permission
    other_community = make_user(RoleCode.COMMUNITY_STAFF, tree["430702004002"], username="cs-b")
    for user in (leader, other_community, grid_worker):  # grid workers add records but do not import files
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code in (403, 404), (user, url)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("core:import_apply", args=[job.pk]), {"apply_valid": "1"}).status_code == 404
    assert not Person.objects.filter(name="网格甲").exists()
    # the same permission over the same (or a wider) scope may see it
    for user in (make_user(RoleCode.COMMUNITY_STAFF, tree["430702004001"], username="cs-a"),
                 make_user(RoleCode.STREET_STAFF, tree["430702004000"], username="st-a"), admin_user):
        client.force_login(user)
        assert client.get(urls[0]).status_code == 200, user
        assert client.get(urls[1]).status_code == 200, user


def test_tokens_cannot_escape_the_stash(settings):
    stash = import_jobs.stash_dir()
    (stash / ("a" * 32 + ".csv")).write_text("x")
    assert import_jobs.stashed("a" * 32 + ".csv") is not None
    for token in ("../../settings.py", "../" + "a" * 32 + ".csv", "a" * 32 + ".errors.csv", "/etc/passwd.csv",
                  "A" * 32 + ".csv", "", None):
        assert import_jobs.stashed(token) is None, token
        assert import_jobs.error_file(token, "csv") is None, token
    assert import_jobs.error_file("a" * 32 + ".csv", "../x") is None


def test_stash_cleanup_task_deletes_old_files(settings):
    from gridgov.core.tasks import clean_import_stash_task

    stash = import_jobs.stash_dir()
    old, new = stash / ("b" * 32 + ".csv"), stash / ("c" * 32 + ".csv")
    old_err = stash / ("b" * 32 + ".errors.xlsx")
    # what the apps' former stashes left (the divisions import never cleaned its own)
    legacy = import_jobs.import_root() / ("d" * 32 + ".csv")
    for path in (old, new, old_err, legacy):
        path.write_text("x")
    day_ago = time.time() - 25 * 3600
    for path in (old, old_err, legacy):
        os.utime(path, (day_ago, day_ago))
    assert clean_import_stash_task.call_local() == 3
    assert not old.exists() and not old_err.exists() and not legacy.exists() and new.exists()


def test_the_old_registry_address_leads_to_the_core_import_page(client, admin_user):
    client.force_login(admin_user)
    r = client.get(reverse("registry:import") + "?kind=persons")
    assert r.status_code == 302 and r.url == reverse("core:import") + "?kind=persons"
    page = client.get(r.url).content.decode()
    # one page for every app's kinds
    for kind in ("persons", "party-members", "divisions", "utility-bills", "utility-accounts", "service-items"):
        assert f'id="kind-{kind}"' in page, kind


@pytest.mark.browser
def test_browser_upload_polls_preview_and_applies(browser_page, place, admin_user, tmp_path, monkeypatch):
    """The real page: the preview polls (htmx) while the job is queued, shows the errors once the
    job has run, and the apply button starts the import."""
    import gridgov.core.tasks as core_tasks
    from gridgov.conftest import login
    from gridgov.core.jobs import run_job

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    queued = []
    monkeypatch.setattr(core_tasks, "run_job_task", queued.append)  # hold the job: the test runs it
    page = browser_page
    login(page, "admin-test")
    page.goto(page.base_url + reverse("core:import"))
    path = tmp_path / "人口.csv"
    path.write_text(HEAD + f"页面甲,{rid(960)},{A1}\n页面乙,{bad_check(961)},{A1}\n", encoding="utf-8")
    page.select_option("#id_kind", "persons")
    page.set_input_files("#id_file", str(path))
    page.click("#validate-import")
    page.wait_for_selector("text=排队等待校验")
    assert len(queued) == 1
    run_job(queued.pop())
    page.wait_for_selector("#import-errors")  # swapped in by the polling, no reload
    assert "校验位" in page.inner_text("#import-errors")
    with page.expect_download() as download:
        page.click("#import-error-file")
    assert "页面乙" in open(download.value.path(), encoding="utf-8-sig").read()
    page.click("#apply-valid")
    page.wait_for_selector("text=已开始导入")
    run_job(queued.pop())
    assert Person.objects.filter(name="页面甲").exists() and not Person.objects.filter(name="页面乙").exists()
