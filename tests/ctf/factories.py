from datetime import timedelta

import factory
from django.utils import timezone

from cyberweek.ctf.models import Challenge, Competition, Division, Hint, Membership, Team
from cyberweek.geo.models import Region, Sector
from tests.accounts.factories import UserFactory
from tests.programme.factories import EditionFactory


class CompetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competition

    edition = factory.SubFactory(EditionFactory)
    slug = factory.Sequence(lambda n: f"ctf-{n}")
    title = factory.Sequence(lambda n: f"网络安全创新大赛{n}")
    title_en = factory.Sequence(lambda n: f"Innovation competition {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=6))
    is_published = True


def division(competition, kind=Division.Kind.OPEN, **fields):
    return Division.objects.get_or_create(
        competition=competition,
        kind=kind,
        defaults={"name": f"{kind}组", "name_en": kind, **fields},
    )[0]


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    competition = factory.SubFactory(CompetitionFactory)
    title = factory.Sequence(lambda n: f"题目{n}")
    title_en = factory.Sequence(lambda n: f"Challenge {n}")
    category = Challenge.Category.WEB
    description = "Find the **flag**."
    flag = factory.Sequence(lambda n: f"flag{{static_{n}}}")
    initial_value = 500
    minimum_value = 100
    decay = 10


def team(competition, *, name=None, division_kind=Division.Kind.OPEN, members=1, **fields):
    """An approved team with `members` members (the first is the captain)."""
    users = [UserFactory() for _ in range(members)]
    name = name or f"队伍{Team.objects.count() + 1}-{users[0].pk}"
    made = Team.objects.create(
        competition=competition,
        division=division(competition, division_kind),
        name=name,
        name_key=name.casefold(),
        captain=users[0],
        **{
            "region": Region.objects.filter(level=Region.Level.PROVINCE).first(),
            "sector": Sector.values[0],
            **fields,
        },
    )
    for user in users:
        Membership.objects.create(competition=competition, team=made, user=user)
    return made


def captain(team_):
    return team_.captain


def hint(challenge, cost=50):
    return Hint.objects.create(
        challenge=challenge, text="看看源码", text_en="Read the source", cost=cost
    )
