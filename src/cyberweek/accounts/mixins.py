"""The one gate in front of every organiser page."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import devices_for_user

from cyberweek.core.errors import PermissionDenied
from cyberweek.core.permissions import require_action, require_scope, roles_of


def needs_second_factor(user) -> bool:
    # OTPMiddleware adds is_verified to request.user; a user just signed in has not got it yet.
    is_verified = getattr(user, "is_verified", None)
    return settings.ORGANISER_2FA_REQUIRED and not (is_verified and is_verified())


class OrganiserRequiredMixin:
    """Signed in, an organiser, past the second factor where required, and in scope.

    `required_action` names the action; `get_scope()` returns the region and sector the page
    acts on (`None`: any role allowing the action will do, as for lists that show only what
    is in the actor's scope). Services check again: they are the boundary.
    """

    required_action = "organiser.access"

    def get_scope(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if roles_of(user) and needs_second_factor(user):
            return redirect(f"{_second_factor_url(user)}?next={request.get_full_path()}")
        try:
            scope = self.get_scope()
            if scope is None:
                require_action(user, self.required_action)
            else:
                require_scope(user, action=self.required_action, **scope)
        except PermissionDenied as error:
            return render(request, "core/forbidden.html", {"message": error.message}, status=403)
        return super().dispatch(request, *args, **kwargs)


def _second_factor_url(user) -> str:
    has_device = any(True for _ in devices_for_user(user, confirmed=True))
    return reverse("accounts:otp_verify" if has_device else "accounts:otp_setup")
