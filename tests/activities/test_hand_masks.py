"""An organiser masks by hand what the automatic check missed; the public sees exactly the
screened text, and the organiser's page previews that same text."""

import re

import pytest
from django.urls import reverse

from cyberweek.activities import services
from cyberweek.activities.models import Activity
from cyberweek.activities.personal_data import SOURCES
from cyberweek.core.screening import screen_text

from .factories import HEPING, ActivityFactory, activity_data, at
from .test_views import form_data, url

pytestmark = pytest.mark.django_db
S = Activity.Status
PROSE = "本次活动由社区网格员王建国负责，咨询请联系王建国。"


def public_texts(page: str) -> list[str]:
    return re.findall(r'<div class="public-text[^"]*"[^>]*>(.*?)</div>', page, re.S)


def test_a_name_the_engine_misses_is_masked_by_hand_everywhere_it_occurs(
    client, edition, heping, tianjin, region
):
    client.force_login(heping)
    response = client.post(
        url("activities_new"),
        form_data(region=region(HEPING).pk, description=PROSE, hand_masks="王建国\n"),
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.public_description == "本次活动由社区网格员***负责，咨询请联系***。"
    preview = client.get(url("activities_detail", activity.pk)).content.decode()
    # The organiser's preview is the text the public will read, character for character.
    assert public_texts(preview) == [activity.public_description]
    services.submit_activity(actor=heping, activity_id=activity.pk)
    services.approve_activity(actor=tianjin, activity_id=activity.pk)
    public = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "王建国" not in public
    assert public_texts(public) == public_texts(preview)
    api = client.get(f"/api/activities/{activity.pk}").json()
    assert api["description"] == activity.public_description


def test_without_a_hand_mask_the_preview_shows_the_name_before_anyone_else_does(
    client, edition, heping, region
):
    # The engine's miss (#21) is visible to the organiser as what the public would read.
    client.force_login(heping)
    client.post(url("activities_new"), form_data(region=region(HEPING).pk, description=PROSE))
    activity = Activity.objects.get()
    preview = client.get(url("activities_detail", activity.pk)).content.decode()
    assert public_texts(preview) == [activity.public_description]


def test_editing_the_text_keeps_the_hand_masks(edition, heping):
    activity = services.register_activity(
        actor=heping, data=activity_data(description=PROSE, hand_masks="王建国"), edition=edition
    )
    services.update_activity(
        actor=heping, activity_id=activity.pk, data={"description": "王建国将在现场讲解。"}
    )
    activity.refresh_from_db()
    assert activity.hand_masks == "王建国"
    assert activity.public_description == "***将在现场讲解。"
    assert "王建国" not in activity.search_text


def test_the_edit_form_carries_the_hand_masks_back(client, edition, heping, region):
    activity = services.register_activity(
        actor=heping, data=activity_data(description=PROSE, hand_masks="王建国"), edition=edition
    )
    client.force_login(heping)
    page = client.get(url("activities_edit", activity.pk)).content.decode()
    assert "王建国</textarea>" in page
    client.post(
        url("activities_edit", activity.pk),
        form_data(region=region(HEPING).pk, description="联系人王建国", hand_masks="王建国"),
    )
    activity.refresh_from_db()
    assert activity.public_description == "联系人***"


def test_the_outcome_summary_is_masked_by_the_same_hand_masks(edition, heping):
    activity = ActivityFactory(
        edition=edition,
        status=S.HELD,
        hand_masks="王建国",
        starts_at=at(17, "09:00"),
        ends_at=at(17, "11:00"),
    )
    services.report_outcome(
        actor=heping,
        activity_id=activity.pk,
        participants=40,
        online_reach=0,
        summary="王建国主持，效果良好。",
    )
    activity.refresh_from_db()
    assert activity.public_outcome_summary == "***主持，效果良好。"


@pytest.mark.parametrize(
    ("hand_masks", "message"),
    [
        ("王", "a word to mask has 2 to 60 characters"),
        ("\n".join(f"词{i:02}" for i in range(51)), "at most 50 words"),
    ],
)
def test_a_hand_mask_that_would_do_harm_is_a_form_error(
    client, edition, heping, region, hand_masks, message
):
    client.force_login(heping)
    response = client.post(
        url("activities_new"),
        form_data(region=region(HEPING).pk, description=PROSE, hand_masks=hand_masks),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Activity.objects.exists()


def test_hand_masks_match_latin_words_in_any_case():
    screening = screen_text("Contact Pat Lee or PAT LEE at the desk.", ["pat lee"])
    assert screening.public_text == "Contact ******* or ******* at the desk."
    assert screening.hand_masked == 2


def test_erasing_the_registrant_drops_the_hand_masks_and_keeps_the_masked_text(heping, edition):
    activity = services.register_activity(
        actor=heping, data=activity_data(description=PROSE, hand_masks="王建国"), edition=edition
    )
    contacts = next(source for source in SOURCES if source.key == "activities.contacts")
    contacts.erase(heping)
    activity.refresh_from_db()
    assert activity.hand_masks == ""
    assert "王建国" not in activity.description
    assert activity.public_description == "本次活动由社区网格员***负责，咨询请联系***。"


def test_a_reviewers_comment_is_screened_with_the_hand_masks(edition, heping, tianjin):
    activity = services.register_activity(
        actor=heping, data=activity_data(description=PROSE, hand_masks="王建国"), edition=edition
    )
    services.submit_activity(actor=heping, activity_id=activity.pk)
    services.return_activity(actor=tianjin, activity_id=activity.pk, comment="请补充王建国的职务")
    assert activity.steps.last().comment == "请补充***的职务"
