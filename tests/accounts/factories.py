import factory
from django.utils import timezone

from cyberweek.accounts.models import OrganiserRole, User
from cyberweek.geo.models import Region

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.django.Password(PASSWORD)
    verified_at = factory.LazyFunction(timezone.now)


def organiser(level: str, region_code: str | None = None, *, sector: str = "", **user_fields):
    """A user holding one organiser role; the national role sits on the country."""
    user = UserFactory(**user_fields)
    if region_code is None:
        region = Region.objects.get(level=Region.Level.COUNTRY)
    else:
        region = Region.objects.get(code=region_code)
    unit_name = "示例单位" if level == OrganiserRole.Level.UNIT else ""
    OrganiserRole.objects.create(
        user=user, level=level, region=region, sector=sector, unit_name=unit_name
    )
    return user
