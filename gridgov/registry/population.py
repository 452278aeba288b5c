"""Maintained sums of persons per grid (`PopulationSum`): the home counter 实有人口 and the care
page's group counts read them instead of counting the population (ADR 0025).

* A grid is always *recomputed* from its persons, never added to: idempotent, and a grid that
  was wrong is put right by its next refresh.
* Every life event goes through `actions.people._event` (register, edit, move in, move out,
  death, birth, change of house), which refreshes the person's grid and the grid they left, in
  the action's transaction. Bulk writers refresh or rebuild: the person import, the demo, and a
  grid redraw (the app's after-redraw hook rebuilds the redrawn area).
* `rebuild(prefix)` recreates every grid under `prefix`; `tests/test_population.py` proves the
  sums equal a recount after each write path.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Q, Sum

from gridgov.core.actors import action

from .choices import PersonStatus

PERSONS, ACTIVE = "persons", "active"


def care_key(tag_id):
    return f"care:{tag_id}"


def _models(apps=None):
    if apps is not None:
        return apps.get_model("registry", "Person"), apps.get_model("registry", "PopulationSum")
    from .models import Person, PopulationSum

    return Person, PopulationSum


def _counts(Person, persons):
    """{(division_code, key): value} counted from a queryset of persons."""
    out = defaultdict(int)
    for code, n, active in persons.values_list("division_code").annotate(
            n=Count("id"), a=Count("id", filter=Q(status=PersonStatus.ACTIVE))).order_by():
        out[(code, PERSONS)] += n
        out[(code, ACTIVE)] += active
    # from the persons to their tags (a LEFT JOIN keeps that order: the grids' persons first)
    tagged = persons.filter(status=PersonStatus.ACTIVE).values_list("division_code", "care_tags").annotate(
        n=Count("id")).order_by()
    for code, tag, n in tagged:
        if tag:
            out[(code, care_key(tag))] += n
    return out


def _write(PopulationSum, counts, old):
    old.delete()
    PopulationSum.objects.bulk_create([PopulationSum(division_code=code, key=key, value=value)
                                       for (code, key), value in counts.items() if value], batch_size=2000)
    return len(counts)


def refresh(codes, *, apps=None):
    """Recompute the sums of the given grid codes from their persons."""
    codes = sorted({c for c in codes if c})
    if not codes:
        return 0
    Person, PopulationSum = _models(apps)
    with transaction.atomic():
        counts = _counts(Person, Person.objects.filter(division_code__in=codes))
        return _write(PopulationSum, counts, PopulationSum.objects.filter(division_code__in=codes))


def rebuild(prefix="", *, apps=None):
    """Recreate the sums of every grid under `prefix` ("" = everywhere)."""
    Person, PopulationSum = _models(apps)
    with transaction.atomic():
        persons, old = Person.objects.all(), PopulationSum.objects.all()
        if prefix:
            persons, old = persons.filter(division_code__prefix=prefix), old.filter(division_code__prefix=prefix)
        return _write(PopulationSum, _counts(Person, persons), old)


def summed(user, scope, keys, perm="registry.view_person"):
    """{key: total} of `keys` over the grids `user` may see (`perm`) inside `scope`."""
    from gridgov.core.access import ALL, prefix_q, scope_prefixes
    from gridgov.core.codes import path_of

    from .models import PopulationSum

    prefixes = scope_prefixes(user, perm)
    out = dict.fromkeys(keys, 0)
    if not prefixes:
        return out
    qs = PopulationSum.objects.filter(key__in=list(keys))
    if prefixes != ALL:
        qs = qs.filter(prefix_q("division_code", prefixes))
    if scope:
        qs = qs.filter(division_code__prefix=path_of(scope))
    for key, total in qs.values_list("key").annotate(t=Sum("value")).order_by():
        out[key] = total or 0
    return out


@action
def follow_redraw(*, actor, prefix, report):
    """After-redraw hook: persons moved between grids, so the redrawn area's sums are rebuilt
    (and the grids that were retired or renumbered lose theirs)."""
    old = [d.code for d in getattr(report, "retired", ())] + [o.code for o, _ in getattr(report, "pairs", ())]
    return {"population_sums": rebuild(prefix) + refresh(old)}
