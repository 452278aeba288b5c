"""Writes to cases (docs/architecture.md §4, “Writes go through actions”), by concern: `reporting` (a new case from any
channel), `transitions` (the workflow steps), `configuration` (classes, routing rules, Open311
keys). The history writer they share is `cases.history`. Callers use `from gridgov.cases
import actions; actions.dispatch_case(...)`."""

from .configuration import (
    create_api_key,
    delete_routing_rule,
    hash_key,
    note_key_used,
    revoke_api_key,
    save_category,
    save_routing_rule,
)
from .publication import publish_case
from .reporting import (
    PUBLIC_CHANNELS,
    check_rate_limit,
    ip_hash,
    may_report_in,
    outside_own_area,
    report_case,
    resolve_grid,
    validate_attributes,
)
from .transitions import (
    CaseConflict,
    accept_case,
    cancel_case,
    close_case,
    decide_deferral,
    dispatch_case,
    handle_case,
    merge_case,
    rate_case,
    recategorise_case,
    register_case,
    reject_case,
    reopen_case,
    request_deferral,
    return_case,
    route,
    solve_in_grid,
    supervise_case,
    verify_case,
)

__all__ = [
    "PUBLIC_CHANNELS", "CaseConflict", "accept_case", "cancel_case", "check_rate_limit", "close_case",
    "create_api_key", "decide_deferral", "delete_routing_rule", "dispatch_case", "handle_case", "hash_key",
    "ip_hash", "may_report_in", "merge_case", "note_key_used", "outside_own_area", "publish_case", "rate_case", "recategorise_case",
    "register_case", "reject_case", "reopen_case", "report_case", "request_deferral", "resolve_grid",
    "return_case", "revoke_api_key", "route", "save_category", "save_routing_rule", "solve_in_grid",
    "supervise_case", "validate_attributes", "verify_case",
]
