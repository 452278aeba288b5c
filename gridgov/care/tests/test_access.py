from gridgov.care.models import Order, Provider
from gridgov.core import clock
from gridgov.core.testing import ScopedAccessTests

GRID = "430702004001001"


class TestOrderAccess(ScopedAccessTests):
    model = Order
    list_url = "care:order_list"
    detail_url = "care:order_detail"

    def make_object(self, tree):
        from gridgov.registry.models import Person

        community = tree["430702004001"]
        provider = Provider.objects.create(community=community, division_code=community.code, kind="elderly",
                                           name="访问测试养老站")
        person = Person.objects.create(grid=tree[GRID], division_code=GRID, name="访问测试人")
        return Order.objects.create(number="T0000001", kind="care", provider=provider, person=person,
                                    division_code=GRID, address="测试地址", contact_name="访问测试人",
                                    submitted_at=clock.now())
