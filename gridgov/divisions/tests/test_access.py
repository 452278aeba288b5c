"""The shared access tests (gridgov.core.testing) applied to Division."""

from gridgov.core.testing import ScopedAccessTests
from gridgov.divisions.models import Division


class TestDivisionAccess(ScopedAccessTests):
    model = Division
    list_url = "divisions:list"
    detail_url = "divisions:detail"
    api_list_url = "division-list"
    api_detail_url = "division-detail"
    api_lookup = "code"

    def make_object(self, tree):
        return tree["430702004001001"]

    def detail_kwargs(self, obj):
        return {"code": obj.code}
