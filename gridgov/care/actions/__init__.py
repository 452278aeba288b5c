"""Every write of the care app (docs/architecture.md §4, “Writes go through actions”), by concern."""

from .catalogue import (  # noqa: F401
    add_provider_account,
    save_doctor,
    save_item,
    save_provider,
    save_schedule,
    save_subsidy_rule,
)
from .health import book_appointment, cancel_appointment, end_signing, sign_doctor  # noqa: F401
from .orders import (  # noqa: F401
    accept_order,
    cancel_order,
    check_in,
    check_out,
    rate_order,
    return_visit,
    submit_order,
)
from .settlement import settle_month  # noqa: F401
