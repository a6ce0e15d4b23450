"""Normalising the identifiers people sign in with, so one person has one spelling."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _


def normalise_email(value: str) -> str:
    value = (value or "").strip().lower()
    validate_email(value)
    return value


def normalise_mobile(value: str) -> str:
    """A mobile number in E.164 form. Numbers without a country code are read as Chinese."""
    try:
        number = phonenumbers.parse((value or "").strip(), "CN")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(_("Enter a valid mobile number."), code="invalid_mobile") from error
    mobile_types = {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
    if (
        not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in mobile_types
    ):
        raise ValidationError(_("Enter a valid mobile number."), code="invalid_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_email(value: str) -> bool:
    return "@" in (value or "")


def sign_in_key(value: str) -> str:
    """The one spelling a sign-in attempt is counted under: the normalised email address or
    E.164 number, so `+86 138-1234-0001` and `0086 13812340001` share a counter. What
    normalises to neither cannot be anyone's identifier, and is counted as typed."""
    value = (value or "").strip()
    try:
        return normalise_email(value) if looks_like_email(value) else normalise_mobile(value)
    except ValidationError:
        return value.lower()
