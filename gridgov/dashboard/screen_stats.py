"""The big screen's maintained sums (`ScreenStat`): for every division from the district down to
the grids, the counts the screen shows.

`refresh()` runs one GROUP BY per source table over the indexed `division_code` (grid level),
rolls the grid sums up to communities, streets and the district in Python, and writes only the
rows that changed (zeros are not stored). At district scale (700k persons, 200k cases) that is a
few seconds of background work every couple of minutes, instead of a count over the whole
district on every 10-second refresh of every screen (ADR 0020).
"""

import datetime
import time
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from gridgov.core import clock
from gridgov.core.bulk import allocate_ids, insert_rows
from gridgov.divisions.choices import Level
from gridgov.divisions.models import Division, DivisionShape

from .models import ScreenStat, ScreenState

TREND_DAYS = 30
ANALYZE_AFTER = 10_000  # rows written by one refresh after which PostgreSQL gets fresh statistics


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _add(sums, rows, key_of):
    """rows of (division_code, …, n) → sums[grid code][key] += n."""
    for row in rows:
        code, *rest, n = row
        if n:
            sums[code][key_of(*rest)] += float(n)


def grid_sums(today=None):
    """{grid code: {key: value}} from the source tables (a handful of grouped queries)."""
    from gridgov.cases.choices import OPEN_STATES, EventKind
    from gridgov.cases.models import Case, CaseEvent
    from gridgov.party.choices import ActivityStatus, MemberStatus, RequestStatus, ScoreStatus
    from gridgov.party.models import MemberScore, PartyMember, PostClaim, ServiceActivity
    from gridgov.registry.choices import PersonStatus
    from gridgov.registry.models import Building, Component, House, Household, LegalEntity, Person

    today = today or clock.today()
    since = _midnight(today - datetime.timedelta(days=TREND_DAYS))
    midnight = _midnight(today)
    sums = defaultdict(lambda: defaultdict(float))

    def count(qs, *fields, key):
        _add(sums, qs.values_list("division_code", *fields).annotate(n=Count("id")).order_by(), key)

    active = Person.objects.filter(status=PersonStatus.ACTIVE)
    count(active, "residence_type", key=lambda t: f"persons:{t}")
    count(Household.objects.filter(is_active=True), key=lambda: "households")
    count(Building.objects.all(), key=lambda: "buildings")
    count(House.objects.all(), key=lambda: "houses")
    count(LegalEntity.objects.all(), key=lambda: "entities")
    count(Component.objects.all(), key=lambda: "components")
    through = Person.care_tags.through.objects.filter(person__status=PersonStatus.ACTIVE)
    _add(sums, through.values_list("person__division_code", "caretag__code").annotate(n=Count("id")).order_by(),
         lambda tag: f"care:{tag}")
    _add(sums, through.values_list("person__division_code").annotate(n=Count("person_id", distinct=True))
         .order_by(), lambda: "care_total")

    _add(sums, Case.objects.values_list("division_code").annotate(
        n=Count("id")).order_by(), lambda: "cases")
    _add(sums, Case.objects.filter(state__in=OPEN_STATES).values_list("division_code", "overdue")
         .annotate(n=Count("id")).order_by(), lambda overdue: "cases_overdue" if overdue else "cases_open_ontime")
    recent = Case.objects.filter(reported_at__gte=since, reported_at__lt=midnight)
    _add(sums, recent.values_list("division_code", TruncDate("reported_at", tzinfo=timezone.get_current_timezone()))
         .annotate(n=Count("id")).order_by(), lambda day: f"trend:r:{day.isoformat()}")
    _add(sums, recent.values_list("division_code", F("category__parent_id")).annotate(n=Count("id")).order_by(),
         lambda cls: f"class:{cls}")
    closed = Case.objects.filter(closed_at__gte=since, closed_at__lt=midnight)
    _add(sums, closed.values_list("division_code", TruncDate("closed_at", tzinfo=timezone.get_current_timezone()))
         .annotate(n=Count("id")).order_by(), lambda day: f"trend:c:{day.isoformat()}")
    events = CaseEvent.objects.filter(at__gte=since, at__lt=midnight, kind__in=[EventKind.CLOSE, EventKind.SOLVE])
    _add(sums, events.values_list("division_code").annotate(n=Count("id")).order_by(), lambda: "closed30")
    _add(sums, events.filter(on_time=True).values_list("division_code").annotate(n=Count("id")).order_by(),
         lambda: "ontime30")

    members = PartyMember.objects.filter(status=MemberStatus.ACTIVE)
    count(members, "category", key=lambda c: f"party:{c}")
    count(members.filter(registered_at__isnull=False), key=lambda: "party_registered")
    count(PostClaim.objects.filter(status=RequestStatus.APPROVED), key=lambda: "posts_claimed")
    month = _midnight(today.replace(day=1))
    _add(sums, ServiceActivity.objects.filter(status=ActivityStatus.VERIFIED, occurred_at__gte=month).values_list("division_code")
         .annotate(n=Sum("points")).order_by(), lambda: "service_points_month")
    count(MemberScore.objects.filter(status=ScoreStatus.BEHIND, period_start__lte=today, period_end__gte=today),
          key=lambda: "party_alerts")
    for by_grid in sums.values():  # derived at grid level, so every level sums them the same way
        by_grid["persons"] = sum(v for k, v in by_grid.items() if k.startswith("persons:"))
        by_grid["party_members"] = sum(v for k, v in by_grid.items() if k.startswith("party:"))
        by_grid["cases_open"] = by_grid.get("cases_overdue", 0) + by_grid.pop("cases_open_ontime", 0)
    return sums


def community_sums():
    """{community code: {key: value}}: facility compliance (a community-level fact)."""
    from gridgov.community.choices import FacilityStatus
    from gridgov.community.compliance import compliance_for
    from gridgov.community.models import Facility

    communities = list(Division.objects.filter(level=Level.COMMUNITY, is_active=True))
    out = defaultdict(lambda: defaultdict(float))
    for r in compliance_for(communities):
        out[r.code]["communities"] = 1
        out[r.code]["facilities_compliant"] = 1 if r.compliant else 0
        out[r.code]["facilities_area_ok"] = 1 if r.area_ok else 0
    for code, n in (Facility.objects.filter(status=FacilityStatus.BUILT).values_list("division_code")
                    .annotate(n=Count("id")).order_by()):
        out[code]["facilities_built"] = n
    return out


def ancestors_of(code):
    """The codes a grid or community code rolls up into (its own included)."""
    out = []
    if len(code) == 15:
        out.append(code)
        code = code[:12]
    out.append(code)
    out.append(code[:9] + "000")
    out.append(code[:6] + "000000")
    return out


def build(today=None):
    """{division code: {key: value}} for every current division."""
    divisions = {d.code: d for d in Division.objects.filter(is_active=True).only("code", "level", "parent_id")}
    total = defaultdict(lambda: defaultdict(float))
    for source in (grid_sums(today), community_sums()):
        for code, values in source.items():
            for target in ancestors_of(code):
                if target in divisions:
                    bucket = total[target]
                    for k, v in values.items():
                        bucket[k] += v
    areas = dict(DivisionShape.objects.filter(valid_to__isnull=True, division__is_active=True)
                 .values_list("division__code", "area_m2"))
    for code in divisions:
        if areas.get(code):
            total[code]["area_m2"] = areas[code]
    return divisions, total


@transaction.atomic
def refresh(today=None):
    """Recompute the sums and write what changed. Returns the number of rows written."""
    started = time.monotonic()
    divisions, total = build(today)
    parent_codes = dict(Division.objects.filter(is_active=True).values_list("code", "parent__code"))
    existing = {(s.code, s.key): s for s in ScreenStat.objects.all()}
    new, changed, seen = [], [], set()
    for code, values in total.items():
        level = divisions[code].level
        for key, value in values.items():
            if not value:
                continue
            seen.add((code, key))
            row = existing.get((code, key))
            if row is None:
                new.append((code, parent_codes.get(code) or "", level, key, value))
            elif row.value != value or row.parent_code != (parent_codes.get(code) or ""):
                row.value, row.parent_code = value, parent_codes.get(code) or ""
                changed.append(row)
    gone = [row.pk for k, row in existing.items() if k not in seen]
    for i in range(0, len(gone), 5000):
        ScreenStat.objects.filter(pk__in=gone[i:i + 5000]).delete()
    # new rows (every row on a first build: ~50k at district scale) through core's bulk writer
    insert_rows(ScreenStat, ["id", "code", "parent_code", "level", "key", "value"],
                [(pk, *row) for pk, row in zip(allocate_ids(ScreenStat, len(new)), new, strict=True)])
    ScreenStat.objects.bulk_update(changed, ["value", "parent_code"], batch_size=5000)
    written = len(new) + len(changed) + len(gone)
    state = ScreenState.objects.select_for_update().first() or ScreenState()
    state.built_at, state.seconds, state.rows = clock.now(), round(time.monotonic() - started, 3), len(seen)
    state.save()
    if written >= ANALYZE_AFTER and connection.vendor == "postgresql":
        transaction.on_commit(_analyze)  # fresh planner statistics after a first build
    return written


def _analyze():
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {connection.ops.quote_name(ScreenStat._meta.db_table)}")


def ensure_built():
    """Build the sums once if they never were (a fresh install before the job's first run)."""
    if not ScreenState.objects.filter(built_at__isnull=False).exists():
        refresh()

