"""The registry's card on the signed-in home page (manifest `home_cards`): a grid worker's
field work."""

from django.urls import reverse

from gridgov.core.access import can


def fieldwork(request):
    """网格员: the phone pages for visits and collection, and reporting a problem."""
    user = request.user
    if not can(user, "registry.record_visit") or can(user, "registry.import_records"):
        return None  # office staff hold the permission too; the card is for the worker in the street
    links = [{"label": "网格员移动端（走访、采集）", "url": reverse("registry:mobile_home")}]
    if can(user, "cases.add_case"):
        links.append({"label": "上报事件", "url": reverse("cases:report")})
    return {"title": "网格工作", "order": 8, "links": links,
            "lines": ["走访、信息采集和事件上报都可以在手机上完成。"]}
