import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gridgov.care import actions
from gridgov.care.choices import OrderStatus
from gridgov.care.models import Order, SubsidyRule
from gridgov.core.access import get_visible_or_404

from .conftest import A


def order(staff, provider, person, items, window, **extra):
    return actions.submit_order(actor=staff, provider=provider, person=person, items=items, address="A社区1栋101",
                                **window, **extra)


def test_provider_account_sees_only_its_own_orders_and_the_same_404(staff, providers, items, person, window,
                                                                     provider_user, client):
    # given an order to the provider and one to another provider of the same community
    p = person()
    mine = order(staff, providers["care"], p, [(items["clean"], 2)], window)
    other = order(staff, providers["care2"], p, [(items["clean2"], 1)], window)
    # then the provider account sees only its own, on lists and by id
    assert list(Order.objects.visible_to(provider_user)) == [mine]
    get_visible_or_404(Order, provider_user, pk=mine.pk)
    with pytest.raises(Http404):
        get_visible_or_404(Order, provider_user, pk=other.pk)
    # and the pages answer the same 404 for another provider's order and a missing one
    client.force_login(provider_user)
    assert client.get(f"/care/orders/{mine.pk}/").status_code == 200
    assert client.get(f"/care/orders/{other.pk}/").status_code == 404
    assert client.get("/care/orders/999999/").status_code == 404
    # and it cannot act on the other provider's order
    with pytest.raises(PermissionDenied):
        actions.accept_order(actor=provider_user, order=other)


def test_provider_completes_an_order_and_staff_revisit(staff, providers, items, person, window, provider_user):
    o = order(staff, providers["care"], person(), [(items["clean"], 1)], window)
    actions.accept_order(actor=provider_user, order=o, worker_name="李阿姨")
    actions.check_in(actor=provider_user, order=o, lng=111.7, lat=29.04)
    o = actions.check_out(actor=provider_user, order=o, note="已完成保洁")
    assert o.status == OrderStatus.DONE and o.checkin_lng == 111.7 and o.checkout_at
    with pytest.raises(PermissionDenied):
        actions.return_visit(actor=provider_user, order=o, satisfaction=5)
    actions.return_visit(actor=staff, order=o, satisfaction=5, note="老人满意")
    actions.rate_order(actor=staff, order=o, rating=5)
    with pytest.raises(ValidationError):
        actions.rate_order(actor=staff, order=o, rating=4)


def test_ineligible_subsidy_is_refused_in_chinese_naming_the_rule(staff, providers, items, person, window, tree):
    rule = actions.save_subsidy_rule(actor=staff, division=tree[A], data={
        "name": "高龄老人居家养老服务补贴", "min_age": 80, "monthly_minutes": 120})
    young = person("李大爷", age=70)
    with pytest.raises(ValidationError) as exc:
        order(staff, providers["care"], young, [(items["clean"], 1)], window, subsidy_rule=rule)
    message = " ".join(exc.value.message_dict["subsidy_rule"])
    assert "高龄老人居家养老服务补贴" in message and "80" in message and "70" in message
    assert not Order.objects.exists()  # nothing half-done


def test_subsidy_by_tags_and_the_monthly_minutes(staff, providers, items, person, window, tree):
    from gridgov.registry.models import CareTag

    rule = actions.save_subsidy_rule(actor=staff, division=tree[A], data={
        "name": "困难失能老人服务补贴", "monthly_minutes": 90},
        required_tags=CareTag.objects.filter(code__in=("disabled", "dibao")))
    assert isinstance(rule, SubsidyRule)
    only_disabled = person("赵叔", tags=("disabled",))
    with pytest.raises(ValidationError) as exc:
        order(staff, providers["care"], only_disabled, [(items["clean"], 1)], window, subsidy_rule=rule)
    assert "低保" in " ".join(exc.value.message_dict["subsidy_rule"])
    both = person("钱叔", tags=("disabled", "dibao"))
    first = order(staff, providers["care"], both, [(items["clean"], 1)], window, subsidy_rule=rule)
    assert (first.subsidy_minutes, first.subsidy_fen, first.resident_fen) == (60, 4000, 0)
    # 30 minutes left: half of the next hour is paid
    second = order(staff, providers["care"], both, [(items["clean"], 1)], window, subsidy_rule=rule)
    assert (second.subsidy_minutes, second.subsidy_fen, second.resident_fen) == (30, 2000, 2000)
    with pytest.raises(ValidationError) as exc:
        order(staff, providers["care"], both, [(items["clean"], 1)], window, subsidy_rule=rule)
    assert "已用完" in " ".join(exc.value.message_dict["subsidy_rule"])


def test_a_repair_to_a_public_part_becomes_a_case(staff, providers, items, person, window):
    from gridgov.cases.models import Case

    o = order(staff, providers["repair"], person(), [(items["pipe"], 1)], window, public_part=True,
              description="3单元楼道下水管堵塞")
    assert o.case is not None and Case.objects.filter(pk=o.case_id).exists()
    assert o.case.category.name == "物业服务" and o.case.division_code == o.division_code
    assert "3单元楼道" in o.case.title


def test_goods_order_confirmed_and_delivered(staff, providers, items, person, make_user, tree):
    member = actions.add_provider_account(actor=staff, provider=providers["shop"], username="shop-1",
                                          full_name="超市", password="Passw0rd-test-9")
    o = actions.submit_order(actor=staff, provider=providers["shop"], person=person(), items=[(items["rice"], 2)],
                             address="A社区2栋")
    assert o.total_fen == 11980
    actions.accept_order(actor=member.user, order=o)
    actions.check_in(actor=member.user, order=o)
    o = actions.check_out(actor=member.user, order=o)
    assert o.status_label() == "已送达"


def test_provider_serves_only_its_community(admin_user, providers, items, person, window):
    from .conftest import GRID_B

    with pytest.raises(ValidationError):
        order(admin_user, providers["care"], person("外社区", grid=GRID_B), [(items["clean"], 1)], window)
