"""Model fields for personal information: encrypted at rest, with blind indexes for lookups.

    email = EncryptedTextField(_("email address"), blank=True, null=True)
    email_index = BlindIndexField(source="email", normaliser=normalise_email, purpose="user.email")

The encrypted column cannot be searched; look a value up by its blind index
(`Model.objects.filter(email_index=blind_index_for(Model, "email_index", value))`).
"""

from collections.abc import Callable

from django.db import models

from .crypto import DecryptionError, key_ring


class EncryptedTextField(models.TextField):
    """Text stored as authenticated ciphertext under the key ring's active key."""

    description = "Encrypted text"

    def _context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return key_ring().decrypt(value, context=self._context())
        except DecryptionError as error:
            raise DecryptionError(f"{self._context()}: {error}") from error

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return key_ring().encrypt(value, context=self._context())

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull"}:
            raise TypeError(
                f"{self._context()} is encrypted: filter on its blind index instead "
                f"of `{lookup_name}`."
            )
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):
    """A keyed digest of another field's normalised value, computed on every save."""

    def __init__(
        self,
        *args,
        source: str = "",
        normaliser: Callable[[str], str] = str,
        purpose: str = "",
        **kwargs,
    ):
        self.source, self.normaliser, self.purpose = source, normaliser, purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def digest(self, value) -> str | None:
        if value is None or value == "":
            return None
        return key_ring().blind_index(self.normaliser(value), purpose=self.purpose)

    def pre_save(self, model_instance, add):
        value = self.digest(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def blind_index_for(model, field_name: str, value: str) -> str | None:
    """The digest to filter `model` by, for a value as a person typed it."""
    return model._meta.get_field(field_name).digest(value)


def encrypted_fields(model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
