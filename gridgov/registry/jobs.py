"""The registry's import jobs moved to the one core import path (`gridgov.core.import_jobs`, the
stash in `gridgov.core.import_stash`). These names stay so that a job queued — or retried from
its page — under the old handler path still runs."""

from gridgov.core.import_jobs import run_import_job, validate_import_job  # noqa: F401
