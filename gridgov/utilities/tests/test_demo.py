"""The small demo step: three utilities, accounts for houses, months of bills, some paid."""

import pytest

from gridgov.utilities import demo
from gridgov.utilities.models import Bill, Payment, Utility


@pytest.mark.django_db
def test_small_demo(tree, roles, house, other_house):
    result = demo.generate(scale=0.01, seed=3)
    assert Utility.objects.count() == 3 and result["bills"] == Bill.objects.count() > 0
    assert Payment.objects.filter(status="succeeded").count() == result["paid"] > 0
    assert set(Bill.objects.values_list("period", flat=True).distinct()).__len__() == 4
    again = demo.generate(scale=0.01, seed=3)  # accounts exist: nothing doubled
    assert again["bills"] == 0 or Bill.objects.count() == result["bills"] + again["bills"]
