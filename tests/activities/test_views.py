import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from cyberweek.accounts.models import OrganiserRole
from cyberweek.activities.models import Activity, ActivityStep
from cyberweek.core import outbox
from cyberweek.core.models import AuditEvent
from cyberweek.geo.models import Sector
from cyberweek.privacy.models import AccessLogEntry
from tests.accounts.factories import UserFactory
from tests.shared_redis import next_try_is_due

from .factories import HEPING, ActivityFactory, activity_data, at

pytestmark = pytest.mark.django_db
S = Activity.Status
L = OrganiserRole.Level
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def url(name, *args):
    return reverse(f"organiser:{name}", args=args)


# Every organiser page: (url name, status of the activity or None, who may, who may not).
PAGES = [
    ("activities_list", None, "heping", "participant"),
    ("activities_new", None, "heping", "tianjin"),
    ("activities_import", None, "heping", "tianjin"),
    ("activities_template", None, "heping", "tianjin"),
    ("activities_export", "csv", "tianjin", "participant"),
    ("activities_export", "xlsx", "heping", "participant"),
    ("activities_coverage", None, "tianjin", "hebei"),
    ("activities_detail", S.DRAFT, "heping", "hexi"),
    ("activities_edit", S.DRAFT, "heping", "hexi"),
    ("activities_submit", S.DRAFT, "heping", "hexi"),
    ("activities_review", S.SUBMITTED, "tianjin", "hebei"),
    ("activities_review", S.SUBMITTED, "tianjin_city", "heping"),
    ("activities_held", S.APPROVED, "heping", "hexi"),
    ("activities_outcome", S.HELD, "heping", "hexi"),
    ("activities_verify", S.REPORTED, "tianjin", "hebei"),
]


@pytest.fixture
def people(heping, hexi, tianjin, tianjin_city, hebei):
    return {
        "heping": heping,
        "hexi": hexi,
        "tianjin": tianjin,
        "tianjin_city": tianjin_city,
        "hebei": hebei,
        "participant": UserFactory(),
    }


def page_url(name, arg, edition):
    if name == "activities_export":
        return url(name, arg)
    if name == "activities_coverage":
        return url(name) + "?region=120000"
    if arg is None:
        return url(name)
    return url(name, ActivityFactory(edition=edition, status=arg).pk)


@pytest.mark.parametrize(("name", "arg", "allowed", "refused"), PAGES)
def test_each_organiser_page_opens_in_scope(client, edition, people, name, arg, allowed, refused):
    client.force_login(people[allowed])
    response = client.get(page_url(name, arg, edition))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "arg", "allowed", "refused"), PAGES)
def test_each_organiser_page_refuses_out_of_scope_and_records_it(
    client, edition, people, name, arg, allowed, refused
):
    target = page_url(name, arg, edition)
    client.force_login(people[refused])
    for method in ("get", "post"):
        response = getattr(client, method)(target)
        assert response.status_code == 403, method
    assert AuditEvent.objects.filter(
        actor=people[refused], outcome=AuditEvent.Outcome.DENIED
    ).exists()
    # Nothing changed: no step was taken and nothing was registered.
    assert not ActivityStep.objects.exists()
    assert Activity.objects.count() <= 1


@pytest.mark.parametrize(("name", "arg", "allowed", "refused"), PAGES)
def test_each_organiser_page_sends_the_anonymous_to_sign_in(
    client, edition, people, name, arg, allowed, refused
):
    for method in ("get", "post"):
        response = getattr(client, method)(page_url(name, arg, edition))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# --- Registering -----------------------------------------------------------------------------
def form_data(**overrides):
    data = {
        "title": "网络安全进校园",
        "title_en": "Cybersecurity at school",
        "description": "报名请拨打13812345678。",
        "sector": Sector.SCHOOL,
        "region": "",
        "format": Activity.Format.OFFLINE,
        "venue_address": "和平区示例中学",
        "audience": "初中生",
        "starts_at": "2019-09-17T09:00",
        "ends_at": "2019-09-17T11:00",
        "expected_reach": "300",
        "contact_name": "王老师",
        "contact_phone": "13812345678",
    }
    data.update(overrides)
    return data


def test_an_organiser_registers_and_is_told_what_was_masked(client, edition, heping, region):
    client.force_login(heping)
    response = client.post(url("activities_new"), form_data(region=region(HEPING).pk), follow=True)
    activity = Activity.objects.get()
    assert response.redirect_chain[-1][0] == url("activities_detail", activity.pk)
    page = response.content.decode()
    assert "saved as a draft" in page
    assert "Personal information was masked" in page
    assert "Mobile" in page or "mobile" in page
    assert activity.created_by == heping


def test_the_region_menu_offers_only_the_organisers_counties(client, edition, heping, region):
    client.force_login(heping)
    page = client.get(url("activities_new")).content.decode()
    assert f'value="{region(HEPING).pk}"' in page
    assert f'value="{region("120103").pk}"' not in page
    response = client.post(url("activities_new"), form_data(region=region("120103").pk))
    assert response.status_code == 400
    assert not Activity.objects.exists()


def test_a_bad_registration_shows_the_error_on_its_field(client, edition, heping, region):
    client.force_login(heping)
    response = client.post(
        url("activities_new"),
        form_data(region=region(HEPING).pk, ends_at="2019-09-17T08:00"),
    )
    assert response.status_code == 400
    assert "An activity must end after it starts." in response.content.decode()
    response = client.post(
        url("activities_new"),
        form_data(region=region(HEPING).pk, format="online", venue_address=""),
    )
    assert response.status_code == 400
    assert "An online activity needs its link." in response.content.decode()
    assert not Activity.objects.exists()


def test_the_detail_page_shows_the_contact_only_with_a_reason_and_logs_it(client, edition, heping):
    activity = ActivityFactory(edition=edition)
    client.force_login(heping)
    page = client.get(url("activities_detail", activity.pk)).content.decode()
    assert "李老师" not in page
    assert "Submit for review" in page
    assert not AccessLogEntry.objects.exists()
    refused = client.post(url("activities_detail", activity.pk), {"reveal-why": " "})
    assert refused.status_code == 400
    assert "李老师" not in refused.content.decode()
    assert not AccessLogEntry.objects.exists()
    shown = client.post(url("activities_detail", activity.pk), {"reveal-why": "核对联系人"})
    assert "李老师" in shown.content.decode()
    entry = AccessLogEntry.objects.get()
    assert (entry.actor_ref, entry.why) == (f"user:{heping.pk}", "核对联系人")
    assert f"#{activity.pk}" in entry.what


def test_the_registrant_sees_what_they_wrote_without_a_reason(client, edition, heping):
    activity = ActivityFactory(edition=edition, created_by=heping)
    client.force_login(heping)
    page = client.get(url("activities_detail", activity.pk)).content.decode()
    assert "李老师" in page
    assert not AccessLogEntry.objects.exists()


def test_the_edit_form_is_filled_in_only_after_a_reason(client, edition, heping):
    activity = ActivityFactory(edition=edition)
    client.force_login(heping)
    page = client.get(url("activities_edit", activity.pk)).content.decode()
    assert "李老师" not in page
    shown = client.post(url("activities_edit", activity.pk), {"reveal-why": "更正活动信息"})
    page = shown.content.decode()
    assert shown.status_code == 200
    assert 'value="李老师"' in page
    assert "is-invalid" not in page
    assert AccessLogEntry.objects.count() == 1


def test_review_by_the_region_above_publishes_the_activity(client, edition, tianjin):
    activity = ActivityFactory(edition=edition, status=S.SUBMITTED)
    client.force_login(tianjin)
    response = client.post(
        url("activities_review", activity.pk), {"decision": "approve", "comment": "好"}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == S.APPROVED
    assert client.get(reverse("activities:detail", args=[activity.pk])).status_code == 200


def test_returning_without_a_comment_is_a_form_error(client, edition, tianjin):
    activity = ActivityFactory(edition=edition, status=S.SUBMITTED)
    client.force_login(tianjin)
    response = client.post(url("activities_review", activity.pk), {"decision": "return"})
    assert response.status_code == 400
    assert "Say what needs to change." in response.content.decode()
    activity.refresh_from_db()
    assert activity.status == S.SUBMITTED


def test_a_second_decision_is_refused_on_the_form(client, edition, tianjin, tianjin_city):
    activity = ActivityFactory(edition=edition, status=S.SUBMITTED)
    client.force_login(tianjin)
    client.post(url("activities_review", activity.pk), {"decision": "approve"})
    client.force_login(tianjin_city)
    response = client.post(
        url("activities_review", activity.pk), {"decision": "return", "comment": "不行"}
    )
    assert response.status_code == 400
    assert "Only a submitted activity can be returned." in response.content.decode()
    assert activity.steps.filter(action__in=["approved", "returned"]).count() == 1


def test_outcome_with_photos_and_verification(client, edition, heping, tianjin):
    activity = ActivityFactory(edition=edition, status=S.HELD)
    client.force_login(heping)
    response = client.post(
        url("activities_outcome", activity.pk),
        {
            "participants": "250",
            "online_reach": "3000",
            "summary": "活动圆满完成。",
            "photos": [SimpleUploadedFile("a.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == S.REPORTED
    photo = activity.photos.get()
    # Before verification only organisers in scope see the photo.
    client.logout()
    assert client.get(reverse("activities:photo", args=[photo.token])).status_code == 404
    client.force_login(tianjin)
    assert client.get(reverse("activities:photo", args=[photo.token])).status_code == 200
    client.post(url("activities_verify", activity.pk), {"decision": "verify"})
    client.logout()
    response = client.get(reverse("activities:photo", args=[photo.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


def test_a_photo_that_is_not_an_image_is_refused(client, edition, heping):
    activity = ActivityFactory(edition=edition, status=S.HELD)
    client.force_login(heping)
    response = client.post(
        url("activities_outcome", activity.pk),
        {
            "participants": "1",
            "online_reach": "0",
            "summary": "x",
            "photos": [SimpleUploadedFile("a.png", b"<html>", content_type="image/png")],
        },
    )
    assert response.status_code == 400
    assert "Photos must be JPEG or PNG images." in response.content.decode()
    activity.refresh_from_db()
    assert activity.status == S.HELD


# --- Export ----------------------------------------------------------------------------------
def test_the_export_holds_the_filtered_list_in_scope_without_contacts(
    client, edition, tianjin, region
):
    ActivityFactory(edition=edition, title="=HYPERLINK(1)", sector=Sector.SCHOOL)
    ActivityFactory(edition=edition, title="社区活动", sector=Sector.COMMUNITY)
    ActivityFactory(edition=edition, title="河北活动", region=region("130102"))
    client.force_login(tianjin)
    response = client.get(url("activities_export", "csv"), {"sector": "school"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:2] == ["ID", "Title"]
    assert [r[1] for r in rows[1:]] == ["'=HYPERLINK(1)"]
    assert "李老师" not in body
    assert "138" not in body
    response = client.get(url("activities_export", "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert titles == ["'=HYPERLINK(1)", "社区活动"]
    assert AuditEvent.objects.filter(action="activities.exported", actor=tianjin).count() == 2


def test_an_export_with_bad_filters_is_a_400(client, edition, tianjin):
    client.force_login(tianjin)
    assert client.get(url("activities_export", "csv"), {"region": "999999"}).status_code == 400
    assert client.get("/en/organiser/activities/export.pdf").status_code == 404


# --- Coverage --------------------------------------------------------------------------------
def test_coverage_counts_per_district_and_sector_and_highlights_gaps(client, edition, tianjin):
    from cyberweek.geo.models import Region

    heping = Region.objects.get(code=HEPING)
    ActivityFactory(edition=edition, status=S.APPROVED, expected_reach=100)
    ActivityFactory(
        edition=edition,
        status=S.VERIFIED,
        participants=40,
        online_reach=10,
        outcome_reported_at=at(18, "10:00"),
    )
    ActivityFactory(edition=edition, status=S.DRAFT)
    client.force_login(tianjin)
    response = client.get(url("activities_coverage"), {"region": "120100"})
    coverage = response.context["coverage"]
    row = next(r for r in coverage.rows if r.region == heping)
    school = row.cells[list(Sector.values).index(Sector.SCHOOL)]
    assert (school.count, school.reach) == (2, 150)
    assert row.gaps == 8
    assert coverage.count == 2
    page = response.content.decode()
    assert "table-warning" in page
    assert f"?region={HEPING}&amp;sector=school" in page
    assert "1 outcome report overdue" in page


def test_coverage_of_an_unknown_region_is_a_400(client, tianjin, edition):
    client.force_login(tianjin)
    assert client.get(url("activities_coverage"), {"region": "abc"}).status_code == 400


def test_coverage_opens_on_the_organisers_own_region(client, tianjin, edition):
    client.force_login(tianjin)
    response = client.get(url("activities_coverage"))
    assert response.context["coverage"].region.code == "120000"


# --- Public pages ----------------------------------------------------------------------------
def test_the_public_list_shows_only_approved_activities(client, edition):
    ActivityFactory(edition=edition, status=S.APPROVED, title_en="Approved one")
    ActivityFactory(edition=edition, status=S.SUBMITTED, title_en="Submitted one")
    page = client.get(reverse("activities:list")).content.decode()
    assert "Approved one" in page
    assert "Submitted one" not in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "120000"}, {"天津学校"}),
        ({"region": "130000"}, {"河北社区"}),
        ({"sector": "community"}, {"河北社区"}),
        ({"format": "online"}, {"河北社区"}),
        ({"q": "学校"}, {"天津学校"}),
        ({"q": "SAFE"}, {"天津学校"}),
        ({"day": "2019-09-18"}, {"河北社区"}),
        ({}, {"天津学校", "河北社区"}),
    ],
)
def test_the_public_list_filters(client, edition, region, params, expected):
    ActivityFactory(edition=edition, status=S.APPROVED, title="天津学校", title_en="Safe school")
    ActivityFactory(
        edition=edition,
        status=S.VERIFIED,
        title="河北社区",
        title_en="Community",
        sector=Sector.COMMUNITY,
        format=Activity.Format.ONLINE,
        region=region("130102"),
        starts_at=at(18, "09:00"),
        ends_at=at(18, "10:00"),
    )
    response = client.get(reverse("activities:list"), params)
    assert response.status_code == 200
    shown = {a.title for a in response.context["activities"]}
    assert shown == expected


def test_the_public_list_filters_by_themed_day(client, edition):
    day = edition.themed_days.get()
    ActivityFactory(edition=edition, status=S.APPROVED, title="校园日活动", themed_day=day)
    ActivityFactory(edition=edition, status=S.APPROVED, title="其他活动")
    response = client.get(reverse("activities:list"), {"themed_day": day.pk})
    assert [a.title for a in response.context["activities"]] == ["校园日活动"]


@pytest.mark.parametrize(
    "params",
    [
        {"region": "999999"},
        {"sector": "pets"},
        {"day": "2019-13-01"},
        {"day": "0001-01-01"},
        {"q": "x" * 61},
        {"themed_day": "abc"},
    ],
)
def test_bad_public_filters_are_a_400_with_the_reason(client, edition, params):
    response = client.get(reverse("activities:list"), params)
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()


def test_the_public_list_pages_without_counting(client, edition):
    for _ in range(21):
        ActivityFactory(edition=edition, status=S.APPROVED)
    first = client.get(reverse("activities:list"))
    assert len(first.context["activities"]) == 20
    assert first.context["has_next"]
    second = client.get(reverse("activities:list"), {"page": "2"})
    assert len(second.context["activities"]) == 1
    assert not second.context["has_next"]
    assert client.get(reverse("activities:list"), {"page": "-3"}).status_code == 200


def test_the_public_detail_never_shows_the_contact_or_the_original_text(client, edition):
    activity = ActivityFactory(
        edition=edition,
        status=S.APPROVED,
        description="电话13812345678",
        public_description="电话138****5678",
    )
    page = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page
    assert "李老师" not in page


def test_a_draft_has_no_public_page(client, edition):
    activity = ActivityFactory(edition=edition, status=S.SUBMITTED)
    assert client.get(reverse("activities:detail", args=[activity.pk])).status_code == 404


def test_the_map_data_counts_per_province(client, edition, region):
    ActivityFactory(edition=edition, status=S.APPROVED)
    ActivityFactory(edition=edition, status=S.APPROVED, sector=Sector.FAMILY)
    ActivityFactory(edition=edition, status=S.APPROVED, region=region("130102"))
    ActivityFactory(edition=edition, status=S.DRAFT, region=region("130102"))
    data = client.get(reverse("activities:map_data")).json()
    counts = {p["code"]: p["value"] for p in data["provinces"]}
    assert counts["120000"] == 2
    assert counts["130000"] == 1
    assert counts["110000"] == 0
    assert next(p for p in data["provinces"] if p["code"] == "120000")["name"] == "天津市"
    family = client.get(reverse("activities:map_data"), {"sector": "family"}).json()
    assert sum(p["value"] for p in family["provinces"]) == 1
    assert client.get(reverse("activities:map_data"), {"sector": "x"}).status_code == 400


def test_the_map_page_loads_echarts_and_the_china_map(client, edition):
    page = client.get(reverse("activities:map")).content.decode()
    assert "vendor/echarts/echarts.min.js" in page
    assert "vendor/china-map/china.json" in page


def test_the_public_pages_are_chinese_by_default(client, edition):
    ActivityFactory(edition=edition, status=S.APPROVED)
    with translation.override("zh-hans"):
        list_url = reverse("activities:list")
    page = client.get(list_url).content.decode()
    assert "地方活动" in page
    assert "校园" in page


def test_the_health_page_is_trivial(client):
    response = client.get(reverse("activities:health"))
    assert response.content == b"ok"


def test_without_any_edition_the_public_list_is_not_found(client):
    assert client.get(reverse("activities:list")).status_code == 404


# --- The public list from the cache ---------------------------------------------------------
def test_anonymous_visitors_get_the_whole_list_page_from_one_cache_read(
    client, edition, django_assert_num_queries
):
    ActivityFactory(edition=edition, status=S.APPROVED, title="天津学校")
    first = client.get("/activities/?sector=school")
    with django_assert_num_queries(0):
        again = client.get("/activities/?sector=school")
    assert again.status_code == 200
    assert again.content == first.content
    assert "Cookie" in again["Vary"]
    assert "天津学校" in again.content.decode()


def test_a_workflow_step_refreshes_the_cached_public_page(client, edition, tianjin):
    from cyberweek.activities import services

    submitted = ActivityFactory(edition=edition, status=S.SUBMITTED, title="新提交的活动")
    assert "新提交的活动" not in client.get("/activities/").content.decode()
    services.approve_activity(actor=tianjin, activity_id=submitted.pk)
    assert "新提交的活动" in client.get("/activities/").content.decode()


def test_a_step_taken_while_redis_is_away_does_not_leave_the_old_page_behind(
    client, edition, tianjin, shared_redis
):
    from cyberweek.activities import services

    submitted = ActivityFactory(edition=edition, status=S.SUBMITTED, title="断线时批准的活动")
    assert "断线时批准的活动" not in client.get("/activities/").content.decode()  # cached
    shared_redis(False)
    services.approve_activity(actor=tianjin, activity_id=submitted.pk)
    shared_redis(True)  # back, with the page cached before the step
    next_try_is_due()
    outbox.deliver_due()
    assert "断线时批准的活动" in client.get("/activities/").content.decode()


def test_a_signed_in_person_never_gets_the_anonymous_copy_and_vice_versa(client, edition):
    ActivityFactory(edition=edition, status=S.APPROVED)
    anonymous = client.get("/activities/").content.decode()
    assert "accounts/logout" not in anonymous
    client.force_login(UserFactory())
    signed_in = client.get("/activities/").content.decode()
    assert "accounts/logout" in signed_in
    assert "X-CSRFToken" in signed_in  # htmx requests of signed-in people carry it
    client.logout()
    assert client.get("/activities/").content.decode() == anonymous


def test_each_language_has_its_own_cached_page(client, edition):
    ActivityFactory(edition=edition, status=S.APPROVED, title="天津学校", title_en="Safe school")
    chinese = client.get("/activities/").content.decode()
    english = client.get("/en/activities/").content.decode()
    assert '<html lang="zh-CN">' in chinese
    assert '<html lang="en">' in english
    assert client.get("/activities/").content.decode() == chinese


def test_public_pages_carry_no_csrf_token_for_anonymous_visitors(client, edition):
    page = client.get("/activities/")
    assert "csrfmiddlewaretoken" not in page.content.decode()
    assert "X-CSRFToken" not in page.content.decode()
    assert "csrftoken" not in page.cookies


def test_one_submit_shows_every_error_of_the_form_at_once(client, edition, heping, region):
    client.force_login(heping)
    response = client.post(
        url("activities_new"),
        form_data(
            region=region(HEPING).pk,
            title="",  # the field's own rule
            format="online",  # the activity's rules below
            venue_address="",
            online_url="",
            contact_phone="12",
            starts_at="2019-09-17T09:00",
            ends_at="2019-09-17T08:00",
            public_registration="on",
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page
    assert "An online activity needs its link." in page
    assert "Enter a valid phone number." in page
    assert "An activity must end after it starts." in page
    assert "Give the capacity when the public can register." in page
    assert not Activity.objects.exists()


def test_the_service_raises_every_broken_rule_of_an_activity_together(edition, heping):
    from cyberweek.activities import services
    from cyberweek.core.errors import ValidationFailed

    data = activity_data(
        format="online", online_url="", contact_phone="12", ends_at=at(17, "08:00")
    )
    with pytest.raises(ValidationFailed) as raised:
        services.register_activity(actor=heping, data=data, edition=edition)
    fields = [field for field, _message in raised.value.errors]
    assert fields == ["online_url", "ends_at", "contact_phone"]


def test_the_coverage_region_picker_finds_regions_by_chinese_pinyin_and_english(
    client, tianjin, edition
):
    client.force_login(tianjin)
    page = client.get(url("activities_coverage")).content.decode()
    assert 'list="region-options"' in page
    option = next(line for line in page.split("<option") if line.startswith(' value="120101"'))
    assert "天津市 和平区" in option
    assert "tianjinshi hepingqu" in option
    province = next(line for line in page.split("<option") if line.startswith(' value="120000"'))
    assert "Tianjin" in province
    # A name typed without picking from the list is understood when only one region has it.
    response = client.get(url("activities_coverage"), {"region": "天津市"})
    assert response.status_code == 200
    assert response.context["region"].code == "120000"
    ambiguous = client.get(url("activities_coverage"), {"region": "和平区"})
    assert ambiguous.status_code == 400
    assert "Choose a current region from the list." in ambiguous.content.decode()
