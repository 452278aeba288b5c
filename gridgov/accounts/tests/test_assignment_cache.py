"""`User.active_assignments()` loads the roles' permission keys with the assignments in two
queries of tuples (no Permission or ContentType instances: the district admin's 504 cost 5.9 ms
on every page), and they are the roles' permissions."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.accounts.choices import RoleCode
from gridgov.accounts.models import RoleAssignment, User


def test_keys_equal_the_roles_permissions_in_two_queries(make_user, roles, tree):
    user = make_user(RoleCode.DISTRICT_ADMIN)
    RoleAssignment.objects.create(user=user, role=roles[RoleCode.GRID_WORKER], division=tree["430702004001001"])
    fresh = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as ctx:
        assignments = fresh.active_assignments()
        assert fresh.active_assignments() is assignments  # cached on the user object
    assert len(ctx.captured_queries) == 2, [q["sql"] for q in ctx.captured_queries]
    assert len(assignments) == 2
    for a in assignments:
        expected = {(p.content_type.app_label, p.codename) for p in a.role.permissions.all()}
        assert expected and a.role._permission_keys == expected
