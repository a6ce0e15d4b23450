"""The one gate in front of every organiser page."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import devices_for_user

from cyberweek.core.errors import PermissionDenied
from cyberweek.core.permissions import (
    held_roles,
    require_action,
    require_scope,
    second_factor_missing,
)


def needs_second_factor(user) -> bool:
    """An organiser (or staff member, who reaches the admin) whose session has not passed
    the second factor, where one is required."""
    if not (held_roles(user) or (user.is_active and getattr(user, "is_staff", False))):
        return False
    return second_factor_missing(user)


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
        if needs_second_factor(user):
            return redirect(second_factor_url(user, next_url=request.get_full_path()))
        try:
            scope = self.get_scope()
            if scope is None:
                require_action(user, self.required_action)
            else:
                require_scope(user, action=self.required_action, **scope)
        except PermissionDenied as error:
            return render(request, "core/forbidden.html", {"message": error.message}, status=403)
        return super().dispatch(request, *args, **kwargs)


def second_factor_url(user, *, next_url: str = "") -> str:
    """The code page, or the set-up page for an organiser who has no authenticator yet."""
    has_device = any(True for _ in devices_for_user(user, confirmed=True))
    url = reverse("accounts:otp_verify" if has_device else "accounts:otp_setup")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
