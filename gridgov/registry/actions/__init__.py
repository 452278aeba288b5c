"""Writes to the base-information registry (docs/architecture.md §4, “Writes go through actions”): every function takes a keyword-only
`actor`, runs in one transaction, checks permission, audits and re-checks scope."""

from .common import refresh_all_household_counts, refresh_household_counts
from .fieldwork import approve_change, record_visit, reject_change, request_change
from .people import (
    change_house,
    move_in,
    move_out,
    record_birth,
    record_death,
    register_person,
    reveal_person_field,
    update_person,
)
from .places import (
    create_building,
    create_component,
    create_entity,
    create_house,
    create_household,
    update_building,
    update_component,
    update_entity,
    update_house,
    update_household,
)

__all__ = [
    "approve_change", "change_house", "create_building", "create_component", "create_entity", "create_house",
    "create_household", "move_in", "move_out", "record_birth", "record_death", "record_visit",
    "refresh_all_household_counts", "refresh_household_counts", "register_person", "reject_change",
    "request_change", "reveal_person_field", "update_building", "update_component", "update_entity",
    "update_house", "update_household", "update_person",
]
