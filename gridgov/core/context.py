"""Per-request / per-job context carried to audit entries and log lines (contextvars, so it
works the same in threads, the job worker and tests)."""

import contextvars
import logging
import uuid
from contextlib import contextmanager

request_id_var = contextvars.ContextVar("request_id", default="")
job_id_var = contextvars.ContextVar("job_id", default=None)


def new_request_id():
    return uuid.uuid4().hex[:16]


@contextmanager
def job_context(job_id):
    token = job_id_var.set(job_id)
    try:
        yield
    finally:
        job_id_var.reset(token)


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get() or (f"job-{job_id_var.get()}" if job_id_var.get() else "-")
        return True
