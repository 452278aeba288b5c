"""Every write of the services app (docs/architecture.md §4, “Writes go through actions”). Public entry points other apps call are
re-exported here; see the package docstring (gridgov/services/__init__.py)."""

from .applications import (  # noqa: F401
    accept_application,
    answer_rectification,
    callback_rectification,
    complete_application,
    correct_application,
    correct_application_online,
    deliver_application,
    forward_application,
    rate_application,
    reject_application,
    request_correction,
    submit_application,
    sweep_deadlines,
)
from .appointments import (  # noqa: F401
    book_appointment,
    cancel_appointment,
    check_in_appointment,
    open_slots,
    set_slot,
    sweep_missed_appointments,
)
from .catalogue import load_default_catalogue, save_item  # noqa: F401
from .proxy import (  # noqa: F401
    assign_need,
    cancel_need,
    claim_need,
    deliver_need,
    file_need,
    record_need,
    reveal_phone,
    sweep_needs,
)
from .queue import (  # noqa: F401
    call_next,
    no_show,
    recall_ticket,
    save_counter,
    save_group,
    serve_ticket,
    start_serving,
    take_ticket,
    transfer_ticket,
)
