"""Tables of the community website (完美社区网): resident accounts, published posts, bookings."""

from .bookings import Booking, BookingRule, Session, SessionSignup, SessionSlot  # noqa: F401
from .content import Post  # noqa: F401
from .residents import FamilyLink, ResidentProfile  # noqa: F401
