"""The app manifests (contributions.py) and the parts of the platform that read them: the
menu, the home counters, the roles, the import kinds, the API routes and the demo steps."""

import pytest
from django.apps import apps
from django.urls import reverse

from gridgov.accounts.choices import RoleCode
from gridgov.core.manifest import Contributions, RoleDefault, all_contributions
from gridgov.core.menu import indicator_values, menu_for, visible_entries


def test_every_project_app_declares_a_manifest_under_its_label():
    labels = [c.label for c in apps.get_app_configs() if c.name.startswith("gridgov.")]
    assert [m.app for m in all_contributions()] == labels


def test_menu_urls_and_indicator_queries_resolve():
    from django.utils.module_loading import import_string

    for manifest in all_contributions():
        for entry in manifest.menu:
            reverse(entry.url_name)
        for indicator in manifest.indicators:
            assert callable(import_string(indicator.query)), indicator.key


def test_menu_follows_permissions(admin_user, grid_worker):
    admin = menu_for(admin_user)
    titles = [g["title"] for g in admin]  # later apps add their groups in between
    core = ["工作台", "网格与区划", "基础信息", "事件管理", "红色网格", "系统管理"]
    assert [t for t in titles if t in core] == core and titles[0] == "工作台" and titles[-1] == "系统管理"
    assert admin[0]["items"][0] == {"label": "首页", "url": "/", "name": "home", "icon": ""}
    worker = {g["title"]: [i["label"] for i in g["items"]] for g in menu_for(grid_worker)}
    assert "系统管理" not in worker  # no users, roles, audit, API docs for her (issue 12)
    assert "网格员移动端" in worker["基础信息"] and "数据导入" not in worker["基础信息"]
    assert "网格划分" not in worker["网格与区划"]
    assert [e.entry.url_name for e in visible_entries(grid_worker)][:2] == ["home", "core:notifications"]


def test_home_counters_come_from_the_indicators(client, admin_user, grid_worker):
    values = {v["key"]: v for v in indicator_values(admin_user, home=True)}
    ours = ["divisions.grids", "registry.persons", "registry.buildings", "cases.open", "party.members"]
    assert [k for k in values if k in ours] == ours
    assert values["divisions.grids"]["num"] == 4 and values["divisions.grids"]["url"] == reverse("divisions:list")
    assert {v["key"]: v["num"] for v in indicator_values(grid_worker, "430702004001001")}["divisions.grids"] == 1
    client.force_login(admin_user)
    html = client.get("/").content.decode()
    assert "可见网格" in html and "办理中的事件" in html


def test_role_defaults_are_offered_once(roles, monkeypatch):
    from django.contrib.auth.models import Permission

    from gridgov.accounts import roles as role_module

    # given a leader role whose administrator removed one default permission
    leader = roles[RoleCode.LEADER]
    perm = Permission.objects.get(content_type__app_label="registry", codename="view_person")
    leader.permissions.remove(perm)
    # when the platform is set up again
    role_module.ensure_roles()
    # then the removal stands
    assert not leader.permissions.filter(pk=perm.pk).exists()
    # and when an app installed later offers leaders a permission and a role of its own
    extra = Contributions(app="later", roles=(
        RoleDefault(RoleCode.LEADER, ("core.view_job",)),
        RoleDefault("counter_staff", ("registry.view_person",), name="窗口人员", description="办事大厅窗口"),
    ))
    monkeypatch.setattr(role_module, "collect", lambda attr: [
        *[(m.app, item) for m in all_contributions() for item in getattr(m, attr)],
        *[(extra.app, item) for item in extra.roles]])
    made = role_module.ensure_roles()
    # then the existing role gains it, and the new role exists with its defaults
    assert leader.permissions.filter(codename="view_job").exists()
    assert made["counter_staff"].name == "窗口人员"
    assert list(made["counter_staff"].permissions.values_list("codename", flat=True)) == ["view_person"]
    # and reset restores the defaults exactly
    role_module.ensure_roles(reset=True)
    assert leader.permissions.filter(pk=perm.pk).exists()


@pytest.mark.django_db
def test_import_kinds_and_api_routes_come_from_the_manifests():
    from gridgov.core.importing import import_kinds, load_spec

    ours = ["divisions", "persons", "households", "buildings", "houses", "entities", "components", "party-members"]
    assert [k for k in import_kinds() if k in ours] == ours
    assert load_spec("persons").permission == "registry.add_person"
    for name in ("division-list", "registry-person-list", "case-list", "party-member-list", "user-list"):
        reverse(name)
