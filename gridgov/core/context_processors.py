"""Template context for the layout: menu, active scope, unread notifications."""

from django.conf import settings

from .menu import menu_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"map_tile_url": settings.MAP_TILE_URL}
    return {
        "menu": menu_for(user),
        "active_scope": getattr(request, "active_scope", ""),
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
