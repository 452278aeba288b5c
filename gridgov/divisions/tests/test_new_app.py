"""Issue 10's "done when": a new app is one folder plus one line in INSTALLED_APPS and one in urls.

The throwaway app in `throwaway/` declares a grid-scoped model, a menu entry, a home counter, a
role default and a redraw rule in its `contributions.py`. Installed in the test settings and
nothing else changed, it appears in the menu, the home counters and the redraw flow, and the
redraw-rule system check knows it."""

import pytest
from django.apps import apps
from django.db import connection

from gridgov.divisions.models import Division

from .test_redraw import A1, A2, draw, make_buildings

pytest.importorskip("gridgov.registry.models")
THROWAWAY = "gridgov.divisions.tests.throwaway"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def lamp_app(settings):
    """The throwaway app installed (settings only), its table created for this test."""
    from django.contrib.auth.management import create_permissions

    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, THROWAWAY]
    settings.ROOT_URLCONF = f"{THROWAWAY}.urls"
    lamp = apps.get_model("throwaway", "StreetLamp")
    with connection.schema_editor() as editor:
        editor.create_model(lamp)
    create_permissions(apps.get_app_config("throwaway"), verbosity=0)
    from gridgov.accounts.roles import ensure_roles

    ensure_roles()
    yield lamp
    with connection.schema_editor() as editor:
        editor.delete_model(lamp)


def test_a_new_app_joins_menu_counters_checks_and_redraw(lamp_app, admin_user, tree, client):
    from gridgov.core.menu import menu_for
    from gridgov.divisions.checks import check_redraw_rules
    from gridgov.divisions.redraw.publish import publish_proposal

    buildings = make_buildings(tree, admin_user)
    on_a2 = [b for b in buildings if b.grid.code == A2]
    lamp_app.objects.bulk_create([lamp_app(grid=b.grid, division_code=b.division_code, building=b, number=f"L{i}")
                                  for i, b in enumerate(on_a2)])
    # the role default it declared reached the existing role (setup_platform's ensure_roles)
    admin_user.refresh_from_db()
    labels = [item["label"] for group in menu_for(admin_user) for item in group["items"]]
    assert "路灯台账" in labels

    client.force_login(admin_user)
    home = client.get("/").content.decode()
    assert "路灯" in home and f">{len(on_a2)}<" in home.replace(" ", "")
    assert client.get("/lamps/").content.decode() == f"路灯 {len(on_a2)} 盏"

    assert not [e for e in check_redraw_rules(None) if "throwaway" in e.msg]

    proposal = draw(admin_user, tree, min_households=300, max_households=1000)
    publish_proposal(actor=admin_user, proposal=proposal)
    assert not Division.objects.get(code=A2).is_active
    # every lamp followed its building to the surviving grid; none is left on the retired one
    assert lamp_app.objects.filter(division_code=A1).count() == len(on_a2)
    assert not lamp_app.objects.filter(grid__code=A2).exists()


def test_a_grid_scoped_model_without_a_redraw_rule_fails_the_check(lamp_app, monkeypatch):
    from gridgov.core.manifest import Contributions
    from gridgov.divisions import checks

    from .throwaway import contributions

    monkeypatch.setattr(contributions, "CONTRIBUTIONS", Contributions(app="throwaway"))
    from gridgov.core.manifest import all_contributions

    all_contributions.cache_clear()
    try:
        errors = checks.check_redraw_rules(None)
    finally:
        all_contributions.cache_clear()
    assert any("throwaway.StreetLamp" in e.msg or "throwaway.streetlamp" in e.msg.lower() for e in errors)
