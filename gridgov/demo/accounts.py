"""Demo accounts: one login for every built-in role, sharing one memorable password.

The password passes the project's validators (≥ 10 characters, letters and digits). The demo
is for evaluation only: change or disable these accounts before real use.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from gridgov.accounts.choices import DepartmentKind, RoleCode
from gridgov.core.manifest import collect
from gridgov.divisions.choices import Level

DEMO_PASSWORD = "Demo2026!grid"
# Department codes shared with gridgov/cases/migrations/0002_defaults.py (get_or_create there too).
DEPARTMENTS = {"cgj": "区城市管理局", "zjj": "区住房和城乡建设局"}


def demo_accounts(*, made_by_step=False):
    """The demo logins the installed apps declare (`DemoAccount` in their contributions.py), in
    display order. `made_by_step=True`: the ones an app's demo step creates itself."""
    found = [acc for _app, acc in collect("demo_accounts") if acc.made_by_step == made_by_step]
    return sorted(found, key=lambda a: a.order)


def _scope_division(scope):
    """The division an account of `scope` is bound to: the district, the first street (丹阳街道
    when present), its first community, that community's first grid."""
    from gridgov.divisions.models import Division

    level = {"district": Level.DISTRICT, "street": Level.STREET, "community": Level.COMMUNITY,
             "grid": Level.GRID}.get(scope)
    if level is None:
        return None
    qs = Division.objects.filter(level=level, is_active=True).order_by("code")
    preferred = qs.filter(code__startswith="430702004").first()
    return preferred or qs.first()


@transaction.atomic
def ensure_demo_accounts(progress=None):
    """Create (or reset) the demo logins; idempotent. Returns [(account, division, department)]."""
    from gridgov.accounts.models import Department, RoleAssignment, User
    from gridgov.accounts.roles import ensure_roles

    validate_password(DEMO_PASSWORD)
    roles = ensure_roles()
    hashed = make_password(DEMO_PASSWORD)  # hashing is deliberately slow: once for all accounts
    out = []
    for acc in demo_accounts():
        division = _scope_division(acc.scope)
        department = None
        if acc.department:
            department, _ = Department.objects.get_or_create(
                code=acc.department, defaults={"name": DEPARTMENTS.get(acc.department, acc.department),
                                               "kind": DepartmentKind.FUNCTIONAL}
            )
        user, _ = User.objects.get_or_create(username=acc.username, defaults={"full_name": acc.full_name})
        user.full_name = acc.full_name
        user.is_active = True
        user.failed_logins = 0
        user.locked_until = None
        user.is_staff = acc.role == RoleCode.DISTRICT_ADMIN
        user.password = hashed
        RoleAssignment.objects.filter(user=user).exclude(role=roles[acc.role]).delete()
        user.kind = roles[acc.role].account_kind  # the resident demo login is a resident account
        user.save()
        RoleAssignment.objects.filter(user=user).exclude(role=roles[acc.role]).delete()
        RoleAssignment.objects.get_or_create(user=user, role=roles[acc.role], division=division, department=department)
        out.append((acc, division, department))
    extra = ensure_grid_workers(roles[RoleCode.GRID_WORKER], hashed)
    if progress:
        # no total here: the apps' demo steps add logins of their own afterwards; `gridgov
        # demo_accounts` counts the table it prints (accounts_count)
        progress(f"演示账号已就绪（统一密码 {DEMO_PASSWORD}；新建网格员账号 {extra} 个）")
    return out


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文辉鹏飞慧婷雪琴晶波斌宇浩凯"


def grid_worker_name(n):
    """A deterministic Chinese name for the n-th grid worker."""
    s = SURNAMES[(n * 7) % len(SURNAMES)]
    a = GIVEN[(n * 13) % len(GIVEN)]
    b = GIVEN[(n * 29 + 5) % len(GIVEN)]
    return s + a + (b if n % 3 else "")


def ensure_grid_workers(role, hashed):
    """One grid worker per grid (网格员 gw001, gw002 … in grid-code order), bulk-created;
    gw001 is the demo account above. Existing usernames are left alone. Returns how many were added."""
    from gridgov.accounts.models import RoleAssignment, User
    from gridgov.divisions.models import Division

    grids = list(Division.objects.current_grids().order_by("code"))
    preferred = [g for g in grids if g.code.startswith("430702004")]
    grids = preferred[:1] + [g for g in grids if g not in preferred[:1]]  # gw001 = the first 丹阳 grid
    wanted = {f"gw{i:03d}": grid for i, grid in enumerate(grids, 1) if i > 1}
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    users = [
        User(username=u, full_name=grid_worker_name(int(u[2:])), password=hashed)
        for u in wanted if u not in existing
    ]
    User.objects.bulk_create(users, batch_size=1000)
    ids = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user_id=ids[u.username], role=role, division=wanted[u.username]) for u in users],
        batch_size=1000,
    )
    return len(users)


def accounts_table():
    """Rows (用户名, 密码, 角色, 管辖范围) of the demo logins that exist, for `gridgov demo_accounts`."""
    from gridgov.accounts.models import User

    accounts = demo_accounts()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[a.username for a in accounts]).prefetch_related(
            "assignments__role", "assignments__division", "assignments__department"
        )
    }
    rows = []
    for acc in accounts:
        user = users.get(acc.username)
        if user is None:
            continue
        for a in user.assignments.all():
            scope = a.division.name if a.division else "全区"
            if a.department:
                scope = f"{a.department.name}"
            rows.append((acc.username, DEMO_PASSWORD, a.role.name, scope))
    labels = {a.username: a.label for a in demo_accounts(made_by_step=True)}  # made by the apps' demo steps
    for u in User.objects.filter(username__in=labels).prefetch_related("assignments__role", "assignments__division"):
        scopes = [a.division.name for a in u.assignments.all() if a.division]
        rows.append((u.username, DEMO_PASSWORD, labels[u.username], "、".join(scopes) or f"{u.full_name}本人"))
    more = User.objects.filter(username__regex=r"^gw[0-9]{3,}$").exclude(username="gw001").count()
    if more:
        rows.append((f"gw002…gw{more + 1:03d}", DEMO_PASSWORD, "网格员", f"其余 {more} 个网格（按网格代码顺序）"))
    return rows


def accounts_count(rows):
    """(logins listed one per username, grid workers folded into the last row) of
    `accounts_table()` rows: the figures printed above that table."""
    named = {r[0] for r in rows if "…" not in r[0]}
    folded = sum(int(r[3].split()[1]) for r in rows if "…" in r[0])
    return len(named), folded
