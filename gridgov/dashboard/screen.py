"""The big screen's data for one scope: one JSON document the page polls every 10 seconds.

Counts only, never a name, an address or a case title: the events feed shows the class, the
grid and the state. Care-group counts under 5 at grid level are sent as "<5" (the number never
leaves the server). Everything comes from the maintained sums (`ScreenStat`, one indexed read
for the scope and one for its children), today's cases (an indexed range), the 三五 roll-up and
the indicators other apps declare in their manifests (`Indicator(screen=True)`).
"""

import datetime

from django.apps import apps
from django.utils import timezone

from gridgov.core import clock
from gridgov.core.access import can
from gridgov.core.manifest import collect, resolve
from gridgov.divisions.choices import Level
from gridgov.divisions.models import Division

from .models import ScreenStat, ScreenState

SMALL = 5  # care counts below this are shown as "<5" at grid level
FEED = 12
MAP_METRICS = [
    ("density", "人口密度", "人/km²"),
    ("cases_open", "办理中事件", "件"),
    ("cases_overdue", "超期事件", "件"),
    ("care_total", "关爱人群", "人"),
    ("party_registered", "报到党员", "名"),
]
TOTALS = [
    ("persons", "实有人口", "人"), ("households", "户数", "户"), ("buildings", "楼栋", "栋"),
    ("houses", "房屋", "套"), ("entities", "法人单位", "家"), ("components", "城市部件", "个"),
    ("cases", "事件总数", "件"),
]
# indicators the screen shows from its own sums; the manifest's others appear in their app's panel
OWN_INDICATORS = {"registry.persons", "registry.buildings", "cases.open", "party.members", "divisions.grids",
                  "community.facilities_built", "community.compliant"}


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _small(value, level):
    """A care count as shown at `level`: "<5" at grid level when under 5."""
    value = int(value or 0)
    return f"<{SMALL}" if level == Level.GRID and value < SMALL else value


def root_for(user):
    """The widest division the viewer may see the screen of (the district for district-wide
    holders), or None."""
    from django.conf import settings

    if can(user, "dashboard.view_screen", settings.DISTRICT_CODE[:6]):
        return Division.objects.filter(code=settings.DISTRICT_CODE).first() or \
            Division.objects.filter(level=Level.DISTRICT, is_active=True).order_by("code").first()
    divisions = [a.division for a in user.active_assignments() if a.division_id
                 and can(user, "dashboard.view_screen", a.division.path)]
    return min(divisions, key=lambda d: d.level) if divisions else None


def breadcrumb(division, root):
    """From the viewer's root down to `division` (nothing above the root)."""
    chain = [*division.ancestors(), division]
    start = next((i for i, d in enumerate(chain) if d.code == root.code), len(chain) - 1)
    return [{"code": d.code, "name": d.name, "level": d.level} for d in chain[start:]]


def _feed(division):
    from django.db.models.functions import Substr

    from gridgov.cases.models import Case

    # today's cases by the reported_at index, the scope as a filter on those few rows (a prefix
    # match would make the planner walk the whole district's cases by division_code)
    midnight = _midnight(clock.today())
    path = division.path
    today = (Case.objects.filter(reported_at__gte=midnight).annotate(scope=Substr("division_code", 1, len(path)))
             .filter(scope=path))
    rows = list(today.select_related("category", "grid").order_by("-reported_at")
                .values("reported_at", "category__name", "grid__name", "state", "urgency")[:FEED])
    from gridgov.cases.choices import CaseState

    labels = dict(CaseState.choices)
    feed = [{"time": timezone.localtime(r["reported_at"]).strftime("%H:%M"), "class": r["category__name"] or "",
             "grid": r["grid__name"] or "", "state": str(labels.get(r["state"], r["state"])),
             "urgent": r["urgency"] == "urgent"} for r in rows]
    return today.count(), feed


def _trend(stats, today):
    days = [today - datetime.timedelta(days=n) for n in range(30, 0, -1)]  # whole days up to yesterday
    return {"days": [d.strftime("%m-%d") for d in days],
            "reported": [int(stats.get(f"trend:r:{d.isoformat()}", 0)) for d in days],
            "closed": [int(stats.get(f"trend:c:{d.isoformat()}", 0)) for d in days]}


def _classes(stats):
    from gridgov.cases.models import CaseCategory

    counts = {int(k[6:]): v for k, v in stats.items() if k.startswith("class:") and k[6:].isdigit()}
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:6]
    names = dict(CaseCategory.objects.filter(pk__in=[k for k, _ in top]).values_list("pk", "name"))
    return [{"name": names.get(k, "其他"), "value": int(v)} for k, v in top]


def _map(division, children):
    """The children's map metrics (grids: care counts under 5 hidden)."""
    keys = ["persons", "area_m2", "cases_open", "cases_overdue", "care_total", "party_registered"]
    by_code = {c.code: {} for c in children}
    for code, key, value in ScreenStat.objects.filter(parent_code=division.code, key__in=keys).values_list(
            "code", "key", "value"):
        if code in by_code:
            by_code[code][key] = value
    out = []
    for c in children:
        s = by_code[c.code]
        area_km2 = (s.get("area_m2") or 0) / 1e6
        row = {"code": c.code, "name": c.name, "level": c.level, "drill": True,
               "density": round(s.get("persons", 0) / area_km2) if area_km2 else None,
               "cases_open": int(s.get("cases_open", 0)), "cases_overdue": int(s.get("cases_overdue", 0)),
               "party_registered": int(s.get("party_registered", 0))}
        care = _small(s.get("care_total"), c.level)
        row["care_total"] = care if isinstance(care, int) else None
        row["care_total_label"] = str(care)
        out.append(row)
    return out


def _sanwu(division):
    from .models import IndicatorDefinition
    from .progress import period_label, period_start, rag, rollup_table

    today = clock.today()
    defs = list(IndicatorDefinition.objects.filter(is_active=True))
    out = []
    if not defs:
        return out
    starts = {d.period for d in defs}
    tables = {p: rollup_table([d for d in defs if d.period == p], division, period_start(today, p)) for p in starts}
    for d in defs:
        r = tables[d.period][d.id]
        out.append({"code": d.code, "name": d.name, "group": d.group, "group_label": str(d.get_group_display()),
                    "value": float(r.value) if r.value is not None else None, "target": float(d.target_value),
                    "unit": d.unit, "rag": rag(d, r.value, today), "count": r.count,
                    "period": period_label(period_start(today, d.period), d.period)})
    return out


def _other_indicators(user, division):
    """Numbers other apps declare for the screen, grouped by app (the services panel among them)."""
    panels = {}
    for app, ind in collect("indicators"):
        if not ind.screen or ind.key in OWN_INDICATORS or (ind.perm and not can(user, ind.perm)):
            continue
        try:
            value = resolve(ind.query)(user, division.code)
        except Exception:  # one app's broken number must not blank the screen
            value = None
        panels.setdefault(app, []).append({"key": ind.key, "label": ind.label, "unit": ind.unit, "value": value})
    return panels


def services_panel(user, division):
    panels = _other_indicators(user, division)
    installed = apps.is_installed("gridgov.services")
    return {"installed": installed, "indicators": panels.pop("services", []),
            "others": [{"app": str(apps.get_app_config(a).verbose_name), "indicators": v} for a, v in panels.items()]}


def screen_data(user, division, root):
    stats = dict(ScreenStat.objects.filter(code=division.code).values_list("key", "value"))
    today = clock.today()
    children = list(Division.objects.filter(parent=division, is_active=True).order_by("code"))
    today_count, feed = _feed(division)
    from gridgov.party.choices import MemberCategory
    from gridgov.registry.choices import ResidenceType
    from gridgov.registry.models import CareTag

    closed30 = stats.get("closed30", 0)
    state = ScreenState.objects.first()
    totals = [{"key": k, "label": label, "unit": unit, "value": int(stats.get(k, 0))} for k, label, unit in TOTALS]
    totals.append({"key": "cases_today", "label": "今日事件", "unit": "件", "value": today_count})
    return {
        "scope": {"code": division.code, "name": division.name, "level": division.level,
                  "level_name": str(division.get_level_display()), "breadcrumb": breadcrumb(division, root)},
        "updated_at": timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M:%S"),
        "stats_at": timezone.localtime(state.built_at).strftime("%H:%M") if state and state.built_at else None,
        "totals": totals,
        "population": [{"name": str(label), "value": int(stats.get(f"persons:{v}", 0))}
                       for v, label in ResidenceType.choices],
        "care": [{"name": t.name, "value": _small(stats.get(f"care:{t.code}"), division.level)}
                 for t in CareTag.objects.filter(is_active=True).order_by("sort_order", "id")],
        "map": {"metrics": [{"key": k, "label": label, "unit": unit} for k, label, unit in MAP_METRICS],
                "children": _map(division, children), "child_level": division.level + 1},
        "cases": {"today": today_count, "feed": feed, "trend": _trend(stats, today),
                  "open": int(stats.get("cases_open", 0)), "overdue": int(stats.get("cases_overdue", 0)),
                  "on_time_rate": round(100 * stats.get("ontime30", 0) / closed30, 1) if closed30 else None,
                  "closed30": int(closed30), "top_classes": _classes(stats)},
        "party": {"members": int(stats.get("party_members", 0)), "registered": int(stats.get("party_registered", 0)),
                  "by_category": [{"name": str(label), "value": int(stats.get(f"party:{v}", 0))}
                                  for v, label in MemberCategory.choices],
                  "posts_claimed": int(stats.get("posts_claimed", 0)),
                  "service_points_month": round(stats.get("service_points_month", 0), 1),
                  "alerts": int(stats.get("party_alerts", 0))},
        "services": services_panel(user, division),
        "sanwu": _sanwu(division),
        "facilities": {"communities": int(stats.get("communities", 0)),
                       "compliant": int(stats.get("facilities_compliant", 0)),
                       "area_ok": int(stats.get("facilities_area_ok", 0)),
                       "built": int(stats.get("facilities_built", 0))},
    }
