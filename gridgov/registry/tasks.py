"""Huey tasks of the registry app: cleaning the import stash."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .jobs import clean_stash


@db_periodic_task(crontab(minute="23"))
def clean_import_stash_task():
    """Delete uploaded import files and their error files older than a day (hourly)."""
    return clean_stash()
