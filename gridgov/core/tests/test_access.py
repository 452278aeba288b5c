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


def test_a_department_grant_counts_for_its_department_only(make_user, tree, db):
    from gridgov.accounts.models import Department
    from gridgov.core.access import grants

    zjj = Department.objects.create(code="t-zjj", name="测试住建局")
    cgj = Department.objects.create(code="t-cgj", name="测试城管局")
    handler = make_user(RoleCode.DEPARTMENT_HANDLER, tree["430702004000"], department=zjj)
    perm = "cases.handle_case"
    assert grants(handler, perm).territory == [] and grants(handler, perm).departments == {zjj.pk: ["430702004"]}
    # territorially (rows without a department, menus): the street
    assert can(handler, perm, "430702004001001") and not can(handler, perm, "430702005001001")
    assert scope_prefixes(handler, perm) == ["430702004"]
    # rows of a department: that department, inside the street
    assert can(handler, perm, "430702004001001", department=zjj.pk)
    assert not can(handler, perm, "430702004001001", department=cgj.pk)
    assert not can(handler, perm, "430702004001001", department=None)
    assert not can(handler, perm, "430702005001001", department=zjj.pk)
    # a grant not bound to a department covers every department
    street = make_user(RoleCode.STREET_STAFF, tree["430702004000"])
    assert can(street, "cases.view_case", "430702004001001", department=cgj.pk)


def test_no_side_copy_of_the_scope_computation():
    """Only core.access turns role assignments into scope (accounts manages roles and lists a
    user's permissions). A `visible_to` or view that walks assignments itself is a side copy."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    bad = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if "tests" in rel.parts or "migrations" in rel.parts or rel.parts[0] == "accounts" or (
                rel.as_posix() == "core/access.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("permission_keys", "department_ids"):
                bad.append(f"{rel}:{node.lineno} {node.attr}")
    assert bad == []
