"""The monthly settlement per provider: done orders of the month (by completion time, Asia/
Shanghai), their total, the subsidy and what residents paid. Idempotent: re-running a month
replaces its rows."""

import datetime

from django.db.models import Avg, Count, Sum
from django.utils import timezone

from gridgov.core import audit, clock
from gridgov.core.access import require
from gridgov.core.actors import action

from ..choices import OrderStatus
from ..models import Order, Provider, Settlement


def month_range(month):
    """Aware [start, end) of a month in the local time zone."""
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time(), tzinfo=tz),
            datetime.datetime.combine(end, datetime.time(), tzinfo=tz))


def sums(provider_ids, month):
    """{provider id: {count, total, subsidy, minutes, rating}} of done orders in the month."""
    start, end = month_range(month)
    rows = (Order.objects.filter(provider_id__in=provider_ids, status=OrderStatus.DONE, done_at__gte=start,
                                 done_at__lt=end)
            .values("provider_id").annotate(n=Count("id"), total=Sum("total_fen"), subsidy=Sum("subsidy_fen"),
                                            minutes=Sum("subsidy_minutes"), rating=Avg("rating")))
    return {r["provider_id"]: r for r in rows}


@action
def settle_month(*, actor, month, prefix=""):
    """Compute (or recompute) the month's settlement for every provider under `prefix`."""
    require(actor, "care.add_settlement", prefix or None)
    month = month.replace(day=1)
    providers = list(Provider.objects.filter(division_code__startswith=prefix).exclude(kind="health")
                     .values_list("pk", "division_code"))
    found = sums([pk for pk, _ in providers], month)
    now = clock.now()
    Settlement.objects.filter(provider_id__in=[pk for pk, _ in providers], month=month).delete()
    rows = []
    for pk, code in providers:
        r = found.get(pk)
        if r is None:
            continue
        total, sub = r["total"] or 0, r["subsidy"] or 0
        rows.append(Settlement(provider_id=pk, division_code=code, month=month, order_count=r["n"], total_fen=total,
                               subsidy_fen=sub, resident_fen=total - sub, subsidy_minutes=r["minutes"] or 0,
                               average_rating=round(r["rating"], 2) if r["rating"] is not None else None,
                               computed_at=now))
    Settlement.objects.bulk_create(rows)
    audit.record(actor, "care.settle_month", ("care.settlement", f"{month:%Y-%m}", f"{month:%Y-%m} 月度结算"), after={"month": f"{month:%Y-%m}", "providers": len(rows)},
                 division_code=prefix)
    return rows


def settle_job(run, month, prefix="", started_by=None):
    """Job handler: the settlement of `month` ("YYYY-MM-01") as the system actor."""
    from django.contrib.auth import get_user_model

    from gridgov.core.actors import system_actor

    starter = get_user_model().objects.filter(pk=started_by).first() if started_by else None
    rows = settle_month(actor=system_actor(started_by=starter), month=datetime.date.fromisoformat(month),
                        prefix=prefix)
    run.log(f"{month[:7]} 结算完成：{len(rows)} 个服务商")
    return {"providers": len(rows)}
