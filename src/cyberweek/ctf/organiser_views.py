"""The organiser area of the CTF: competitions with their live board, challenges and
hints, team review and bans, flag-sharing incidents, rebuilding and publishing the board.
Every page passes `OrganiserRequiredMixin` with `ctf.manage`; the services check again
and write the audit trail."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.core.errors import DomainError
from cyberweek.core.views import ServiceFormView

from . import board, services
from .actions import MANAGE
from .forms import ChallengeForm, HintForm, ReviewForm
from .models import Challenge, Competition, SharingIncident, Team


class ManageMixin(OrganiserRequiredMixin):
    required_action = MANAGE

    def get_scope(self):
        return {"region": None, "sector": None}


class CompetitionListView(ManageMixin, TemplateView):
    template_name = "ctf/organiser/competition_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "competitions": Competition.objects.all()}


class CompetitionView(ManageMixin, TemplateView):
    """The live board (organisers always see it live), teams, incidents and challenges."""

    template_name = "ctf/organiser/competition.html"

    def get_context_data(self, **kwargs):
        competition = get_object_or_404(Competition, pk=self.kwargs["pk"])
        status = self.request.GET.get("status", "")
        teams = Team.objects.filter(competition=competition).select_related("division", "region")
        if status in Team.Status.values:
            teams = teams.filter(status=status)
        incidents = SharingIncident.objects.filter(competition=competition).select_related(
            "challenge", "submitting_team", "owner_team", "submission"
        )
        return {
            **super().get_context_data(**kwargs),
            "competition": competition,
            "live": board.live_rows(competition, limit=50),
            "teams": teams.order_by("status", "name")[:200],
            "statuses": Team.Status.choices,
            "status": status,
            "incidents": incidents[:100],
            "challenges": competition.challenges.all(),
            "review_form": ReviewForm(),
        }


class ChallengeFormView(ManageMixin, ServiceFormView):
    template_name = "ctf/organiser/challenge_form.html"
    form_class = ChallengeForm
    success_message = _("Challenge saved.")

    def dispatch(self, request, *args, **kwargs):
        self.competition = get_object_or_404(Competition, pk=kwargs["competition"])
        self.challenge = None
        if "pk" in kwargs:
            self.challenge = get_object_or_404(
                Challenge, pk=kwargs["pk"], competition=self.competition
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "competition": self.competition,
            "instance": self.challenge,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        prerequisites = list(data.pop("prerequisites", []))
        return services.save_challenge(
            actor=self.request.user,
            competition_id=self.competition.pk,
            challenge_id=self.challenge.pk if self.challenge else None,
            data=data,
            prerequisites=prerequisites,
        )

    def get_success_url(self):
        return self.object.get_organiser_url()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "competition": self.competition,
            "challenge": self.challenge,
            "hint_form": HintForm(),
            "hints": self.challenge.hints.all() if self.challenge else [],
        }


class HintCreateView(ManageMixin, View):
    def post(self, request, pk):
        challenge = get_object_or_404(Challenge, pk=pk)
        form = HintForm(request.POST)
        if form.is_valid():
            try:
                services.save_hint(
                    actor=request.user, challenge_id=challenge.pk, **form.cleaned_data
                )
                messages.success(request, _("Hint added."))
            except DomainError as error:
                messages.error(request, error.message)
        else:
            messages.error(request, _("Write the hint and a cost of zero or more."))
        return redirect(challenge.get_organiser_url())


class TeamActionView(ManageMixin, View):
    """Approve, reject, ban or reinstate a team (one service each)."""

    def post(self, request, pk, action):
        team = get_object_or_404(Team, pk=pk)
        form = ReviewForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        calls = {
            "approve": lambda: services.review_team(
                actor=request.user, team_id=team.pk, approve=True, note=note
            ),
            "reject": lambda: services.review_team(
                actor=request.user, team_id=team.pk, approve=False, note=note
            ),
            "ban": lambda: services.ban_team(actor=request.user, team_id=team.pk, note=note),
            "reinstate": lambda: services.reinstate_team(
                actor=request.user, team_id=team.pk, note=note
            ),
        }
        if action not in calls:
            return render(request, "core/404.html", status=404)
        try:
            calls[action]()
            messages.success(request, _("Team updated."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("organiser:ctf_competition", team.competition_id)


class BoardActionView(ManageMixin, View):
    def post(self, request, pk, action):
        competition = get_object_or_404(Competition, pk=pk)
        try:
            if action == "publish":
                services.publish_board(actor=request.user, competition_id=competition.pk)
                messages.success(request, _("The final board is published."))
            elif action == "rebuild":
                changed = services.rebuild_board(actor=request.user, competition_id=competition.pk)
                messages.success(
                    request, _("Board rebuilt; %(n)d totals corrected.") % {"n": changed}
                )
            else:
                return render(request, "core/404.html", status=404)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("organiser:ctf_competition", competition.pk)
