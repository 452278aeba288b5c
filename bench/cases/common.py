"""Shared set-up of the cases benchmarks: a PostgreSQL database of its own, migrated, with a
synthetic district (12 streets × 8 communities × 6 grids = 576 grids) and 200,000 demo cases."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import _common  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gridgov_bench_cases"


def setup_django(url=None):
    return _common.setup_django(url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))


def ensure_district(progress=print):
    """Division tree with square grid polygons, if the database has no grids yet."""
    from gridgov.divisions.models import Division, DivisionShape

    if Division.objects.filter(level=4).exists():
        return
    district = Division.objects.create(code="430702000000", name="武陵区", level=1)
    shapes = []
    for s in range(12):
        street = Division.objects.create(code=f"430702{s + 1:03d}000", name=f"第{s + 1}街道", level=2, parent=district)
        for c in range(8):
            community = Division.objects.create(code=f"{street.code[:9]}{c + 1:03d}", name=f"{street.name}{c + 1}社区",
                                                level=3, parent=street)
            for g in range(6):
                grid = Division.objects.create(code=f"{community.code}{g + 1:03d}", name=f"{community.name}{g + 1}网格",
                                               level=4, parent=community, urban_rural_code="111" if s < 9 else "210")
                x, y = 111.60 + 0.01 * (s * 6 + g) / 6, 29.00 + 0.004 * c
                geom = {"type": "Polygon", "coordinates": [[[x, y], [x + 0.0016, y], [x + 0.0016, y + 0.004],
                                                            [x, y + 0.004], [x, y]]]}
                shapes.append(DivisionShape(division=grid, version=1, geometry=geom, min_lng=x, min_lat=y,
                                            max_lng=x + 0.0016, max_lat=y + 0.004, area_m2=60000,
                                            valid_from="2026-01-01T00:00:00+08:00"))
    DivisionShape.objects.bulk_create(shapes)
    from django.db import connection

    with connection.cursor() as cur:  # planner statistics for the new rows (autovacuum comes later)
        cur.execute("ANALYZE")
    progress(f"区划：{len(shapes)} 个网格")


def ensure_cases(total=200_000, progress=print):
    from gridgov.cases import demo
    from gridgov.cases.models import Case

    have = Case.objects.count()
    if have >= total * 0.95:
        return have
    started = time.perf_counter()
    demo.SIZES["district"] = total
    demo.generate(scale="district", seed=1, progress=progress)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    progress(f"生成用时 {time.perf_counter() - started:.0f} 秒")
    return Case.objects.count()


def admin_user():
    return bench_user("bench-admin", "压测管理员", "district_admin", "430702000000")


def bench_user(username, full_name, role_code, division_code):
    """A user holding one role over one division (created once, reused)."""
    from gridgov.accounts.models import RoleAssignment, User
    from gridgov.accounts.roles import ensure_roles
    from gridgov.divisions.models import Division

    roles = ensure_roles()
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created:
        RoleAssignment.objects.create(user=user, role=roles[role_code], division=Division.objects.get(code=division_code))
    return User.objects.get(pk=user.pk)


def ensure_grid_workers(progress=print):
    """One grid worker per grid (the evaluation's grid-worker view folds their grids)."""
    from gridgov.accounts.choices import RoleCode
    from gridgov.accounts.models import RoleAssignment, User
    from gridgov.accounts.roles import ensure_roles
    from gridgov.divisions.models import Division

    if User.objects.filter(username__startswith="bench-gw-").exists():
        return
    role = ensure_roles()[RoleCode.GRID_WORKER]
    grids = list(Division.objects.filter(level=4).order_by("code"))
    users = User.objects.bulk_create([User(username=f"bench-gw-{g.code}", full_name=f"网格员{g.code[-6:]}",
                                           password="!") for g in grids])
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=role, division=g)
                                        for u, g in zip(users, grids, strict=True)])
    progress(f"网格员：{len(users)} 个")


class CpuMeter:
    """CPU seconds of this process and of the PostgreSQL backend serving its connection (the
    benchmark and the database share the machine's 2 cores with other work)."""

    def __init__(self):
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            self.pid = cur.fetchone()[0]
        self.tick = os.sysconf("SC_CLK_TCK")

    def backend(self):
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / self.tick
        except OSError:  # database on another machine
            return 0.0

    def __enter__(self):
        self.p0, self.b0, self.w0 = time.process_time(), self.backend(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.w0
        self.python = time.process_time() - self.p0
        self.db = self.backend() - self.b0


load_average = _common.load_average
percentile = _common.percentile
