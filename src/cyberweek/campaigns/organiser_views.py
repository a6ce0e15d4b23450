"""The organiser pages of campaigns: the list in scope, create and edit, and one campaign's
page (progress, its activities, volunteers and the hours awaiting confirmation). Each page
checks the actor's scope on the campaign's region; the services check again."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.activities.organiser_views import edition_for
from cyberweek.core.errors import DomainError
from cyberweek.core.views import ServiceFormView
from cyberweek.geo.queries import region_options

from . import actions, queries, services
from .forms import AddActivityForm, CampaignForm, DecisionForm, InviteForm
from .models import Campaign, VolunteerTask


class CampaignListView(OrganiserRequiredMixin, TemplateView):
    required_action = actions.MANAGE
    template_name = "campaigns/organiser/list.html"

    def get_context_data(self, **kwargs):
        edition = edition_for(self.request)
        campaigns = queries.campaigns_for(self.request.user, edition=edition)
        return {
            **super().get_context_data(**kwargs),
            "edition": edition,
            "rows": [(c, queries.progress(c)) for c in campaigns],
        }


def _data(form) -> dict:
    return dict(form.cleaned_data)


class CampaignCreateView(ServiceFormView):
    required_action = actions.MANAGE
    template_name = "campaigns/organiser/form.html"
    form_class = CampaignForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "region_options": region_options()}

    def perform(self, form):
        return services.create_campaign(
            actor=self.request.user, edition=edition_for(self.request), data=_data(form)
        )

    def get_success_url(self):
        messages.success(self.request, _("Campaign saved."))
        return reverse("organiser:campaigns_detail", args=[self.object.pk])


class CampaignScopeMixin(OrganiserRequiredMixin):
    """A page about one campaign: `campaigns.manage` on its region."""

    required_action = actions.MANAGE

    def get_scope(self):
        self.campaign = (
            Campaign.objects.select_related("region", "edition")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if self.campaign is None:
            raise Http404(_("No such campaign."))
        return {"region": self.campaign.region}


class CampaignEditView(CampaignScopeMixin, ServiceFormView):
    template_name = "campaigns/organiser/form.html"
    form_class = CampaignForm

    def get_initial(self):
        return CampaignForm.initial_for(self.campaign)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "campaign": self.campaign,
            "region_options": region_options(self.campaign.region),
        }

    def perform(self, form):
        return services.update_campaign(
            actor=self.request.user, campaign_id=self.campaign.pk, data=_data(form)
        )

    def get_success_url(self):
        messages.success(self.request, _("Campaign saved."))
        return reverse("organiser:campaigns_detail", args=[self.campaign.pk])


class CampaignDetailView(CampaignScopeMixin, TemplateView):
    template_name = "campaigns/organiser/detail.html"

    def get_context_data(self, **kwargs):
        campaign = self.campaign
        q = self.request.GET.get("q", "")[:60]
        return {
            **super().get_context_data(**kwargs),
            "campaign": campaign,
            "progress": queries.progress(campaign),
            "links": queries.linked_activities(campaign),
            "candidates": queries.candidate_activities(self.request.user, campaign, q),
            "q": q,
            "volunteers": queries.volunteers_of(campaign),
            "tasks": queries.tasks_awaiting(campaign),
            "add_form": AddActivityForm(),
            "invite_form": InviteForm(),
        }


class CampaignActionView(CampaignScopeMixin, View):
    """The campaign page's buttons: each names one service; refusals come back as a message."""

    def post(self, request, pk, action):
        try:
            done = self.perform(request, action)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
        return redirect("organiser:campaigns_detail", pk=pk)

    def perform(self, request, action) -> str:
        actor, campaign_id = request.user, self.campaign.pk
        if action == "add":
            form = AddActivityForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Give the number of an activity."))
            services.add_activity(
                actor=actor, campaign_id=campaign_id, activity_id=form.cleaned_data["activity"]
            )
            return _("The activity is now part of the campaign.")
        if action == "remove":
            form = AddActivityForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Give the number of an activity."))
            services.remove_activity(
                actor=actor, campaign_id=campaign_id, activity_id=form.cleaned_data["activity"]
            )
            return _("The activity is no longer part of the campaign.")
        if action == "invite":
            form = InviteForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Give the email address of an account."))
            services.invite_volunteer(
                actor=actor, campaign_id=campaign_id, email=form.cleaned_data["email"]
            )
            return _("Invitation sent; the person accepts it on their volunteering page.")
        raise Http404


class TaskDecisionView(CampaignScopeMixin, View):
    def post(self, request, pk, task_id):
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whether to confirm the task."))
            return redirect("organiser:campaigns_detail", pk=pk)
        get_object_or_404(VolunteerTask, pk=task_id, volunteer__campaign=self.campaign)
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            services.decide_task(
                actor=request.user,
                task_id=task_id,
                confirm=confirm,
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Hours confirmed.") if confirm else _("Task returned."))
        return redirect("organiser:campaigns_detail", pk=pk)
