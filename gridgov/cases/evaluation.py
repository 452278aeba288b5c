"""Evaluation (综合评价) computed from the case event table with one aggregate query per view:
no stored counters that could drift. Formulas are documented in docs/cases.md."""

import datetime
from dataclasses import dataclass, field

from django.db.models import F
from django.db.models.functions import Substr
from django.utils import timezone

from gridgov.core.access import ALL, prefix_q, scope_prefixes
from gridgov.divisions.codes import path_of

from . import conf, rollup
from .models import CaseCategory, CaseEvent

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


@dataclass
class Row:
    key: str
    label: str
    counts: dict
    rates: dict = field(default_factory=dict)

    @property
    def first_handled(self):
        return first_handled(self.counts)

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


def _narrowing(user, *, scope, category, dimension):
    """(narrow, prefixes): a function narrowing a CaseEvent / sums queryset to what `user` may see,
    the scope and the class, and the division prefixes in force ([] when unrestricted).
    (None, None) when the user may see nothing."""
    prefixes = scope_prefixes(user, "cases.view_evaluation")
    if prefixes != ALL and not prefixes:
        return None, None
    scope = path_of(scope) if scope else ""
    restrict = [] if prefixes == ALL else list(prefixes)
    if scope:
        restrict.append(scope)
    classes = None
    if category is not None:  # a minor class, or a major class and its minor classes
        classes = [category.pk, *CaseCategory.objects.filter(parent_id=category.pk).values_list("pk", flat=True)]

    def narrow(qs):
        if prefixes != ALL:
            qs = qs.filter(prefix_q("division_code", prefixes))
        if scope:
            qs = qs.filter(division_code__prefix=scope)
        if classes is not None:
            qs = qs.filter(category_id__in=classes)
        if dimension == "department":
            qs = qs.filter(department__isnull=False)
        return qs

    return narrow, restrict


def _split(start, end):
    """[start, a) and [b, end) from events, [a, b) from the sums (whole summed days)."""
    until = rollup.built_until()
    if until is None:
        return None
    a_day = timezone.localdate(start)
    if rollup.midnight(a_day) < start:
        a_day += datetime.timedelta(days=1)
    b_day = min(timezone.localdate(end), until)
    if b_day <= a_day:
        return None
    return rollup.midnight(a_day), rollup.midnight(b_day), a_day, b_day


def aggregate(user, *, dimension, start, end, scope="", category=None):
    """Counts per dimension value over events in [start, end) the user may see: whole summed
    days from the coarsest sums that can answer (`rollup.plan`), the rest straight from
    `CaseEvent` (exact either way)."""
    narrow, restrict = _narrowing(user, scope=scope, category=category, dimension=dimension)
    if narrow is None:
        return {}
    key = _key_expr(dimension)
    parts = []
    split = _split(start, end)
    ranges = [(start, end)] if split is None else [(start, split[0]), (split[1], end)]
    for lo, hi in ranges:
        if lo < hi:
            qs = narrow(CaseEvent.objects.filter(at__gte=lo, at__lt=hi, kind__in=rollup.COUNTED_KINDS))
            parts.append(qs.values(key=key).annotate(**rollup.count_expressions()).order_by())
    if split is not None:
        grain = rollup.pick_grain(dimension=dimension, prefixes=restrict, category=category)
        for qs in rollup.plan(split[2], split[3], grain):
            parts.append(narrow(qs).values(key=key).annotate(**rollup.sum_expressions()).order_by())
    result = {}
    for part in parts:
        for r in part.values_list("key", *rollup.COUNT_FIELDS):
            if r[0] is None:
                continue
            acc = result.setdefault(str(r[0]), [0] * len(rollup.COUNT_FIELDS))
            for i, v in enumerate(r[1:]):
                if v:
                    acc[i] += v
    return {k: dict(zip(rollup.COUNT_FIELDS, v, strict=True)) for k, v in result.items()}


def _ratio(num, den):
    return round(100.0 * num / den, 1) if den else None


def first_handled(c):
    """处置数 as evaluation counts it: handling events less those after a rework (返工后再处置)."""
    return (c["handled"] or 0) - (c.get("rehandled") or 0)


def rates(c, *, department=False):
    """The published formulas (docs/cases.md), from one row of counts."""
    mode = conf.deferral_mode()
    exclude = mode == "exclude"
    if mode != "extend":  # strict and exclude: only steps met without a deferral count as on time
        c = {**c, "handled_on_time": c["handled_on_time_strict"], "closed_on_time": c["closed_on_time_strict"]}
    should_handle = c["dispatched"] - c["returned"] - (c["handled_deferred"] if exclude else 0)
    should_close = (c["dispatched"] - c["returned"]) if department else c["registered"]
    if exclude:
        should_close -= c["closed_deferred"]
    r = {
        "close_rate": _ratio(c["closed"], should_close),
        "close_on_time_rate": _ratio(c["closed_on_time"], should_close),
        "handle_rate": _ratio(first_handled(c) - (c["handled_deferred"] if exclude else 0), should_handle),
        "handle_on_time_rate": _ratio(c["handled_on_time"], should_handle),
        "rework_rate": _ratio(c["rework"], c["handled"]),
        "dispatch_on_time_rate": _ratio(c["dispatched_on_time"], c["dispatched"]),
        "avg_handle_hours": round(c["handle_minutes"] / c["handled"] / 60, 1) if c["handled"] and c["handle_minutes"]
        else None,
        "satisfaction": _ratio(c["rating_sum"] or 0, 5 * c["rated"]) if c["rated"] else None,
    }
    # No cap at 100 %: a period counts the steps taken in it, so cases dispatched before it and
    # handled in it can lift a rate above 100 % (docs/cases.md says so); a cap would hide that.
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
    ).values_list("user_id", "user__full_name", "user__username", "division__code", "division__name")
    folded, names = {}, {}
    for user_id, full_name, username, code, grid_name in assignments:
        key, person = str(user_id), full_name or username  # as User.__str__
        names[key] = f"{person}（{grid_name}）" if key not in names else person
        c = counts[code]
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

    from gridgov.core.exports import escape_cell, escape_row

    wb = Workbook()
    ws = wb.active
    ws.title = "综合评价"
    ws.append(escape_row([f"综合评价（按{DIMENSIONS[dimension]}）", f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"]))
    header = [DIMENSIONS[dimension], "上报数", "立案数", "派遣数", "处置数", "结案数", "返工数", "评价数"]
    header += [label for _, label, _ in METRICS] + ["等级"]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    fills = {"A": "C8E6C9", "B": "BBDEFB", "C": "FFE0B2", "D": "FFCDD2"}
    for r in rows + ([total] if total else []):
        c = r.counts
        grade = r.grade
        ws.append([escape_cell(r.label), c["reported"], c["registered"], c["dispatched"], r.first_handled, c["closed"],
                   c["rework"],
                   c["rated"]] + [r.rates.get(k) for k, _, _ in METRICS] + [f"{grade[1]} {grade[2]}" if grade else ""])
        if grade:
            ws.cell(ws.max_row, len(header)).fill = PatternFill("solid", fgColor=fills[grade[1]])
    ws.column_dimensions["A"].width = 28
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
