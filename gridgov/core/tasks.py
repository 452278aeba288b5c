"""Huey tasks of the core app."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .import_stash import clean_stash
from .jobs import fail_stale_jobs, run_job


@db_task()
def run_job_task(job_id):
    return run_job(job_id)


@db_periodic_task(crontab(minute="*/5"))
def fail_stale_jobs_task():
    """Mark failed the running jobs whose worker stopped beating (every five minutes)."""
    return fail_stale_jobs()


@db_periodic_task(crontab(minute="23"))
def clean_import_stash_task():
    """Delete uploaded import files and their error files older than a day (hourly)."""
    return clean_stash()
