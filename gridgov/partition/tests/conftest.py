"""Shared fixtures: small synthetic cities (kept small so the whole suite runs in seconds)."""

import pytest

from gridgov.partition import PartitionParams, partition
from gridgov.partition.synthetic import make_city


@pytest.fixture(scope="session")
def small_city():
    return make_city(12_000, seed=7)


@pytest.fixture(scope="session")
def small_result(small_city):
    return partition(*small_city, PartitionParams())
