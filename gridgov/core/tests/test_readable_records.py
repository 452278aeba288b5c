"""The job page and the audit log read as Chinese (issue 12): no raw dict, no `import.persons`,
no UTC times under a local header, no raw action codes; public and Open311 actions are
attributed to the resident or the API key, not to 系统."""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from gridgov.core import audit, clock
from gridgov.core.jobs import JobRun
from gridgov.core.models import AuditEntry, Job

pytestmark = pytest.mark.django_db


def _job(admin, **kw):
    return Job.objects.create(created_by=admin, handler="x.y", **{"kind": "import.persons", "title": "导入实有人口",
                                                                  "status": "succeeded", **kw})


def test_the_job_page_shows_a_chinese_summary_not_internals(client, admin_user):
    # given a finished person import as the import job stores it
    job = _job(admin_user, result={"kind": "persons", "title": "实有人口", "total_rows": 3, "valid_rows": 2,
                                   "error_rows": 1, "applied": True, "counts": {"created": 2}, "seconds": 0.4,
                                   "summary": "共 3 行，有效 2 行，错误 1 行，新增 2",
                                   "errors": [{"row": 3, "column": "证件号码", "value": "123", "reason": "校验位错误"}],
                                   "warnings": []})
    client.force_login(admin_user)
    # when its page is opened
    body = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    # then it reads as Chinese: the kind as words, the summary, the row error, no dict or code
    assert "数据导入（实有人口）" in body and "import.persons" not in body
    assert "共 3 行，有效 2 行，错误 1 行，新增 2" in body and "校验位错误" in body
    assert "{&#x27;" not in body and "'total_rows'" not in body and "total_rows" not in body
    # and the job list too
    listing = client.get(reverse("core:jobs")).content.decode()
    assert "数据导入（实有人口）" in listing and ">import.persons<" not in listing


def test_a_failed_job_shows_its_message_and_keeps_the_traceback_for_administrators(client, admin_user,
                                                                                   make_user, tree):
    from gridgov.accounts.choices import RoleCode

    job = _job(admin_user, status="failed", error="上传的文件已失效，请重新上传\n\nTraceback (most recent call last):\n"
                                                 '  File "x.py", line 1\nFileNotFoundError')
    owner = make_user(RoleCode.COMMUNITY_STAFF, "430702004001", username="cs-job")
    job.created_by = owner
    job.save()
    client.force_login(owner)
    body = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "上传的文件已失效，请重新上传" in body and "Traceback" not in body


def test_job_log_lines_are_local_time(admin_user):
    job = _job(admin_user, status="running")
    at = timezone.make_aware(datetime.datetime(2026, 11, 23, 9, 5, 7))  # 09:05:07 in Beijing, 01:05:07 UTC
    with clock.frozen(at):
        JobRun(job).log("开始")
    job.refresh_from_db()
    assert "[11-23 09:05:07] 开始" in job.log


def test_partition_and_scoring_results_carry_a_summary():
    from gridgov.core.job_summary import result_lines

    lines = result_lines({"proposal_id": 3, "grid_count": 18, "share_in_range": 0.9444,
                          "summary": "丹阳街道：方案 18 个网格，户数达标率 94%，迁移 120 户"})
    assert ("概要", "丹阳街道：方案 18 个网格，户数达标率 94%，迁移 120 户") in lines
    assert all(not re.search(r"[a-z]_[a-z]", label) for label, _ in lines)


def test_the_audit_log_shows_chinese_labels(client, admin_user, tree):
    audit.record(admin_user, "divisions.start_partition", ("divisions.gridproposal", "1", "方案 #1"),
                 division_code="430702004000")
    audit.record(admin_user, "cases.dispatch", ("cases.case", "1", "案卷 1"), division_code="430702004001001")
    client.force_login(admin_user)
    body = client.get(reverse("core:audit")).content.decode()
    assert "开始网格划分" in body and "派遣" in body
    assert ">divisions.start_partition<" not in body
    # and the filter finds entries by the words of the label
    body = client.get(reverse("core:audit"), {"action": "网格划分"}).content.decode()
    assert "开始网格划分" in body and "派遣<" not in body


def test_every_audit_action_in_the_code_has_a_label():
    from pathlib import Path

    from gridgov.cases.workflow import TRANSITIONS
    from gridgov.divisions.redraw.choices import ChangeKind

    labels = audit.action_labels()
    import gridgov

    root = Path(gridgov.__file__).parent
    record = re.compile(r'audit\.record\(\s*[\w.]+,\s*"([a-z]+\.[a-z_]+)"', re.S)
    # the shared edit helpers take the action code as their last argument
    edit = re.compile(r'\b_?(?:edit|create|update)\([^()]*"([a-z]+\.[a-z_]+)"(?:,\s*check=\w+)?\s*\)', re.S)
    used = set()
    for path in root.glob("**/*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text()
        used |= set(record.findall(text)) | set(edit.findall(text))
    used |= {f"cases.{name}" for name in TRANSITIONS}
    used |= {"registry.move_out", "registry.death"} | {f"divisions.{k}" for k in ChangeKind.values}
    missing = sorted(code for code in used if code not in labels)
    assert len(used) > 80 and not missing, missing


def test_public_and_open311_reports_are_not_attributed_to_the_system(client, tree):
    from gridgov.cases import actions
    from gridgov.cases.choices import Channel
    from gridgov.cases.models import CaseCategory
    from gridgov.cases.tests.conftest import POINT, _ensure_defaults

    _ensure_defaults()
    category = CaseCategory.objects.filter(parent__isnull=False, extra_questions=[]).first()

    web = actions.report_case(actor=AnonymousUser(), category=category, title="路灯不亮", channel=Channel.WEB,
                              lng=POINT[0], lat=POINT[1], ip="10.1.1.1")
    from gridgov.core.actors import system_actor

    key, _plain = actions.create_api_key(actor=system_actor(), name="12345 热线")
    o311 = actions.report_case(actor=AnonymousUser(), category=category, title="井盖缺失", channel=Channel.OPEN311, lng=POINT[0],
                               lat=POINT[1], api_key=key)
    names = dict(AuditEntry.objects.filter(action="cases.report_case").values_list("object_id", "actor_name"))
    assert names[str(web.pk)] == "居民（匿名）"
    assert names[str(o311.pk)] == "Open311 接口：12345 热线"
    assert web.events.get().actor_name == "居民（匿名）"
    assert o311.events.get().actor_name == "Open311 接口：12345 热线"
