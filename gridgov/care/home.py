"""The care app's card on the signed-in home page: a provider account's waiting orders."""

from django.urls import reverse

from .choices import OrderStatus
from .models import Order, Provider
from .scoping import provider_ids


def provider_queue(request):
    ids = provider_ids(request.user)
    if not ids:
        return None
    orders = Order.objects.visible_to(request.user)
    new = orders.filter(status=OrderStatus.SUBMITTED).count()
    doing = orders.filter(status__in=(OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS)).count()
    names = "、".join(Provider.objects.filter(pk__in=ids).values_list("name", flat=True))
    url = reverse("care:order_list")
    return {"title": f"本服务商订单 · {names}", "order": 5,
            "stats": [{"label": "待接单", "num": new, "url": f"{url}?status=submitted"},
                      {"label": "服务中/待上门", "num": doing, "url": f"{url}?status=open"}],
            "links": [{"label": "全部订单", "url": url}]}
