"""Administrative re-division (行政区划调整): a community moves to another street, or two
communities merge. Codes are materialised paths, so the community and its grids get new codes
(new Division rows; the old rows stay, inactive, with valid_to) and every record's
`division_code` follows by a set-based prefix rewrite."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Value, When
from django.db.models.functions import Concat, Substr
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from gridgov.core import audit, clock
from gridgov.core.access import require
from gridgov.core.actors import action

from ..choices import Level
from ..models import Division, DivisionShape
from .choices import ChangeKind
from .counts import recount_up
from .dependents import RedrawReport, run_after_redraw
from .models import DivisionChange
from .publish import _new_shape
from .rules import declared_rules, division_fks, has_code


def follower_models():
    """[(model, [division FK field names], has division_code)] of the models whose redraw rule
    says they follow a re-division (`redivision="follow"`, the default). Tables that record
    what happened at a moment (audit, jobs, case events, statistics) keep the code of that
    moment; the division tree and its shapes are versioned by new rows; rows with
    `redivision="hook"` are moved by their app's after-redraw hook (party organisations)."""
    out = []
    for rule in declared_rules():
        if rule.redivision != "follow":
            continue
        model = apps.get_model(rule.model)
        fks, code = division_fks(model), has_code(model)
        if fks or code:
            out.append((model, fks, code))
    return out


def rewrite_codes(pairs):
    """Move every follower row from each old Division to its new one, with a handful of
    set-based UPDATEs per model: the FK remap as one CASE (`grid_id = CASE grid_id WHEN old THEN
    new … END WHERE grid_id IN (…)`), grid codes as one CASE on `division_code`, and codes above
    grid level by a prefix rewrite (new_prefix || substr(division_code, len(old_prefix) + 1),
    on SQLite and PostgreSQL). `pairs` is [(old, new)]. Returns {model label: rows}."""
    grid_pairs = [(o, n) for o, n in pairs if o.level == Level.GRID]
    upper_pairs = [(o, n) for o, n in pairs if o.level != Level.GRID]
    counts = {}
    for model, fks, with_code in follower_models():
        n_fk = n_code = 0
        for fk in fks:
            column = f"{fk}_id"
            whens = [When(**{column: o.pk}, then=Value(n.pk)) for o, n in pairs]
            n_fk += model.objects.filter(**{f"{column}__in": [o.pk for o, _ in pairs]}).update(
                **{column: Case(*whens, output_field=models.BigIntegerField())})
        if with_code:
            if grid_pairs:
                whens = [When(division_code=o.code, then=Value(n.code)) for o, n in grid_pairs]
                n_code += model.objects.filter(division_code__in=[o.code for o, _ in grid_pairs]).update(
                    division_code=Case(*whens, output_field=models.CharField()))
            for old, new in upper_pairs:
                old_p, new_p = old.path, new.path
                n_code += model.objects.filter(division_code__prefix=old_p).update(
                    division_code=Concat(Value(new_p), Substr("division_code", len(old_p) + 1),
                                         output_field=models.CharField()))
        counts[model._meta.label] = n_code if with_code else n_fk
    return counts


def _copy_division(old, *, code, parent, now, name=None):
    new = Division(code=code, name=name or old.name, level=old.level, parent=parent,
                   urban_rural_code=old.urban_rural_code, centre_lng=old.centre_lng, centre_lat=old.centre_lat,
                   household_count=old.household_count, valid_from=now, note=f"由 {old.code} 调整")
    new.save()
    return new


def _retire(divisions, now):
    Division.objects.filter(pk__in=[d.pk for d in divisions]).update(is_active=False, valid_to=now)
    DivisionShape.objects.filter(division__in=divisions, valid_to__isnull=True).update(valid_to=now)
    for d in divisions:
        d.is_active, d.valid_to = False, now


def _copy_shape(old, new, now, actor, note, geometry=None):
    s = old.current_shape()
    if s is None and geometry is None:
        return None
    geometry = geometry or s.geometry
    return _new_shape(new, geometry, s.households if s else new.household_count, now, actor, 1, note)


def _next_number(prefix, width=3, suffix=""):
    used = {c[len(prefix):len(prefix) + width] for c in
            Division.objects.filter(code__prefix=prefix).values_list("code", flat=True)}
    for n in range(1, 10 ** width):
        if f"{n:0{width}d}" not in used:
            return f"{prefix}{n:0{width}d}{suffix}"
    raise ValidationError("编号已用尽")


def _finish(actor, kind, pairs, new_divisions, now, note, recount):
    counts = rewrite_codes(pairs)
    report = RedrawReport(kind="redivision", area=pairs[-1][1], grids=new_divisions, retired=[o for o, _ in pairs],
                          pairs=pairs, counts=counts, started_by=actor)
    counts["after_redraw"] = run_after_redraw(started_by=actor, prefix=pairs[-1][1].path, report=report)
    recount_up(recount)
    code_map = {o.code: n.code for o, n in pairs}
    head_old, head_new = pairs[-1]
    change = DivisionChange.objects.create(kind=kind, at=now, actor=actor if getattr(actor, "pk", None) else None,
                                          old_code=head_old.code, new_code=head_new.code, code_map=code_map,
                                          counts=counts, note=note[:200])
    audit.record(actor, f"divisions.{kind}", head_new, before={"code": head_old.code, "parent": head_old.parent_id},
                 after={"code": head_new.code, "parent": head_new.parent_id, "code_map": code_map, "rows": counts},
                 division_code=head_new.code)
    return change


@action
def move_community(*, actor, community, new_street, note=""):
    """Move `community` under `new_street`: the community gets the next free code of that street,
    its grids keep their numbers under the new code, every record follows; old rows stay
    (inactive). Returns the DivisionChange."""
    community = Division.objects.select_for_update().get(pk=community.pk)
    new_street = Division.objects.select_for_update().get(pk=new_street.pk)
    if community.level != Level.COMMUNITY or not community.is_active:
        raise ValidationError({"community": "请选择一个现行社区"})
    if new_street.level != Level.STREET or not new_street.is_active:
        raise ValidationError({"new_street": "请选择一个现行街道"})
    if community.parent_id == new_street.pk:
        raise ValidationError({"new_street": "社区已属于该街道"})
    require(actor, "divisions.change_division", community.parent.code if community.parent else community.code)
    require(actor, "divisions.change_division", new_street.code)
    now = clock.now()
    old_street = community.parent
    new_comm = _copy_division(community, code=_next_number(new_street.code[:9]), parent=new_street, now=now)
    grids = list(Division.objects.select_for_update().filter(parent=community, is_active=True).order_by("code"))
    pairs, shapes = [], [_copy_shape(community, new_comm, now, actor, "行政区划调整")]
    for g in grids:
        ng = _copy_division(g, code=new_comm.code + g.code[12:], parent=new_comm, now=now)
        shapes.append(_copy_shape(g, ng, now, actor, "行政区划调整"))
        pairs.append((g, ng))
    pairs.append((community, new_comm))
    _retire([community] + grids, now)
    DivisionShape.objects.bulk_create([s for s in shapes if s is not None])
    return _finish(actor, ChangeKind.MOVE_COMMUNITY, pairs, [new_comm] + [n for _, n in pairs[:-1]], now,
                   note or f"{community.name} 由 {old_street} 调整至 {new_street}", [old_street, new_street])


@action
def merge_communities(*, actor, keep, absorb, note=""):
    """Merge community `absorb` into `keep`: absorb's grids become grids of `keep` (next free
    numbers), keep's polygon becomes the union, absorb is retired; every record follows."""
    keep = Division.objects.select_for_update().get(pk=keep.pk)
    absorb = Division.objects.select_for_update().get(pk=absorb.pk)
    for d in (keep, absorb):
        if d.level != Level.COMMUNITY or not d.is_active:
            raise ValidationError("只能合并两个现行社区")
    if keep.pk == absorb.pk:
        raise ValidationError("不能与自身合并")
    require(actor, "divisions.change_division", keep.parent.code if keep.parent else keep.code)
    require(actor, "divisions.change_division", absorb.parent.code if absorb.parent else absorb.code)
    now = clock.now()
    grids = list(Division.objects.select_for_update().filter(parent=absorb, is_active=True).order_by("code"))
    pairs, shapes = [], []
    for g in grids:
        ng = _copy_division(g, code=_next_number(keep.code[:12]), parent=keep, now=now)
        shapes.append(_copy_shape(g, ng, now, actor, "社区合并"))
        pairs.append((g, ng))
    ks, as_ = keep.current_shape(), absorb.current_shape()
    if ks and as_:
        union = mapping(unary_union([shape(ks.geometry), shape(as_.geometry)]))
        ks.valid_to = now
        ks.save(update_fields=["valid_to"])
        shapes.append(_new_shape(keep, union, ks.households + as_.households, now, actor, ks.version + 1, "社区合并"))
    pairs.append((absorb, keep))
    _retire([absorb] + grids, now)
    DivisionShape.objects.bulk_create([s for s in shapes if s is not None])
    return _finish(actor, ChangeKind.MERGE_COMMUNITIES, pairs, [keep] + [n for _, n in pairs[:-1]], now,
                   note or f"{absorb.name} 并入 {keep.name}", [keep, keep.parent, absorb.parent])
