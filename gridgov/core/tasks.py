"""Huey tasks of the core app."""

from huey.contrib.djhuey import db_task

from .jobs import run_job


@db_task()
def run_job_task(job_id):
    return run_job(job_id)
