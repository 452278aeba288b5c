"""Pages, exports, the API and imports."""

import io

import pytest
from django.urls import reverse

from gridgov.core import clock
from gridgov.core.actors import system_actor
from gridgov.party import actions
from gridgov.party.models import PartyMember, ServiceActivity

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_branch(orgs, make_member, party_staff, post, manual_item):
    """Branch 430702004001001 with members, claims, pending and verified records, scores."""
    with clock.frozen(at(2026, 5, 16, 12)):
        members = [make_member() for _ in range(4)]
        for m in members:
            c = actions.claim_post(actor=m.user, member=m, post=post)
            actions.decide_claim(actor=party_staff, claim=c, approve=True)
            for d in (3, 4):
                actions.log_activity(actor=m.user, member=m, item=manual_item, occurred_at=at(2026, 5, d))
        actions.verify_activity(actor=party_staff, activity=ServiceActivity.objects.first())
        actions.run_scoring(actor=system_actor())
    return orgs["430702004001001"]


def test_pages_render(client, admin_user, busy_branch, orgs):
    client.force_login(admin_user)
    member = PartyMember.objects.first()
    with clock.frozen(at(2026, 5, 16, 12)):
        for name, args in [("party:tree", []), ("party:member_list", []), ("party:posts", []),
                           ("party:events", []), ("party:rankings", []), ("party:me", []),
                           ("party:org", [busy_branch.pk]), ("party:org", [orgs["430702004001"].pk]),
                           ("party:org", [orgs["430702000000"].pk]), ("party:member", [member.pk]),
                           ("party:workunits", []), ("party:workunit", [member.work_unit_id]),
                           ("party:member_create", []), ("party:event_create", []),
                           ("party:org_edit", [busy_branch.pk])]:
            r = client.get(reverse(name, args=args))
            assert r.status_code == 200, (name, r.status_code)
        r = client.get(reverse("party:rankings") + "?level=street&period=year")
        assert "丹阳街道" in r.content.decode()


def test_branch_page_query_count(client, party_staff, busy_branch, django_assert_max_num_queries, make_member):
    client.force_login(party_staff)
    with clock.frozen(at(2026, 5, 16, 12)):
        client.get(reverse("party:org", args=[busy_branch.pk]))
        with django_assert_max_num_queries(25) as ctx:
            r = client.get(reverse("party:org", args=[busy_branch.pk]))
        n = len(ctx.captured_queries)
        for _ in range(5):
            make_member()
        with django_assert_max_num_queries(n):
            client.get(reverse("party:org", args=[busy_branch.pk]))
    html = r.content.decode()
    assert "待核实服务记录" in html and "履职提醒" in html


def test_branch_page_pages_the_records_to_verify(client, party_staff, busy_branch, manual_item):
    """Oldest first, 20 per page; the count shows every pending record, not just one page."""
    from gridgov.party.views.org import PENDING_PER_PAGE

    member = PartyMember.objects.filter(branch=busy_branch).first()
    with clock.frozen(at(2026, 5, 16, 12)):
        for d in range(PENDING_PER_PAGE):
            actions.log_activity(actor=member.user, member=member, item=manual_item, occurred_at=at(2026, 4, 1 + d % 28, 9))
    pending = ServiceActivity.objects.filter(branch=busy_branch, status="pending")
    total = pending.count()
    assert total > PENDING_PER_PAGE
    client.force_login(party_staff)
    with clock.frozen(at(2026, 5, 16, 12)):
        first = client.get(reverse("party:org", args=[busy_branch.pk]))
        last = client.get(reverse("party:org", args=[busy_branch.pk]) + "?page=2")
    oldest = pending.order_by("occurred_at", "pk")
    first_ids = {a.pk for a in first.context["page"].object_list}
    assert first_ids == set(oldest.values_list("pk", flat=True)[:PENDING_PER_PAGE])
    assert len(last.context["page"].object_list) == total - PENDING_PER_PAGE
    assert f"共 {total} 条" in first.content.decode()
    assert f'<div class="num">{total}</div><div class="label">待核实服务</div>' in first.content.decode()


def test_review_queue_newest_first_and_by_member(client, party_staff, busy_branch, manual_item):
    """#12: the secretary's queue offers newest-first as well as oldest-first, and one member's records."""
    members = list(PartyMember.objects.filter(branch=busy_branch, user__isnull=False)[:2])
    assert len(members) == 2
    with clock.frozen(at(2026, 5, 16, 12)):
        for d, m in enumerate(members * 2):
            actions.log_activity(actor=m.user, member=m, item=manual_item, occurred_at=at(2026, 5, 1 + d, 9))
    pending = ServiceActivity.objects.filter(branch=busy_branch, status="pending")
    url = reverse("party:org", args=[busy_branch.pk])
    client.force_login(party_staff)
    with clock.frozen(at(2026, 5, 16, 12)):
        newest = client.get(url, {"order": "new"})
        mine = client.get(url, {"order": "new", "member": members[1].pk})
        oldest = client.get(url)
    expect = list(pending.order_by("-occurred_at", "-pk").values_list("pk", flat=True)[:20])
    assert [a.pk for a in newest.context["page"].object_list] == expect
    assert "最新的在前" in newest.content.decode() and 'name="member"' in newest.content.decode()
    assert [a.pk for a in oldest.context["page"].object_list][0] == pending.order_by("occurred_at", "pk")[0].pk
    got = [a for a in mine.context["page"].object_list]
    assert got and {a.member_id for a in got} == {members[1].pk}
    assert [a.pk for a in got] == list(pending.filter(member=members[1]).order_by("-occurred_at", "-pk")
                                       .values_list("pk", flat=True)[:20])


def test_verify_button_moves_score(client, party_staff, busy_branch):
    client.force_login(party_staff)
    pending = ServiceActivity.objects.filter(status="pending").first()
    with clock.frozen(at(2026, 5, 16, 12)):
        before = pending.member.scores.get(period_kind="month").points
        r = client.post(reverse("party:verify_activity", args=[pending.pk]), {"approve": "1"})
        assert r.status_code == 302
        after = pending.member.scores.get(period_kind="month").points
    assert after == before + 2


def test_member_list_is_scoped_and_forbidden_is_404(client, make_user, tree, busy_branch, make_member):
    other = make_member("430702005001001")
    staff = make_user("party_staff", tree["430702004000"])
    client.force_login(staff)
    r = client.get(reverse("party:member_list"))
    assert other.name not in r.content.decode()
    assert client.get(reverse("party:member", args=[other.pk])).status_code == 404
    c_org = other.branch
    assert client.get(reverse("party:org", args=[c_org.pk])).status_code == 404


def test_exports(client, admin_user, busy_branch):
    client.force_login(admin_user)
    with clock.frozen(at(2026, 5, 16, 12)):
        r = client.get(reverse("party:member_export"))
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
        r = client.get(reverse("party:score_export"))
        assert r.status_code == 200
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert ws.max_row == 5


def test_api_lists_and_verify(client, party_staff, busy_branch, make_member):
    other = make_member("430702005001001")
    client.force_login(party_staff)
    r = client.get("/api/party/members/")
    ids = {m["id"] for m in r.json()["results"]}
    assert other.pk not in ids and len(ids) == 4
    pending = ServiceActivity.objects.filter(status="pending").first()
    with clock.frozen(at(2026, 5, 16, 12)):
        r = client.post(f"/api/party/activities/{pending.pk}/verify/", {"approve": False, "reason": "重复"},
                        content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert client.get("/api/party/organizations/").status_code == 200


def test_phone_page_register_claim_log(client, orgs, make_member, party_staff, tree, post, manual_item):
    m = make_member(register=False)
    client.force_login(m.user)
    r = client.post(reverse("party:me"), {"form": "register", "grid": tree["430702004001001"].pk})
    assert r.status_code == 302
    reg = m.registrations.get()
    actions.decide_registration(actor=party_staff, registration=reg, approve=True)
    r = client.post(reverse("party:me"), {"form": "claim", "post": post.pk, "skills": "巡逻"})
    assert r.status_code == 302
    actions.decide_claim(actor=party_staff, claim=m.claims.get(), approve=True)
    # bad input keeps the form with a Chinese error
    r = client.post(reverse("party:me"), {"form": "activity", "item": manual_item.pk, "occurred_at": "2999-01-01T10:00",
                                          "place": "小区"})
    assert r.status_code == 200 and "服务时间不能晚于当前时间" in r.content.decode()
    assert 'value="小区"' in r.content.decode()
    r = client.post(reverse("party:me"), {"form": "activity", "item": manual_item.pk,
                                          "occurred_at": "2026-01-05T10:00", "place": "小区"})
    assert r.status_code == 302 and m.activities.count() == 1


def _csv(rows):
    header = "身份证号,姓名,党员类别,工作单位,原党组织,入党日期,报到网格编码,是否报到\n"
    return io.BytesIO((header + "\n".join(rows)).encode("utf-8"))


def test_member_import_errors_and_apply(orgs, make_person, admin_user):
    from gridgov.core import pii
    from gridgov.core.importing import run_import
    from gridgov.party.importers import MemberImport

    ok_id, other_id = "430702199001011230", "430702198505052314"
    from gridgov.registry.identity import check_resident_id

    for number in (ok_id, other_id):
        try:
            check_resident_id(number)
        except ValueError:
            pytest.skip("test ID numbers invalid")
    make_person(name="张三", id_hash=pii.keyed_hash(ok_id))
    make_person(name="李四", id_hash=pii.keyed_hash(other_id))
    bad = _csv([f"{ok_id},张三,在职党员,,,2010-07-01,430702004001001,是",
                f"{other_id},王五,流动党员,,,,,是",
                "123,赵六,居民党员,,,,,是"])
    report = run_import(MemberImport(actor=admin_user), bad, actor=admin_user, apply=True, filename="m.csv")
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert not report.applied and PartyMember.objects.count() == 0
    assert "工作单位" in reasons[(2, "工作单位")] or reasons[(2, "工作单位")]
    assert "不一致" in reasons[(3, "姓名")] and (3, "原党组织") in reasons
    assert (4, "身份证号") in reasons
    good = _csv([f"{ok_id},张三,在职党员,武陵区教育局,,2010-07-01,430702004001001,是",
                 f"{other_id},李四,流动党员,,湖北某支部,,,否"])
    report = run_import(MemberImport(actor=admin_user), good, actor=admin_user, apply=True, filename="m.csv")
    assert report.applied and report.counts["created"] == 2, report.errors
    zs = PartyMember.objects.get(name="张三")
    assert zs.branch == orgs["430702004001001"] and zs.work_unit.name == "武陵区教育局"
    assert PartyMember.objects.get(name="李四").branch is None
    good.seek(0)
    again = run_import(MemberImport(actor=admin_user), good, actor=admin_user, apply=True, filename="m.csv")
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2}


def test_member_list_query_count_does_not_grow(client, admin_user, busy_branch, make_member,
                                               django_assert_max_num_queries):
    client.force_login(admin_user)
    client.get(reverse("party:member_list"))
    with django_assert_max_num_queries(20) as ctx:
        client.get(reverse("party:member_list"))
    n = len(ctx.captured_queries)
    for _ in range(5):
        make_member("430702004002001")
    with django_assert_max_num_queries(n):
        client.get(reverse("party:member_list"))


def test_tree_counts_roll_up(admin_user, busy_branch, orgs, make_member):
    from gridgov.party.queries import tree_counts

    make_member("430702005001001")
    with clock.frozen(at(2026, 5, 16, 12)):
        counts = tree_counts(list(orgs.values()), admin_user)
    assert counts[busy_branch.pk]["members"] == 4 and counts[busy_branch.pk]["posts_filled"] == 4
    assert counts[orgs["430702004001"].pk]["members"] == 4
    assert counts[orgs["430702004000"].pk]["members"] == 4
    assert counts[orgs["430702000000"].pk]["members"] == 5
    assert counts[orgs["430702000000"].pk]["activities"] == 1
    assert counts[orgs["430702005001001"].pk]["in_service_registered"] == 1


def test_event_publish_and_signup_pages(client, admin_user, orgs, make_member):
    from gridgov.party.models import EventSignup, ServiceItem, VolunteerEvent

    client.force_login(admin_user)
    item = ServiceItem.objects.get(source="volunteer")
    data = {"organization": orgs["430702004001"].pk, "title": "清扫楼道", "place": "3栋", "capacity": 2,
            "item": item.pk, "starts_at": "2099-05-20T09:00", "ends_at": "2099-05-20T08:00"}
    r = client.post(reverse("party:event_create"), data)
    assert r.status_code == 200 and "结束时间必须晚于开始时间" in r.content.decode()
    data["ends_at"] = "2099-05-20T11:00"
    r = client.post(reverse("party:event_create"), data)
    assert r.status_code == 302
    event = VolunteerEvent.objects.get()
    m = make_member()
    client.force_login(m.user)
    assert "清扫楼道" in client.get(reverse("party:me")).content.decode()
    r = client.post(reverse("party:event_signup", args=[event.pk]), {"next": "/party/me/"})
    assert r.status_code == 302 and EventSignup.objects.filter(member=m, event=event).exists()


def test_transfer_by_grid_code_page(client, admin_user, orgs, make_member):
    m = make_member()
    client.force_login(admin_user)
    url = reverse("party:member_transfer", args=[m.pk])
    r = client.post(url, {"to_grid_code": "430702009999999"}, follow=True)
    assert "不存在" in r.content.decode()
    client.post(url, {"to_grid_code": "430702004002001", "note": "搬家"})
    m.refresh_from_db()
    assert m.branch == orgs["430702004002001"]


def test_work_unit_list_shows_only_units_in_scope(client, admin_user, party_staff, tree, work_unit):
    """The list reads through visible_to, as the unit's page does: a grid's party staff do not see
    the district's units (nor their member counts), which their detail page answers with 404."""
    from gridgov.party.actions import create_work_unit

    mine = create_work_unit(actor=admin_user, name="网格内的单位", division=tree["430702004001001"])
    other = create_work_unit(actor=admin_user, name="另一社区的单位", division=tree["430702004002001"])
    client.force_login(party_staff)
    page = client.get(reverse("party:workunits")).content.decode()
    assert mine.name in page
    assert work_unit.name not in page and other.name not in page
    assert client.get(reverse("party:workunits"), {"q": "单位"}).content.decode().count(other.name) == 0
    assert client.get(reverse("party:workunit", args=[other.pk])).status_code == 404
    client.force_login(admin_user)
    assert other.name in client.get(reverse("party:workunits")).content.decode()


def test_member_import_refuses_a_future_joining_date(orgs, make_person, admin_user):
    """Issue 11: a 2099 入党日期 is refused with a Chinese error naming row and column."""
    from gridgov.core.importing import run_import
    from gridgov.party.importers import MemberImport

    report = run_import(MemberImport(actor=admin_user),
                        _csv(["430702199001011230,张三,在职党员,武陵区教育局,,2099-07-01,430702004001001,是"]),
                        actor=admin_user, apply=True, filename="m.csv")
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert "不能晚于今天" in reasons[(2, "入党日期")]
    assert not report.applied and PartyMember.objects.count() == 0
