"""Every model holding personal data is declared, so export, deletion and retention reach it."""

from django.apps import apps
from django.conf import settings

from cyberweek.core.fields import EncryptedTextField
from cyberweek.privacy import registry


def models_with_personal_fields():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in apps.get_models():
        links_to_user = any(
            f.is_relation and f.related_model is user_model and f.concrete
            for f in model._meta.get_fields()
        )
        encrypted = any(isinstance(f, EncryptedTextField) for f in model._meta.concrete_fields)
        if model is user_model or links_to_user or encrypted:
            yield model._meta.label_lower


def test_every_model_with_personal_fields_is_declared():
    undeclared = set(models_with_personal_fields()) - registry.declared_models()
    assert not undeclared, f"declare these in some app's personal_data.SOURCES: {undeclared}"


def test_the_check_would_notice_an_undeclared_model():
    assert "accounts.user" in set(models_with_personal_fields())
    assert "privacy.datasubjectrequest" in set(models_with_personal_fields())


def test_every_declared_model_exists_and_keys_are_unique():
    labels = {m._meta.label_lower for m in apps.get_models()}
    assert registry.declared_models() <= labels
    keys = [s.key for s in registry.sources()]
    assert len(keys) == len(set(keys))


# Models that hang off a declared model but say nothing about a person, and why.
NOT_PERSONAL = {
    "activities.outcomephoto": "photos of a held activity, part of its outcome report",
    "activities.overduereminder": "a date and a number of organisers reminded",
    "quiz.question": "the question bank; its current revision names no one",
}


def test_rows_that_hang_off_personal_rows_are_declared_too():
    """An answer belongs to an attempt, which belongs to a person: a model whose rows point
    to a declared model's rows is personal data as well, unless argued otherwise above."""
    declared = registry.declared_models()
    hanging = {
        model._meta.label_lower
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model and f.related_model._meta.label_lower in declared
    }
    undeclared = hanging - declared - set(NOT_PERSONAL)
    assert not undeclared, f"declare these in some app's personal_data.SOURCES: {undeclared}"
    assert set(NOT_PERSONAL) <= hanging, "an argued exception no longer applies: remove it"
