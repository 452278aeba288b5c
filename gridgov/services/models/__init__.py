from .applications import Application, ApplicationEvent, Attachment, NumberSequence, Rating, Rectification
from .catalogue import ServiceItem, ServiceItemVersion
from .proxy import ProxyNeed
from .queue import Counter, ServiceGroup, Ticket

__all__ = [
    "Application", "ApplicationEvent", "Attachment", "Counter", "NumberSequence", "ProxyNeed", "Rating",
    "Rectification", "ServiceGroup", "ServiceItem", "ServiceItemVersion", "Ticket",
]
