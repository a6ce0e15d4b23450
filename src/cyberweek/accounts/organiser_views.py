"""Organisers appoint the organisers below them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from cyberweek.core.errors import DomainError, NotFound
from cyberweek.core.reveal import Look, RevealMixin
from cyberweek.core.views import ServiceFormView
from cyberweek.geo.models import Region

from . import queries, services
from .forms import GrantRoleForm
from .mixins import OrganiserRequiredMixin
from .models import User


class TeamMixin(OrganiserRequiredMixin):
    required_action = "accounts.grant_role"


class RoleListView(TeamMixin, RevealMixin, ListView):
    """The organisers in one's scope, named only after a reason (their names are personal
    data); each named person is in the access log."""

    template_name = "accounts/organiser/roles.html"
    context_object_name = "roles"
    paginate_by = 50

    def get_queryset(self):
        return queries.roles_in_scope(self.request.user)

    def personal_data_looks(self):
        page = self.paginate_queryset(self.get_queryset(), self.paginate_by)[1]
        people = {role.user for role in page if role.user_id != self.request.user.pk}
        return [
            Look(person, "accounts: organiser's name in the organiser list") for person in people
        ]

    def post(self, request, *args, **kwargs):
        self.object_list = self.get_queryset()
        return super().post(request, *args, **kwargs)


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
