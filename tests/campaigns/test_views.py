from datetime import date
from decimal import Decimal

import pytest

from cyberweek.campaigns import services
from cyberweek.campaigns.models import Campaign, Volunteer, VolunteerTask
from cyberweek.core import certificates as core_certificates
from tests.activities.factories import HEPING

from .factories import campaign, campaign_data, verified_activity

pytestmark = pytest.mark.django_db


def test_the_public_page_shows_progress_and_no_personal_data(client, tianjin):
    made = campaign()
    activity = verified_activity(HEPING, participants=120, edition=made.edition)
    services.add_activity(actor=tianjin, campaign_id=made.pk, activity_id=activity.pk)
    page = client.get(f"/en/campaigns/2019/{made.slug}/")
    assert page.status_code == 200
    assert "120 / 500" in page.text
    assert activity.title_en in page.text
    assert activity.contact_phone not in page.text
    assert client.get("/en/campaigns/?year=2019").status_code == 200


def test_an_unpublished_campaign_or_a_year_out_of_range_has_no_public_page(client):
    made = campaign(is_published=False)
    assert client.get(f"/en/campaigns/2019/{made.slug}/").status_code == 404
    assert client.get(f"/en/campaigns/99999999999/{made.slug}/").status_code == 404
    assert client.get("/en/campaigns/?year=99999999999").status_code == 200
    assert client.get("/api/campaigns/99999999999/x").status_code == 404


def test_an_organiser_creates_a_campaign_and_a_zero_goal_is_a_form_error(client, tianjin, edition):
    client.force_login(tianjin)
    form = {
        **{k: v for k, v in campaign_data().items() if k not in {"region", "sectors"}},
        "region": "120000",
        "sectors": ["school"],
        "year": 2019,
    }
    refused = client.post("/en/organiser/campaigns/new/?year=2019", {**form, "goal_regions": 0})
    assert refused.status_code == 400
    assert "A goal must be a whole number of at least 1." in refused.text
    made = client.post("/en/organiser/campaigns/new/?year=2019", form)
    assert made.status_code == 302
    campaign_ = Campaign.objects.get()
    page = client.get(f"/en/organiser/campaigns/{campaign_.pk}/")
    assert page.status_code == 200
    assert campaign_.title_en in page.text


def test_an_organiser_of_another_region_cannot_open_a_campaign(client, hebei):
    made = campaign()
    client.force_login(hebei)
    assert client.get(f"/en/organiser/campaigns/{made.pk}/").status_code == 403
    assert (
        client.post(f"/en/organiser/campaigns/{made.pk}/invite/", {"email": "a@b.org"}).status_code
        == 403
    )


def test_a_volunteer_accepts_records_and_downloads_a_verifiable_certificate(
    client, tianjin, person
):
    made = campaign()
    volunteer = services.invite_volunteer(actor=tianjin, campaign_id=made.pk, email=person.email)
    client.force_login(person)
    client.post(f"/en/campaigns/volunteering/{volunteer.pk}/accept/")
    assert Volunteer.objects.get(pk=volunteer.pk).status == Volunteer.Status.ACTIVE
    client.post(
        f"/en/campaigns/volunteering/{volunteer.pk}/tasks/",
        {"description": "发放宣传册", "worked_on": "2019-09-16", "hours": "3"},
    )
    task = VolunteerTask.objects.get()
    client.force_login(tianjin)
    client.post(f"/en/organiser/campaigns/{made.pk}/tasks/{task.pk}/", {"decision": "confirm"})
    client.force_login(person)
    client.post(f"/en/campaigns/volunteering/{volunteer.pk}/certificate/", {"holder_name": "张三"})
    pdf = client.get(f"/en/campaigns/volunteering/{volunteer.pk}/certificate.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    code = Volunteer.objects.get(pk=volunteer.pk).certificate.code
    verified = client.get(f"/en/campaigns/certificates/{code}/")
    assert "3" in verified.text
    assert "张三" in verified.text
    assert client.get("/en/campaigns/certificates/not-a-code/").status_code == 404


def test_certificate_downloads_are_limited_per_account(client, tianjin, person, monkeypatch):
    monkeypatch.setattr(core_certificates, "DOWNLOADS_PER_WINDOW", 1)
    made = campaign()
    volunteer = services.invite_volunteer(actor=tianjin, campaign_id=made.pk, email=person.email)
    services.respond_to_invitation(actor=person, volunteer_id=volunteer.pk, accept=True)
    task = services.record_task(
        actor=person,
        volunteer_id=volunteer.pk,
        description="讲座",
        worked_on=date(2019, 9, 16),
        hours=Decimal("2"),
    )
    services.decide_task(actor=tianjin, task_id=task.pk, confirm=True)
    services.issue_certificate(actor=person, volunteer_id=volunteer.pk, holder_name="张三")
    client.force_login(person)
    url = f"/en/campaigns/volunteering/{volunteer.pk}/certificate.pdf"
    assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429
    assert "Too many downloads" in refused.text
    assert int(refused["Retry-After"]) > 0


def test_someone_elses_certificate_cannot_be_downloaded(client, tianjin, person):
    made = campaign()
    volunteer = services.invite_volunteer(actor=tianjin, campaign_id=made.pk, email=person.email)
    client.force_login(tianjin)
    assert (
        client.get(f"/en/campaigns/volunteering/{volunteer.pk}/certificate.pdf").status_code == 404
    )


def test_a_task_in_the_future_is_refused_with_a_message(client, tianjin, person):
    made = campaign()
    Campaign.objects.filter(pk=made.pk).update(ends_on=date(2019, 9, 25))
    volunteer = services.invite_volunteer(actor=tianjin, campaign_id=made.pk, email=person.email)
    client.force_login(person)
    client.post(f"/en/campaigns/volunteering/{volunteer.pk}/accept/")
    page = client.post(
        f"/en/campaigns/volunteering/{volunteer.pk}/tasks/",
        {"description": "x", "worked_on": "2019-09-16", "hours": "0"},
        follow=True,
    )
    assert "more than 0 and at most 24" in page.text
    assert not VolunteerTask.objects.exists()


def test_the_summary_is_shown_in_the_pages_language_and_masked(tianjin, edition, client):
    made = services.create_campaign(
        actor=tianjin,
        edition=edition,
        data=campaign_data(
            summary="天津港发布船舶网络安全指南。",
            summary_en="Guidelines launched; ask Wang Wei on 13812345678.",
        ),
    )
    english = client.get(f"/en/campaigns/2019/{made.slug}/").text
    assert "Guidelines launched" in english
    assert "13812345678" not in english
    assert "天津港发布" not in english
    chinese = client.get(f"/campaigns/2019/{made.slug}/").text
    assert "天津港发布船舶网络安全指南" in chinese
    assert "Guidelines launched" not in chinese
