from datetime import timedelta

import factory
from django.utils import timezone

from cyberweek.tickets.models import Offering, Registration

EVENT = Offering.Source.EVENT
ACTIVITY = Offering.Source.ACTIVITY


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering

    source = EVENT
    source_id = factory.Sequence(lambda n: 1000 + n)
    title = factory.Sequence(lambda n: f"网络安全讲座 {n}")
    title_en = factory.Sequence(lambda n: f"Cybersecurity talk {n}")
    venue = "天津梅江会展中心"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 10


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration written straight to the table (counters left alone): for reads."""

    class Meta:
        model = Registration

    offering = factory.SubFactory(OfferingFactory)
    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    status = Registration.Status.CONFIRMED
    position = factory.Sequence(lambda n: n + 1)
