"""The 网格划分 pages: form → job → review → publish, grid health, re-division; and a browser run."""

import pytest
from django.urls import reverse
from django.utils import timezone

from gridgov.divisions.models import Division, GridProposal
from gridgov.divisions.redraw.choices import ProposalStatus

pytest.importorskip("gridgov.partition")
pytest.importorskip("gridgov.registry.models")

from .test_redraw import A1, A, make_buildings  # noqa: E402


def test_draw_review_publish_through_the_pages(client, admin_user, tree, django_capture_on_commit_callbacks):
    make_buildings(tree, admin_user)
    client.force_login(admin_user)
    page = client.get(reverse("divisions:partition"))
    assert page.status_code == 200 and "网格健康" in page.content.decode()
    assert A1 in page.content.decode()  # 648 households: listed as unhealthy

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("divisions:partition"), {
            "area": A, "min_households": 350, "max_households": 500, "target": "balanced", "mode": "redraw"})
    proposal = GridProposal.objects.get()
    assert response.status_code == 302 and response.url == reverse("divisions:partition_proposal", args=[proposal.pk])
    assert proposal.status == ProposalStatus.DRAFT, proposal.error  # the job ran on commit (immediate Huey)
    detail = client.get(response.url).content.decode()
    assert "proposal-map" in detail and "迁移情况" in detail and A1 in detail

    client.post(reverse("divisions:partition_publish", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PUBLISHED
    assert 350 <= Division.objects.get(code=A1).household_count <= 500


def test_form_errors_are_inline_and_keep_input(client, admin_user, tree):
    client.force_login(admin_user)
    response = client.post(reverse("divisions:partition"), {
        "area": A, "min_households": 500, "max_households": 100, "target": "balanced", "mode": "redraw"})
    body = response.content.decode()
    assert response.status_code == 200 and "最多户数不能小于最少户数" in body and 'value="500"' in body
    assert not GridProposal.objects.exists()


def test_health_button_prefills_adjust(client, admin_user, tree):
    client.force_login(admin_user)
    body = client.get(reverse("divisions:partition") + f"?area={A}&mode=adjust").content.decode()
    assert 'value="adjust" checked' in body.replace("\n", " ") or 'value="adjust"\n' in body or "checked" in body


def test_pages_hidden_without_permission(client, make_user, tree):
    from gridgov.accounts.choices import RoleCode

    client.force_login(make_user(RoleCode.GRID_WORKER, tree[A1]))
    assert client.get(reverse("divisions:partition")).status_code == 404


def test_proposal_of_another_street_is_404(client, make_user, admin_user, tree):
    from gridgov.accounts.choices import RoleCode

    proposal = GridProposal.objects.create(area=tree["430702005001"], division_code="430702005001",
                                           created_at="2026-01-01T00:00:00+08:00", status=ProposalStatus.DRAFT)
    staff = make_user(RoleCode.DISTRICT_ADMIN, tree["430702004000"])
    client.force_login(staff)
    assert client.get(reverse("divisions:partition_proposal", args=[proposal.pk])).status_code == 404


def test_redivision_page_moves_a_community(client, admin_user, tree):
    client.force_login(admin_user)
    response = client.post(reverse("divisions:partition_redivision"), {
        "op": "move", "community": "430702004002", "new_street": "430702005000"})
    assert response.status_code == 302
    assert not Division.objects.get(code="430702004002").is_active
    assert Division.objects.filter(code__startswith="430702005", name="B社区", is_active=True).exists()


@pytest.mark.browser
def test_browser_draw_and_publish(browser_page, admin_user, tree):
    from gridgov.conftest import login

    make_buildings(tree, admin_user)
    page = browser_page
    login(page, "admin-test")
    page.goto(page.base_url + reverse("divisions:partition"))
    page.select_option("#id_area", A)
    page.click("[data-testid=partition-form] button[type=submit]")
    page.wait_for_selector("[data-testid=proposal-map] .leaflet-interactive", timeout=30000)
    assert page.locator("[data-testid=grid-table] tbody tr").count() == 2
    page.once("dialog", lambda d: d.accept())
    page.click("[data-testid=publish]")
    page.wait_for_selector("text=方案已发布")
    assert page.locator("[data-testid=proposal-status]").inner_text() == "已发布"


def test_status_fragment_polls_while_running_and_refreshes_when_done(client, admin_user, tree):
    proposal = GridProposal.objects.create(area=tree[A], division_code=A, created_at="2026-01-01T00:00:00+08:00",
                                           status=ProposalStatus.RUNNING)
    client.force_login(admin_user)
    url = reverse("divisions:partition_status", args=[proposal.pk])
    running = client.get(url)
    assert 'hx-trigger="every 1s"' in running.content.decode() and "HX-Refresh" not in running
    assert "计算中" in client.get(reverse("divisions:partition_proposal", args=[proposal.pk])).content.decode()
    GridProposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.FAILED, error="所选范围内没有任何社区边界")
    done = client.get(url)
    assert done["HX-Refresh"] == "true"
    assert "没有任何社区边界" in client.get(reverse("divisions:partition_proposal", args=[proposal.pk])).content.decode()


def _square(x):
    return {"type": "Polygon", "coordinates": [[[x, 29.04], [x + 0.002, 29.04], [x + 0.002, 29.042], [x, 29.042],
                                                 [x, 29.04]]]}


def _fc(rows, key="households"):
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": _square(111.7 + 0.002 * i), "properties": {"code": c, key: n, **extra}}
        for i, (c, n, extra) in enumerate(rows)]}


def test_plan_worse_than_live_grids_says_so_in_chinese(client, admin_user, tree):
    """#12: the plan page showed "balanced", 15 of 18 in range beside live 17 of 18 without a
    word, and "已证明无法避免" where the live grids hold 446 and 480 households."""
    cert = {"code": A1, "area_code": A, "proven": True, "reason": "count", "message_zh": "户数无法分成达标的网格"}
    proposal = GridProposal.objects.create(
        area=tree[A], division_code=A, status=ProposalStatus.DRAFT, created_by=admin_user, created_at=timezone.now(),
        params={"min_households": 350, "max_households": 500, "target": "balanced"},
        grids=_fc([(A1, 926, {"certificate": dict(cert)})]),
        previous=_fc([(A1, 446, {}), ("430702004001002", 480, {})]),
        report={"grid_count": 1, "certificates": [dict(cert)], "platform": {}}, moves=[])
    client.force_login(admin_user)
    page = client.get(reverse("divisions:partition_proposal", args=[proposal.pk])).content.decode()
    assert "balanced" not in page and "均衡" in page
    top = page.index('data-testid="worse-than-live"')
    assert top < page.index('data-testid="grid-count"')
    assert "方案 0 / 1，现行 2 / 2" in page
    assert "已证明无法避免" not in page and "446 户" in page


def test_plan_counts_households_like_grid_health(admin_user, tree):
    """A proposed grid's households are the register's households (网格健康's count): households
    no located building carries still count, in the grid that succeeds theirs."""
    from .test_redraw import draw

    make_buildings(tree, admin_user)
    Division.objects.filter(code=A1).update(household_count=36 * 18 + 30)  # 30 households without a house
    proposal = draw(admin_user, tree)
    assert proposal.status == ProposalStatus.DRAFT, proposal.error
    live = sum(f["properties"]["households"] for f in proposal.previous["features"])
    plan = sum(f["properties"]["households"] for f in proposal.grids["features"])
    assert live == plan == 36 * 18 + 30 + 36 * 8
