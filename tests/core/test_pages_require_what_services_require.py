"""For every organiser list and detail page, whoever the page lets in may also pass the
scope check of a service that acts on the objects it shows: a page never shows more widely
than its services act. Each case opens the page as an organiser of every level and calls
the real services (rolled back); a refusal by scope is the only answer that counts as "no".

A provincial organiser reading every privacy request, which only national organisers may
act on, is the defect this class of test guards against."""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cyberweek.accounts import services as accounts_services
from cyberweek.accounts.models import OrganiserRole
from cyberweek.activities import services as activity_services
from cyberweek.core.errors import DomainError, PermissionDenied
from cyberweek.geo.models import Region
from cyberweek.privacy import services as privacy_services
from cyberweek.privacy.models import DataSubjectRequest
from cyberweek.quiz import services as quiz_services
from cyberweek.tickets import services as ticket_services
from tests.accounts.factories import UserFactory, organiser
from tests.activities.factories import HEPING, ActivityFactory
from tests.programme.factories import EditionFactory
from tests.quiz.factories import contest_with_paper
from tests.tickets.factories import OfferingFactory

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level
LEVELS = {
    "national": (L.NATIONAL, None),
    "provincial": (L.PROVINCIAL, "120000"),
    "prefectural": (L.PREFECTURAL, "120100"),
    "county": (L.COUNTY, HEPING),
    "unit": (L.UNIT, HEPING),
}


class _RolledBack(Exception):
    pass


def service_allows(call) -> bool:
    """Whether the service lets the actor past its scope check; its effect is undone."""
    try:
        with transaction.atomic():
            call()
            raise _RolledBack
    except PermissionDenied:
        return False
    except (_RolledBack, DomainError):
        return True


@dataclass
class Case:
    pages: list  # urls of list and detail pages showing the object
    services: list  # callables(actor) acting on it


def activities_case():
    activity = ActivityFactory(edition=EditionFactory())
    pk = activity.pk
    return Case(
        pages=[
            reverse("organiser:activities_list") + f"?year={activity.edition.year}",
            reverse("organiser:activities_detail", args=[pk]),
        ],
        services=[
            lambda actor: activity_services.submit_activity(actor=actor, activity_id=pk),
            lambda actor: activity_services.approve_activity(actor=actor, activity_id=pk),
            lambda actor: activity_services.mark_held(actor=actor, activity_id=pk),
            lambda actor: activity_services.verify_outcome(actor=actor, activity_id=pk),
        ],
    )


def tickets_case():
    offering = OfferingFactory(
        source="activities.activity", region=Region.objects.get(code=HEPING), sector="community"
    )
    return Case(
        pages=[
            reverse("organiser:tickets_list"),
            reverse("organiser:tickets_attendees", args=[offering.pk]),
            reverse("organiser:tickets_check_in", args=[offering.pk]),
        ],
        services=[
            lambda actor: ticket_services.close_registration(
                actor=actor, source=offering.source, source_id=offering.source_id
            ),
            lambda actor: ticket_services.check_in(
                actor=actor, offering_id=offering.pk, tickets=[]
            ),
        ],
    )


def privacy_case():
    now = timezone.now()
    request = DataSubjectRequest.objects.create(
        kind="export", requester_contact="写信", received_at=now, due_at=now
    )
    return Case(
        pages=[
            reverse("organiser:privacy_requests"),
            reverse("organiser:privacy_request", args=[request.pk]),
        ],
        services=[
            lambda actor: privacy_services.update_request(
                actor=actor, request_id=request.pk, status="verifying"
            )
        ],
    )


def privacy_notices_case():
    return Case(
        pages=[reverse("organiser:privacy_notices"), reverse("organiser:privacy_access_log")],
        services=[
            lambda actor: privacy_services.publish_notice(
                actor=actor, purpose="newsletter", text="通讯"
            )
        ],
    )


def accounts_case():
    return Case(
        pages=[reverse("organiser:roles")],
        services=[
            lambda actor: accounts_services.grant_role(
                actor=actor,
                user=UserFactory(),
                level=L.UNIT,
                region=Region.objects.get(code=HEPING),
                unit_name="示例单位",
            )
        ],
    )


def quiz_case():
    contest = contest_with_paper()
    return Case(
        pages=[
            reverse("organiser:quiz_questions"),
            reverse("organiser:quiz_contests"),
            reverse("organiser:quiz_contest", args=[contest.pk]),
        ],
        services=[
            lambda actor: quiz_services.save_contest(actor=actor, data={}, contest_id=contest.pk),
        ],
    )


CASES = {
    "activities": activities_case,
    "tickets": tickets_case,
    "privacy requests": privacy_case,
    "privacy notices and log": privacy_notices_case,
    "accounts": accounts_case,
    "quiz": quiz_case,
}


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_no_page_lets_in_an_organiser_its_services_would_refuse(client, make):
    case = make()
    too_wide = []
    for name, (level, code) in LEVELS.items():
        actor = organiser(level, code)
        client.force_login(actor)
        acts = any(
            service_allows(lambda call=call, actor=actor: call(actor)) for call in case.services
        )
        for url in case.pages:
            if client.get(url).status_code == 200 and not acts:
                too_wide.append((name, url))
    assert too_wide == []
