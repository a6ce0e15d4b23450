from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .identifiers import looks_like_email, normalise_email, normalise_mobile
from .models import User


class EmailOrMobileBackend(ModelBackend):
    """Sign in with an email address or a mobile number, whichever the person has."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        identifier = username or kwargs.get(User.USERNAME_FIELD)
        if not identifier or password is None:
            return None
        try:
            if looks_like_email(identifier):
                user = User.objects.by_email(normalise_email(identifier)).get()
            else:
                user = User.objects.by_mobile(normalise_mobile(identifier)).get()
        except (User.DoesNotExist, ValidationError):
            # Hash anyway so that an unknown identifier takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user):
        # An account whose address is not confirmed yet cannot sign in (services.sign_up).
        return super().user_can_authenticate(user) and user.verified_at is not None
