"""Writes of the kiosk app (docs/architecture.md §4, “Writes go through actions”). Staff actions check permission on
the row's division; kiosk-side actions run as the anonymous visitor of an authenticated device
(`device.kiosk_required`) and name the device in the audit."""

from .devices import (  # noqa: F401
    enrol_device,
    heartbeat,
    issue_key,
    register_device,
    revoke_device,
    sweep_offline,
    update_device,
)
from .policies import (  # noqa: F401
    add_policy_attachment,
    publish_policy,
    remove_policy_attachment,
    save_policy,
    withdraw_policy,
)
from .visits import identify_resident, report_problem  # noqa: F401
