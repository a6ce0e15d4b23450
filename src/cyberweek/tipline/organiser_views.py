"""Organisers recruit tip-line volunteers and set the region each one triages."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.core.errors import DomainError
from cyberweek.core.views import ServiceFormView

from . import actions
from .forms import RecruitForm
from .queries import volunteers_for
from .services.volunteers import dismiss_volunteer, recruit_volunteer


class VolunteersView(ServiceFormView):
    required_action = actions.RECRUIT
    template_name = "tipline/organiser/volunteers.html"
    form_class = RecruitForm
    success_message = ""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "volunteers": volunteers_for(self.request.user),
        }

    def perform(self, form):
        volunteer = recruit_volunteer(
            actor=self.request.user,
            email=form.cleaned_data["email"],
            region_code=form.cleaned_data["region"],
        )
        messages.success(
            self.request,
            _("%(who)s now volunteers for the tip line.") % {"who": volunteer.user.masked_name},
        )
        return volunteer

    def get_success_url(self):
        return "organiser:tipline_volunteers"


class DismissView(OrganiserRequiredMixin, View):
    required_action = actions.RECRUIT

    def post(self, request, pk):
        try:
            dismiss_volunteer(actor=request.user, volunteer_id=pk)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The volunteer no longer triages reports there."))
        return redirect("organiser:tipline_volunteers")
