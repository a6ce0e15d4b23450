"""The activities app's declaration of the personal data it holds: export, erase, purge."""

from datetime import date

import pytest
from django.apps import apps

from cyberweek.activities import services
from cyberweek.activities.models import Activity, ActivityStep
from cyberweek.activities.personal_data import SOURCES
from cyberweek.core.fields import encrypted_fields

from .factories import ActivityFactory, activity_data

pytestmark = pytest.mark.django_db
BY_KEY = {source.key: source for source in SOURCES}


def test_every_model_with_personal_fields_is_declared():
    declared = {m for source in SOURCES for m in source.models}
    for model in apps.get_app_config("activities").get_models():
        links_a_user = any(
            f.is_relation and f.related_model is apps.get_model("accounts.User")
            for f in model._meta.concrete_fields
        )
        if encrypted_fields(model) or links_a_user:
            assert model._meta.label_lower in declared, model._meta.label


def test_export_erase_and_idempotence(heping, tianjin, edition):
    activity = services.register_activity(actor=heping, data=activity_data(), edition=edition)
    services.submit_activity(actor=heping, activity_id=activity.pk)
    services.approve_activity(actor=tianjin, activity_id=activity.pk)
    contacts = BY_KEY["activities.contacts"]
    workflow = BY_KEY["activities.workflow"]
    exported = contacts.export(heping)
    assert len(exported) == 1
    assert "王老师" in exported[0].values()
    assert len(workflow.export(heping)) == 2
    assert len(workflow.export(tianjin)) == 1

    assert contacts.erase(heping) == 1
    assert workflow.erase(heping) == 2
    assert contacts.erase(heping) == 0
    assert workflow.erase(heping) == 0
    activity.refresh_from_db()
    assert activity.contact_name is None
    assert activity.created_by is None
    assert activity.status == Activity.Status.APPROVED
    assert ActivityStep.objects.filter(activity=activity).count() == 3
    assert contacts.export(heping) == []
    assert workflow.export(heping) == []


def test_contacts_are_blanked_a_year_after_the_edition(edition):
    ActivityFactory(edition=edition)
    contacts = BY_KEY["activities.contacts"]
    assert contacts.purge_due(today=date(2020, 9, 1), dry_run=False) == 0
    assert contacts.purge_due(today=date(2020, 10, 1), dry_run=True) == 1
    assert Activity.objects.get().contact_name == "李老师"
    assert contacts.purge_due(today=date(2020, 10, 1), dry_run=False) == 1
    assert Activity.objects.get().contact_name is None
    assert contacts.purge_due(today=date(2020, 10, 1), dry_run=False) == 0


def test_names_leave_the_history_after_the_audit_period(heping, edition):
    activity = services.register_activity(actor=heping, data=activity_data(), edition=edition)
    workflow = BY_KEY["activities.workflow"]
    assert workflow.purge_due(today=date.today(), dry_run=False) == 0
    far = date(date.today().year + 4, 1, 1)
    assert workflow.purge_due(today=far, dry_run=False) == 1
    assert activity.steps.get().actor is None


def test_purge_keeps_only_the_masked_texts_and_the_link_later_erasure_needs(heping, edition):
    """The original description and outcome summary may name people (the organiser, a
    speaker, a home address): past the period only the screened public copies stay. The
    link to who registered the activity stays too, so the person still sees it in their
    download and deleting their account still reaches it."""
    written = "联系人张伟，手机13812345678，身份证110101199003071234，家住北京市朝阳区幸福路8号"
    ActivityFactory(
        edition=edition,
        created_by=heping,
        description=written,
        public_description="联系人**，手机138****5678",
        outcome_summary=f"{written}。到场120人",
        public_outcome_summary="联系人**。到场120人",
    )
    contacts = BY_KEY["activities.contacts"]
    assert contacts.purge_due(today=date(2020, 10, 1), dry_run=False) == 1
    activity = Activity.objects.get()
    assert activity.description == "联系人**，手机138****5678"
    assert activity.outcome_summary == "联系人**。到场120人"
    assert (activity.contact_name, activity.contact_phone) == (None, None)
    assert activity.created_by == heping
    assert len(contacts.export(heping)) == 1
    assert contacts.erase(heping) == 1
    assert Activity.objects.get().created_by is None
