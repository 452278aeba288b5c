"""Numbers the party app offers to the home page and the big screen (see contributions.py)."""

from .models import PartyMember


def members(user, scope):
    return PartyMember.objects.visible_to(user).within(scope).count()
