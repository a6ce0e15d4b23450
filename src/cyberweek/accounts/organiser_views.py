"""Organisers appoint the organisers below them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from cyberweek.core.errors import DomainError, NotFound
from cyberweek.core.views import ServiceFormView
from cyberweek.geo.models import Region

from . import queries, services
from .forms import GrantRoleForm
from .mixins import OrganiserRequiredMixin
from .models import User


class TeamMixin(OrganiserRequiredMixin):
    required_action = "accounts.grant_role"


class RoleListView(TeamMixin, ListView):
    template_name = "accounts/organiser/roles.html"
    context_object_name = "roles"
    paginate_by = 50

    def get_queryset(self):
        return queries.roles_in_scope(self.request.user)


class GrantRoleView(TeamMixin, ServiceFormView):
    template_name = "accounts/organiser/grant_role.html"
    form_class = GrantRoleForm
    success_message = gettext_lazy("The role has been given.")

    def perform(self, form):
        data = form.cleaned_data
        person = queries.user_by_identifier(data["identifier"])
        if person is None:
            raise NotFound(
                _("Nobody has signed up with that address or number."), field="identifier"
            )
        region = Region.objects.filter(code=data["region_code"], is_active=True).first()
        if region is None:
            raise NotFound(_("There is no current region with that code."), field="region_code")
        return services.grant_role(
            actor=self.request.user,
            user=person,
            level=data["level"],
            region=region,
            sector=data["sector"],
            unit_name=data["unit_name"],
        )

    def get_success_url(self):
        return reverse("organiser:roles")


class ResetSecondFactorView(TeamMixin, View):
    """A higher organiser resets the authenticator of someone who lost it (POST only)."""

    http_method_names = ["post"]

    def post(self, request, user_id):
        person = get_object_or_404(User, pk=user_id)
        try:
            services.reset_second_factor(actor=request.user, user=person)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Their authenticator is reset: they set up a new one at their next sign-in."),
            )
        return redirect("organiser:roles")
