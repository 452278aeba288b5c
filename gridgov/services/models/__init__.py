from .applications import Application, ApplicationEvent, Attachment, NumberSequence, Rating, Rectification
from .appointments import Appointment, AppointmentSlot
from .catalogue import ServiceItem, ServiceItemVersion
from .proxy import ProxyNeed, ProxyNeedEvent
from .queue import Counter, ServiceGroup, Ticket

__all__ = [
    "Application", "ApplicationEvent", "Appointment", "AppointmentSlot", "Attachment", "Counter", "NumberSequence",
    "ProxyNeed", "ProxyNeedEvent", "Rating",
    "Rectification", "ServiceGroup", "ServiceItem", "ServiceItemVersion", "Ticket",
]
