"""Bulk rows of the party app for the demo and the benchmark (hundreds of thousands of service
records): the column order of a service record. Rows are plain tuples in `columns` order written
by core's COPY writer; no model instances are built (Django's bulk_create spends ~0.5 ms per row
preparing values)."""

from gridgov.core.bulk import insert_rows, upsert_rows

ACTIVITY_COLUMNS = [
    "member_id", "branch_id", "post_id", "item_id", "source", "source_ref", "division_code", "occurred_at",
    "duration_minutes", "place", "note", "quantity", "points", "status", "check_in_at", "check_out_at",
    "verified_by_id", "verified_at", "reject_reason", "created_at",
]


# The writers are core's (gridgov/core/bulk.py), shared with the registry's imports.
__all__ = ["ACTIVITY_COLUMNS", "insert_rows", "upsert_rows"]
