"""Numbers the community app offers to the home page and the big screen (see contributions.py)."""

from .choices import FacilityStatus
from .compliance import communities_within, compliance_for
from .models import Facility


def facilities_built(user, scope):
    return Facility.objects.visible_to(user).within(scope).filter(status=FacilityStatus.BUILT).count()


def compliant_communities(user, scope):
    from gridgov.core.access import can

    if not can(user, "community.view_facility"):
        return None
    return sum(r.compliant for r in compliance_for(communities_within(user, scope)))
