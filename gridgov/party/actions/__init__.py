"""Every write of the party app (docs/architecture.md §4, “Writes go through actions”). Views, API, importers, jobs and commands call these."""

from .events import cancel_event, cancel_signup, check_in, check_out, publish_event, sign_up
from .members import (
    branch_of,
    create_member,
    create_work_unit,
    decide_registration,
    member_leaves,
    request_registration,
    transfer_member,
    update_member,
)
from .org import (
    follow_persons,
    hand_over_secretary_role,
    move_branch,
    sync_organizations,
    update_organization,
)
from .posts import claim_post, decide_claim, release_claim, save_item, update_post, update_rule
from .scoring import run_scoring, start_scoring_job
from .service import (
    import_case_activities,
    log_activity,
    record_platform_activity,
    verify_activity,
    verify_many,
)

__all__ = [
    "branch_of", "cancel_event", "cancel_signup", "check_in", "check_out", "claim_post", "create_member",
    "create_work_unit", "decide_claim", "follow_persons", "hand_over_secretary_role", "decide_registration", "import_case_activities", "log_activity",
    "member_leaves", "move_branch", "publish_event", "record_platform_activity", "release_claim", "request_registration", "run_scoring",
    "save_item", "sign_up", "start_scoring_job", "sync_organizations", "transfer_member", "update_member",
    "update_organization", "update_post", "update_rule", "verify_activity", "verify_many",
]
