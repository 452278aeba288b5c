"""Writes of the portal (docs/architecture.md §4, “Writes go through actions”): resident accounts, posts, bookings and sessions."""

from .bookings import (  # noqa: F401
    book,
    cancel_booking,
    cancel_signup,
    decide_booking,
    rate_booking,
    rate_signup,
    remove_session,
    save_session,
    set_booking_rule,
    sign_up_session,
)
from .posts import publish_post, save_post  # noqa: F401
from .residents import (  # noqa: F401
    decide_family_link,
    delete_account,
    give_consent,
    record_export,
    request_family_link,
    sign_up,
    verify_at_counter,
    verify_online,
)
