"""Models of the party app (红色网格)."""

from .members import PartyMember, PostClaim, Registration, RolePost, ServiceItem
from .org import OrganizationHistory, PartyOrganization, WorkUnit
from .service import (
    ActivityPhoto,
    ActivitySum,
    EventSignup,
    MemberScore,
    ScoringRule,
    ServiceActivity,
    VolunteerEvent,
)

__all__ = [
    "ActivityPhoto", "ActivitySum", "EventSignup", "MemberScore", "OrganizationHistory", "PartyMember", "PartyOrganization",
    "PostClaim", "Registration", "RolePost", "ScoringRule", "ServiceActivity", "ServiceItem", "VolunteerEvent",
    "WorkUnit",
]
