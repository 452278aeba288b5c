"""A job whose worker was killed does not stay 运行中 forever (issue 11): it is marked failed by
the periodic task and when its page is viewed, and its page offers a retry (scope-checked)."""

import datetime

from django.urls import reverse

from gridgov.core import clock
from gridgov.core.choices import JobStatus
from gridgov.core.jobs import STALE_AFTER, fail_stale_jobs, retry_job, run_job
from gridgov.core.models import Job
from gridgov.core.tasks import fail_stale_jobs_task

HANDLER = "gridgov.core.tests.test_stale_jobs.echo_handler"


def echo_handler(run, *, word):
    run.log(f"说：{word}")
    return {"summary": f"完成：{word}"}


def _running(user, *, beat_minutes_ago, code="430702004001"):
    beat = clock.now() - datetime.timedelta(minutes=beat_minutes_ago)
    return Job.objects.create(kind="core.test", title="测试任务", handler=HANDLER, params={"word": "好"},
                              created_by=user, division_code=code, status=JobStatus.RUNNING,
                              started_at=beat, heartbeat_at=beat)


def test_a_job_whose_worker_stopped_beating_is_marked_failed(admin_user):
    dead = _running(admin_user, beat_minutes_ago=STALE_AFTER.total_seconds() / 60 + 1)
    alive = _running(admin_user, beat_minutes_ago=1)
    assert fail_stale_jobs_task.call_local() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == JobStatus.FAILED and "心跳" in dead.error and dead.finished_at
    assert alive.status == JobStatus.RUNNING
    assert fail_stale_jobs() == 0  # idempotent


def test_viewing_the_job_page_marks_a_dead_job_failed_and_offers_a_retry(client, admin_user):
    dead = _running(admin_user, beat_minutes_ago=60)
    client.force_login(admin_user)
    body = client.get(reverse("core:job_detail", args=[dead.pk])).content.decode()
    assert "失败" in body and "运行中" not in body and 'id="job-retry"' in body
    # the retry queues a copy with the same handler and parameters (run here in-process)
    r = client.post(reverse("core:job_retry", args=[dead.pk]))
    copy = Job.objects.exclude(pk=dead.pk).get()
    assert r.status_code == 302 and r.url == reverse("core:job_detail", args=[copy.pk])
    assert copy.retry_of == dead and copy.params == {"word": "好"} and copy.status == JobStatus.QUEUED
    assert run_job(copy.pk) == {"summary": "完成：好"}
    copy.refresh_from_db()
    assert copy.status == JobStatus.SUCCEEDED and copy.heartbeat_at is not None
    assert "重试" in client.get(reverse("core:job_detail", args=[copy.pk])).content.decode()


def test_retry_is_for_failed_jobs_of_ones_own_or_ones_scope(client, admin_user, make_user, scoped_user):
    import pytest
    from django.core.exceptions import PermissionDenied

    dead = _running(admin_user, beat_minutes_ago=60)
    # a running job cannot be retried
    with pytest.raises(PermissionDenied):
        retry_job(actor=admin_user, job=dead)
    fail_stale_jobs()
    dead.refresh_from_db()
    # someone who may see jobs in another street but not manage them: no button, 404 on the URL
    other = scoped_user(["core.view_job"], "430702005000")
    client.force_login(other)
    assert client.post(reverse("core:job_retry", args=[dead.pk])).status_code == 404
    # someone who may see the job but not manage jobs there: no button, refused
    viewer = scoped_user(["core.view_job"], "430702004000", username="viewer")
    client.force_login(viewer)
    assert 'id="job-retry"' not in client.get(reverse("core:job_detail", args=[dead.pk])).content.decode()
    r = client.post(reverse("core:job_retry", args=[dead.pk]), follow=True)
    assert "只有任务的发起人" in r.content.decode() and Job.objects.count() == 1
    # a manager of jobs in that street may
    manager = scoped_user(["core.view_job", "core.change_job"], "430702004000", username="manager")
    assert retry_job(actor=manager, job=dead).retry_of == dead
