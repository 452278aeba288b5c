"""Numbers the divisions app offers to the home page and the big screen (see contributions.py)."""

from .models import Division


def visible_grids(user, scope):
    """Grids (current and retired) the viewer may see inside `scope`."""
    return Division.objects.visible_to(user).within(scope).grids().count()
