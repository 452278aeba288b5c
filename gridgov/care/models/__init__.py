from .health import Appointment, Doctor, Schedule, Signing, Slot
from .orders import Order, OrderLine, Settlement
from .providers import Provider, ProviderMember, ServiceItem, SubsidyRule

__all__ = ["Appointment", "Doctor", "Order", "OrderLine", "Provider", "ProviderMember", "Schedule", "ServiceItem",
           "Settlement", "Signing", "Slot", "SubsidyRule"]
