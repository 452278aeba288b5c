"""Evaluation (综合评价) computed from the case event table with one aggregate query per view:
no stored counters that could drift. Formulas are documented in docs/cases.md."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr

from gridgov.core.access import ALL, prefix_q, scope_prefixes

from . import conf
from .choices import EventKind as K
from .models import CaseEvent

DIMENSIONS = {
    "department": "部门", "street": "街道", "community": "社区", "grid": "网格", "worker": "网格员",
    "category": "事件小类",
}
METRICS = [  # (key, label, is percentage)
    ("close_rate", "结案率", True), ("close_on_time_rate", "按期结案率", True),
    ("handle_rate", "处置率", True), ("handle_on_time_rate", "按期处置率", True),
    ("rework_rate", "返工率", True), ("dispatch_on_time_rate", "及时派遣率", True),
    ("avg_handle_hours", "平均处置用时(工作小时)", False), ("satisfaction", "满意度", True),
    ("score", "综合得分", False),
]
WEIGHTS = {"close_on_time_rate": 0.3, "handle_on_time_rate": 0.3, "dispatch_on_time_rate": 0.2,
           "rework_rate": 0.1, "satisfaction": 0.1}
GRADES = [(90, "A", "优", "grade-a"), (80, "B", "良", "grade-b"), (60, "C", "中", "grade-c"), (0, "D", "差", "grade-d")]

CLOSE_KINDS = [K.CLOSE, K.SOLVE]


@dataclass
class Row:
    key: str
    label: str
    counts: dict
    rates: dict = field(default_factory=dict)

    @property
    def grade(self):
        score = self.rates.get("score")
        if score is None:
            return None
        return next(g for g in GRADES if score >= g[0])


def _key_expr(dimension):
    if dimension == "department":
        return F("department_id")
    if dimension == "category":
        return F("category_id")
    length = {"street": 9, "community": 12}.get(dimension, 15)
    return Substr("division_code", 1, length)


def aggregate(user, *, dimension, start, end, scope="", category=None):
    """Counts per dimension value over events in [start, end) the user may see. One query."""
    qs = CaseEvent.objects.filter(at__gte=start, at__lt=end)
    prefixes = scope_prefixes(user, "cases.view_evaluation")
    if prefixes != ALL:
        if not prefixes:
            return {}
        qs = qs.filter(prefix_q("division_code", prefixes))
    if scope:
        qs = qs.filter(division_code__startswith=scope)
    if category:
        qs = qs.filter(Q(category_id=category.pk) | Q(category__parent_id=category.pk))
    if dimension == "department":
        qs = qs.filter(department__isnull=False)
    mode = conf.deferral_mode()
    on_time = Q(on_time=True) if mode == "extend" else Q(on_time=True, deferred=False)
    rows = qs.values(key=_key_expr(dimension)).annotate(
        reported=Count("id", filter=Q(kind=K.REPORT)),
        registered=Count("id", filter=Q(kind__in=[K.REGISTER, K.SOLVE])),
        dispatched=Count("id", filter=Q(kind=K.DISPATCH)),
        dispatched_on_time=Count("id", filter=Q(kind=K.DISPATCH, on_time=True)),
        returned=Count("id", filter=Q(kind=K.RETURN)),
        handled=Count("id", filter=Q(kind=K.HANDLE)),
        handled_on_time=Count("id", filter=Q(kind=K.HANDLE) & on_time),
        handled_deferred=Count("id", filter=Q(kind=K.HANDLE, deferred=True)),
        handle_minutes=Sum("elapsed_minutes", filter=Q(kind=K.HANDLE)),
        rework=Count("id", filter=Q(kind=K.VERIFY_FAIL)),
        closed=Count("id", filter=Q(kind__in=CLOSE_KINDS)),
        closed_on_time=Count("id", filter=Q(kind__in=CLOSE_KINDS) & on_time),
        closed_deferred=Count("id", filter=Q(kind__in=CLOSE_KINDS, deferred=True)),
        rated=Count("id", filter=Q(kind=K.RATE)),
        rating_sum=Sum("rating", filter=Q(kind=K.RATE)),
    ).order_by()
    return {str(r.pop("key")): r for r in rows if r["key"] is not None}


def _ratio(num, den):
    return round(100.0 * num / den, 1) if den else None


def rates(c, *, department=False):
    """The published formulas (docs/cases.md), from one row of counts."""
    exclude = conf.deferral_mode() == "exclude"
    should_handle = c["dispatched"] - c["returned"] - (c["handled_deferred"] if exclude else 0)
    should_close = (c["dispatched"] - c["returned"]) if department else c["registered"]
    if exclude:
        should_close -= c["closed_deferred"]
    r = {
        "close_rate": _ratio(c["closed"], should_close),
        "close_on_time_rate": _ratio(c["closed_on_time"], should_close),
        "handle_rate": _ratio(c["handled"] - (c["handled_deferred"] if exclude else 0), should_handle),
        "handle_on_time_rate": _ratio(c["handled_on_time"], should_handle),
        "rework_rate": _ratio(c["rework"], c["handled"]),
        "dispatch_on_time_rate": _ratio(c["dispatched_on_time"], c["dispatched"]),
        "avg_handle_hours": round(c["handle_minutes"] / c["handled"] / 60, 1) if c["handled"] and c["handle_minutes"]
        else None,
        "satisfaction": _ratio(c["rating_sum"] or 0, 5 * c["rated"]) if c["rated"] else None,
    }
    for k in ("close_rate", "close_on_time_rate", "handle_rate", "handle_on_time_rate"):
        if r[k] is not None:
            r[k] = min(r[k], 100.0)
    parts, weight = 0.0, 0.0
    for k, w in WEIGHTS.items():
        v = r.get(k)
        if v is None:
            continue
        parts += w * (100 - v if k == "rework_rate" else v)
        weight += w
    r["score"] = round(parts / weight, 1) if weight else None
    return r


def labels(dimension, keys):
    from gridgov.accounts.models import Department
    from gridgov.divisions.models import Division

    from .models import CaseCategory

    if dimension == "department":
        return {str(d.pk): d.name for d in Department.objects.filter(pk__in=[k for k in keys if k.isdigit()])}
    if dimension == "category":
        return {str(c.pk): str(c) for c in CaseCategory.objects.select_related("parent").filter(
            pk__in=[k for k in keys if k.isdigit()])}
    codes = [k + "000" if len(k) == 9 else k for k in keys]
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    return {k: names.get(k + "000" if len(k) == 9 else k, k) for k in keys}


def _fold_workers(counts):
    """Grid rows → grid-worker rows (a worker's figures are those of the grids assigned to them)."""
    from gridgov.accounts.models import RoleAssignment

    assignments = RoleAssignment.objects.filter(
        division__code__in=list(counts), role__permissions__codename="solve_in_grid",
        role__permissions__content_type__app_label="cases",
    ).select_related("user", "division")
    folded, names = {}, {}
    for a in assignments:
        key = str(a.user_id)
        names[key] = f"{a.user}（{a.division.name}）" if key not in names else f"{a.user}"
        c = counts[a.division.code]
        acc = folded.setdefault(key, dict.fromkeys(c, 0))
        for k, v in c.items():
            acc[k] += v or 0
    return folded, names


def evaluate(user, *, dimension="street", start=None, end=None, scope="", category=None):
    """Rows (sorted by score, best first) plus a district total for the period."""
    if dimension not in DIMENSIONS:
        dimension = "street"
    end = end or datetime.datetime.now(datetime.UTC)
    start = start or end - datetime.timedelta(days=30)
    counts = aggregate(user, dimension="grid" if dimension == "worker" else dimension, start=start, end=end,
                       scope=scope, category=category)
    if dimension == "worker":
        counts, names = _fold_workers(counts)
    else:
        names = labels(dimension, list(counts))
    rows = [Row(k, names.get(k, k), c, rates(c, department=dimension == "department")) for k, c in counts.items()]
    rows.sort(key=lambda r: (r.rates["score"] is None, -(r.rates["score"] or 0), r.label))
    total = {}
    for r in rows:
        for k, v in r.counts.items():
            total[k] = total.get(k, 0) + (v or 0)
    total_row = Row("", "合计", total, rates(total, department=dimension == "department")) if total else None
    return rows, total_row


def to_xlsx(rows, total, *, dimension, start, end):
    """An XLSX workbook (bytes) of the evaluation table."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "综合评价"
    ws.append([f"综合评价（按{DIMENSIONS[dimension]}）", f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"])
    header = [DIMENSIONS[dimension], "上报数", "立案数", "派遣数", "处置数", "结案数", "返工数", "评价数"]
    header += [label for _, label, _ in METRICS] + ["等级"]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    fills = {"A": "C8E6C9", "B": "BBDEFB", "C": "FFE0B2", "D": "FFCDD2"}
    for r in rows + ([total] if total else []):
        c = r.counts
        grade = r.grade
        ws.append([r.label, c["reported"], c["registered"], c["dispatched"], c["handled"], c["closed"], c["rework"],
                   c["rated"]] + [r.rates.get(k) for k, _, _ in METRICS] + [f"{grade[1]} {grade[2]}" if grade else ""])
        if grade:
            ws.cell(ws.max_row, len(header)).fill = PatternFill("solid", fgColor=fills[grade[1]])
    ws.column_dimensions["A"].width = 28
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
