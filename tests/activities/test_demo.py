import time

import pytest

from cyberweek.activities import demo
from cyberweek.activities.models import Activity
from cyberweek.demo import edition_2019

pytestmark = pytest.mark.django_db


def test_the_demo_loads_a_few_hundred_activities_quickly_and_once(national):
    edition_2019.load(national)
    started = time.perf_counter()
    created = demo.load(national)
    elapsed = time.perf_counter() - started
    assert 300 <= created == Activity.objects.count()
    assert elapsed < 5
    assert Activity.objects.filter(is_public=True).count() > 200
    assert Activity.objects.values("sector").distinct().count() == 9
    assert Activity.objects.filter(region__code="120101", status="submitted").exists()
    assert demo.load(national) == 0
