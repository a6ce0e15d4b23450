"""Django's admin behind the same second factor as the organiser area.

Staff edit roles and authenticators there, so a password alone must not open it: where
two-factor sign-in is required, a staff session that has not passed it is sent to the code
page (or, for staff with no authenticator yet, to set one up)."""

from django.contrib import admin
from django.shortcuts import redirect

from cyberweek.core.permissions import second_factor_missing

from .mixins import second_factor_url


class SecondFactorAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and not second_factor_missing(request.user)

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_active and user.is_staff and second_factor_missing(user):
            next_url = request.GET.get("next") or request.path.replace("login/", "")
            return redirect(second_factor_url(user, next_url=next_url))
        return super().login(request, extra_context)
