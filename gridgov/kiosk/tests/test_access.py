"""The shared access tests (gridgov.core.testing) applied to the kiosk's scoped models."""

import datetime

from django.urls import reverse

from gridgov.core.testing import GRID, ScopedAccessTests
from gridgov.kiosk import device as auth
from gridgov.kiosk.models import KioskDevice, PolicyDocument


class CommunityRows(ScopedAccessTests):
    """Kiosk rows belong to a community (or an office above): a grid-level holder does not see
    them (the base's grid case is inverted); the community, the street and the district do."""

    def test_own_grid_sees_it(self, client, tree, roles):
        obj = self.make_object(tree)
        client.force_login(self.user_at(GRID, "access-grid"))
        assert self.list_marker(obj) not in client.get(reverse(self.list_url)).content.decode()
        assert client.get(reverse(self.detail_url, kwargs=self.detail_kwargs(obj))).status_code == 404


class TestKioskDeviceAccess(CommunityRows):
    model = KioskDevice
    list_url = "kiosk:device_list"
    detail_url = "kiosk:device_detail"

    def make_object(self, tree):
        community = tree["430702004001"]
        _key, prefix, digest = auth.new_key()
        return KioskDevice.objects.create(community=community, division_code=community.code, name="访问测试终端",
                                          key_prefix=prefix, key_hash=digest)


class TestPolicyAccess(CommunityRows):
    model = PolicyDocument
    list_url = "kiosk:policy_list"
    detail_url = "kiosk:policy_detail"

    def make_object(self, tree):
        return PolicyDocument.objects.create(division_code="430702004001", title="访问测试文件", issuer="A社区",
                                             issued_on=datetime.date(2026, 1, 1), category="social")
