"""Background jobs with a visible record (status, progress, log).

`start_job` creates a Job row and queues it on Huey after commit; the worker imports the
handler by its dotted path and calls `handler(job_ctx, **params)`. Handlers report progress
through the JobRun they receive. Handlers are plain functions in the owning app (usually next
to its actions), so a grep for the dotted path finds every use.
"""

import logging
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

        Job.objects.filter(pk=self.job.pk).update(**{f: getattr(self.job, f) for f in fields})


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

    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=clock.now()
    )
    if not claimed:
        return None
    job = Job.objects.get(pk=job_id)
    run = JobRun(job)
    with job_context(job.pk):
        try:
            result = import_string(job.handler)(run, **job.params)
        except Exception as exc:  # the job record is the place errors are shown
            log.exception("job %s failed", job.pk)
            Job.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED, error=f"{exc}\n\n{traceback.format_exc()}"[:20000],
                finished_at=clock.now(), log=run.job.log, progress=run.job.progress,
            )
            return None
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED, result=result, finished_at=clock.now(), log=run.job.log,
        progress=run.job.progress if run.job.total else 0,
    )
    return result
