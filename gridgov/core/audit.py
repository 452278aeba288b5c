"""Audit entries (rules 1 and 5 in docs/architecture.md: every action writes one; every reveal writes one)."""

import datetime
import decimal
import uuid

from django.db import models

from . import clock
from .choices import AuditKind
from .context import job_id_var, request_id_var

# Fields never copied into snapshots (secrets and raw personal data stay out of the log). The
# birth date and the ID suffix are kept out too: beside a masked ID they would rebuild it, and
# whoever reads the log may lack the reveal permission (docs/security.md). A changed birth date
# still shows as changed, with a placeholder.
SECRET_FIELDS = {"password", "id_number_enc", "phone_enc", "key_hash", "id_last6", "id_hash", "phone_hash"}
HIDDEN_FIELDS = {"birth_date"}
HIDDEN = "（已隐藏）"


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def snapshot(obj, fields=None):
    """A JSON-able dict of an object's concrete fields (FKs as ids), for before/after."""
    if obj is None:
        return None
    data = {}
    for field in obj._meta.concrete_fields:
        if fields and field.name not in fields:
            continue
        if field.name in SECRET_FIELDS:
            continue
        name = field.attname
        if field.name in HIDDEN_FIELDS:
            data[field.name] = HIDDEN if getattr(obj, name) else None
            continue
        data[field.name] = _plain(getattr(obj, name))
    return data


def diff(before, after):
    """Only the keys that changed, for compact audit rows on edits."""
    if not before or not after:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def object_type(obj_or_model):
    opts = obj_or_model._meta
    return f"{opts.app_label}.{opts.model_name}"


SYSTEM = "系统"
ANONYMOUS = "居民（匿名）"


def actor_label(actor, actor_name=None):
    """Who the log names: the signed-in user; `actor_name` when the caller knows better (an
    Open311 key); "居民（匿名）" for a visitor of the public pages; "系统" for jobs and sweeps."""
    if actor_name:
        return actor_name[:150]
    if getattr(actor, "pk", None):
        return actor.get_full_name() or actor.username
    if getattr(actor, "is_anonymous", False):
        return ANONYMOUS
    return SYSTEM


def action_labels():
    """{action code: Chinese label} declared by the installed apps (manifest `audit_labels`)."""
    from .manifest import all_contributions, resolve

    labels = {}
    for manifest in all_contributions():
        if manifest.audit_labels:
            labels.update(resolve(manifest.audit_labels))
    return labels


def action_label(code, labels=None):
    """The Chinese label of an audit action code ("cases.report_case" → "上报事件"); imports are
    worded from the import kind; an unknown code is shown as it is. Pass `labels`
    (`action_labels()`) when labelling many entries."""
    label = (labels if labels is not None else action_labels()).get(code)
    if label:
        return label
    if code.startswith("import."):
        from .importing import import_kinds

        declared = import_kinds().get(code.split(".", 1)[1])
        return f"数据导入（{declared.label if declared else code.split('.', 1)[1]}）"
    return code


def record(actor, action, obj, before=None, after=None, *, kind=AuditKind.WRITE, reason="", division_code=None,
           actor_name=None):
    """Write one audit entry. Call inside the action's transaction. `actor` is required (docs/architecture.md §4, “Writes go through actions”:
    system work passes the system actor, never None); `actor_name` names an actor that is not a
    user (an Open311 key)."""
    from .actors import require_actor
    from .models import AuditEntry

    require_actor(actor)

    if isinstance(obj, models.Model):
        otype, oid, orepr = object_type(obj), str(obj.pk), str(obj)[:200]
        code = division_code if division_code is not None else getattr(obj, "division_code", "") or ""
    else:  # (type, id, repr) tuple for non-model subjects, e.g. a bulk import
        otype, oid, orepr = obj
        code = division_code or ""
    return AuditEntry.objects.create(
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_label(actor, actor_name),
        kind=kind,
        action=action,
        object_type=otype,
        object_id=oid,
        object_repr=orepr,
        division_code=code[:15],
        before=before,
        after=after,
        reason=reason[:300],
        request_id=request_id_var.get(),
        job_id=job_id_var.get(),
    )


def record_reveal(actor, obj, field, reason):
    """Log that `actor` saw the plain value of `field` on `obj`, and why."""
    return record(actor, "reveal", obj, after={"field": field}, kind=AuditKind.REVEAL, reason=reason)
