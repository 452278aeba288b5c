"""Who hears about a case: reporters (and reporters of merged cases) on progress; the
department's handlers, the grid's worker and supervisors on SLA warnings and escalations."""

from django.urls import reverse

from gridgov.core.notify import notify


def _users_with(perm, *, division_code=None, department_id=None, exact_division=None, max_path_len=None):
    """Active users holding `perm` through an assignment that covers `division_code`."""
    from gridgov.accounts.models import RoleAssignment

    app_label, codename = perm.split(".", 1)
    qs = RoleAssignment.objects.filter(
        user__is_active=True, role__permissions__content_type__app_label=app_label,
        role__permissions__codename=codename,
    ).select_related("user", "division")
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    users = {}
    for a in qs:
        path = a.division.path if a.division_id else ""
        if exact_division is not None and (not a.division_id or a.division.code != exact_division):
            continue
        if division_code is not None and not division_code.startswith(path):
            continue
        if max_path_len is not None and len(path) > max_path_len:
            continue
        users[a.user_id] = a.user
    return list(users.values())


def handlers(case):
    if not case.current_department_id:
        return []
    return _users_with("cases.handle_case", department_id=case.current_department_id)


def grid_workers(case):
    return _users_with("cases.solve_in_grid", exact_division=case.grid.code if case.grid_id else "")


def supervisors(case, level=0):
    """Supervisors over the case's place; from escalation level 1 the street, from 2 the district."""
    limit = {0: None, 1: 9}.get(level, 6)
    return [u for u in _users_with("cases.supervise_case", division_code=case.division_code, max_path_len=limit)]


def notify_step(case, what):
    """SLA notices (warned / overdue / escalate) with a dedupe key per step start, so sweeps re-run safely."""
    started = int(case.step_started_at.timestamp()) if case.step_started_at else 0
    titles = {"warned": "临期预警", "overdue": "事件超期", "escalate": "超期升级督办"}
    title = f"{titles[what]}：{case.number} {case.title}"
    body = f"{case.get_step_display()}环节时限 {case.due_at:%Y-%m-%d %H:%M}" if case.due_at else ""
    url = reverse("cases:detail", args=[case.pk])
    recipients = {u.pk: u for u in handlers(case) + grid_workers(case)}
    if what != "warned":
        recipients.update({u.pk: u for u in supervisors(case, case.escalation_level if what == "escalate" else 0)})
    for user in recipients.values():
        notify(user, title, body, url=url, category="cases.sla",
               dedupe_key=f"case{case.pk}:{case.step}:{started}:{what}:{case.escalation_level}")


def notify_progress(case, event):
    """Tell the reporter — and the reporters of cases merged into this one — what happened."""
    recipients = {}
    if case.reporter_id:
        recipients[case.reporter_id] = case.reporter
    for child in case.children.select_related("reporter").filter(reporter__isnull=False):
        recipients[child.reporter_id] = child.reporter
    url = reverse("cases:public", args=[case.public_token])
    for user in recipients.values():
        notify(user, f"您反映的事件有新进展：{event.get_kind_display()}", f"{case.title}\n{event.note}".strip(),
               url=url, category="cases.progress", dedupe_key=f"case-event{event.pk}")


def notify_dispatch(case):
    url = reverse("cases:detail", args=[case.pk])
    for user in handlers(case):
        notify(user, f"新派遣事件：{case.number} {case.title}", case.description[:200], url=url,
               category="cases.dispatch", dedupe_key=f"case{case.pk}:dispatch:{int(case.dispatched_at.timestamp())}")
