"""Background jobs with a visible record (status, progress, log).

`start_job` creates a Job row and queues it on Huey after commit; the worker imports the
handler by its dotted path and calls `handler(job_ctx, **params)`. Handlers report progress
through the JobRun they receive. Handlers are plain functions in the owning app (usually next
to its actions), so a grep for the dotted path finds every use.

A running job beats: a thread of the worker writes `heartbeat_at` every HEARTBEAT_SECONDS (and
every progress or log write does too). A worker that is killed stops beating, so a job still
"运行中" whose heartbeat is older than STALE_AFTER is marked failed by `fail_stale_jobs` (the
periodic task `core.tasks.fail_stale_jobs_task`, and the job pages when they are viewed); its
page then offers `retry_job`, which queues a copy with the same handler and parameters.
"""

import datetime
import logging
import threading
import traceback

from django.db import transaction
from django.utils.module_loading import import_string

from . import clock
from .actors import action
from .choices import JobStatus
from .context import job_context

log = logging.getLogger(__name__)


class JobRun:
    """Handed to a running handler: progress and log go straight to the Job row (in their own
    small writes, outside the handler's transaction, so the UI sees them while it runs)."""

    def __init__(self, job):
        self.job = job
        self._last_flush = 0

    def set_total(self, total):
        self.job.total = total
        self._save("total")

    def advance(self, n=1, force=False):
        self.job.progress += n
        now = clock.now().timestamp()
        if force or now - self._last_flush > 0.5:
            self._last_flush = now
            self._save("progress")

    def log(self, line):
        """Append a line stamped with the local time (Asia/Shanghai, as every time on the pages)."""
        from django.utils import timezone

        log.info("job %s: %s", self.job.pk, line)
        self.job.log += f"[{timezone.localtime(clock.now()):%m-%d %H:%M:%S}] {line}\n"
        self._save("log")

    def _save(self, *fields):
        from .models import Job

        Job.objects.filter(pk=self.job.pk).update(**{f: getattr(self.job, f) for f in fields},
                                                  heartbeat_at=clock.now())


HEARTBEAT_SECONDS = 30
STALE_AFTER = datetime.timedelta(minutes=10)  # twenty missed heartbeats
STALE_MESSAGE = "任务执行进程已中断（超过 {minutes} 分钟没有心跳，可能是后台进程被终止或重启），已标记为失败。可点击“重新运行”重试。"


class _Heartbeat(threading.Thread):
    """Writes the job's heartbeat while the handler runs; dies with the worker process. The first
    beat comes after HEARTBEAT_SECONDS, so a short job never opens a second connection."""

    def __init__(self, job_id):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id, self.done = job_id, threading.Event()

    def run(self):
        from django.db import connection

        from .models import Job

        try:
            while not self.done.wait(HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(heartbeat_at=clock.now())
                except Exception:  # a busy database: the next beat will do (STALE_AFTER allows twenty)
                    log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)
        finally:
            connection.close()

    def stop(self):
        self.done.set()


@action(atomic=False)
def start_job(*, actor, kind, title, handler, params=None, division_code="", run_now=False):
    """Create the Job row and queue it after commit. `run_now` runs it in-process (CLI)."""
    from .models import Job

    job = Job.objects.create(
        kind=kind, title=title[:200], handler=handler, params=params or {},
        created_by=actor if getattr(actor, "pk", None) else None, division_code=division_code,
    )
    if run_now:
        run_job(job.pk)
        job.refresh_from_db()
    else:
        from .tasks import run_job_task

        transaction.on_commit(lambda: run_job_task(job.pk))
    return job


def run_job(job_id):
    """Run one job to completion, recording success or failure. Safe to call twice: a job that
    is no longer queued is left alone (Huey may deliver at least once)."""
    from .models import Job

    started = clock.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=started, heartbeat_at=started,
    )
    if not claimed:
        return None
    job = Job.objects.get(pk=job_id)
    run = JobRun(job)
    heartbeat = _Heartbeat(job.pk)
    heartbeat.start()
    with job_context(job.pk):
        try:
            result = import_string(job.handler)(run, **job.params)
        except Exception as exc:  # the job record is the place errors are shown
            log.exception("job %s failed", job.pk)
            heartbeat.stop()
            Job.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED, error=f"{exc}\n\n{traceback.format_exc()}"[:20000],
                finished_at=clock.now(), log=run.job.log, progress=run.job.progress,
            )
            return None
        finally:
            heartbeat.stop()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED, result=result, finished_at=clock.now(), log=run.job.log,
        progress=run.job.progress if run.job.total else 0,
    )
    return result


def fail_stale_jobs(now=None):
    """Mark failed every running job whose worker stopped beating (killed, restarted, out of
    memory). Platform bookkeeping, not a person's act: the job record and the log say what
    happened. Returns the number of jobs marked."""
    from django.db.models import Q

    from .models import Job

    now = now or clock.now()
    cutoff = now - STALE_AFTER
    stale = Job.objects.filter(status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=cutoff)
    )
    message = STALE_MESSAGE.format(minutes=int(STALE_AFTER.total_seconds() // 60))
    count = 0
    for pk in stale.values_list("pk", flat=True)[:1000]:
        # re-checked in the UPDATE: a job that beat or finished meanwhile is left alone
        count += Job.objects.filter(pk=pk, status=JobStatus.RUNNING).filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)
        ).update(status=JobStatus.FAILED, error=message, finished_at=now)
    if count:
        log.warning("marked %s stale job(s) failed", count)
    return count


def may_retry(user, job):
    """A failed job may be run again by the person who started it (the handler re-checks their
    permissions as it runs) or by whoever holds core.change_job over the job's area."""
    from .access import can, is_district_wide

    if job.status != JobStatus.FAILED or not getattr(user, "is_authenticated", False):
        return False
    if job.created_by_id and job.created_by_id == user.pk:
        return True
    if not job.division_code:
        return is_district_wide(user, "core.change_job")
    return can(user, "core.change_job", job.division_code)


@action
def retry_job(*, actor, job):
    """Queue a copy of the failed `job` (same handler and parameters) and return it."""
    from django.core.exceptions import PermissionDenied

    from . import audit
    from .models import Job

    job = Job.objects.select_for_update().get(pk=job.pk)
    if not may_retry(actor, job):
        raise PermissionDenied("只有任务的发起人或有权管理该范围后台任务的人员，才能重新运行失败的任务")
    title = job.title if job.title.endswith("（重试）") else f"{job.title}（重试）"
    copy = Job.objects.create(
        kind=job.kind, title=title[:200], handler=job.handler, params=job.params,
        created_by=job.created_by or (actor if getattr(actor, "pk", None) else None),
        division_code=job.division_code, retry_of=job,
    )
    audit.record(actor, "core.retry_job", copy, after={"retry_of": job.pk})
    from .tasks import run_job_task

    transaction.on_commit(lambda: run_job_task(copy.pk))
    return copy
