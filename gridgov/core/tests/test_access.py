from django.core.exceptions import PermissionDenied

from gridgov.accounts.choices import RoleCode
from gridgov.core.access import ALL, can, collapse_prefixes, require, scope_prefixes
from gridgov.divisions.models import Division


def test_collapse_prefixes_drops_covered_paths():
    assert collapse_prefixes(["430702004001", "430702004", "430702005001001"]) == ["430702004", "430702005001001"]


def test_grid_worker_sees_only_her_grid(grid_worker, tree):
    # given a grid worker bound to grid 001 of community A
    # when listing divisions through the chokepoint
    visible = set(Division.objects.visible_to(grid_worker).values_list("code", flat=True))
    # then only her grid is visible
    assert visible == {"430702004001001"}
    assert scope_prefixes(grid_worker, "divisions.view_division") == ["430702004001001"]


def test_community_staff_sees_community_subtree(make_user, tree):
    staff = make_user(RoleCode.COMMUNITY_STAFF, tree["430702004001"])
    visible = set(Division.objects.visible_to(staff).values_list("code", flat=True))
    assert visible == {"430702004001", "430702004001001", "430702004001002"}


def test_district_admin_sees_everything(admin_user, tree):
    assert Division.objects.visible_to(admin_user).count() == len(tree)


def test_anonymous_sees_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert not Division.objects.visible_to(AnonymousUser()).exists()


def test_require_refuses_outside_scope(grid_worker, tree):
    assert can(grid_worker, "divisions.view_division", "430702004001001")
    assert not can(grid_worker, "divisions.view_division", "430702004001002")
    try:
        require(grid_worker, "divisions.view_division", "430702005001001")
    except PermissionDenied:
        pass
    else:
        raise AssertionError("expected PermissionDenied")


def test_superuser_scope_is_all(db):
    from gridgov.accounts.models import User

    su = User.objects.create_superuser("root", password="x")
    assert scope_prefixes(su, "registry.view_person") == ALL
