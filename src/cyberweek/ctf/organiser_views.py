"""The organiser area of the CTF: competitions with their live board, challenges and
hints, team review and bans, flag-sharing incidents, rebuilding and publishing the board.
Every page passes `OrganiserRequiredMixin` with `ctf.manage`; the services check again
and write the audit trail."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.core.errors import DomainError
from cyberweek.core.views import ServiceFormView

from . import board, queries, services
from .actions import MANAGE
from .forms import (
    AttachmentForm,
    ChallengeForm,
    CompetitionForm,
    DivisionForm,
    HintForm,
    ReviewForm,
    WriteUpReviewForm,
)
from .models import (
    Attachment,
    Challenge,
    Competition,
    Division,
    SharingIncident,
    Team,
    WriteUp,
)


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
            "divisions": competition.divisions.all(),
            "writeups": queries.writeups_to_review(competition)[:200],
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
            "attachment_form": AttachmentForm(),
            "attachments": self.challenge.attachments.all() if self.challenge else [],
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


class CompetitionFormView(ManageMixin, ServiceFormView):
    template_name = "ctf/organiser/competition_form.html"
    form_class = CompetitionForm
    success_message = _("Competition saved.")

    def dispatch(self, request, *args, **kwargs):
        self.competition = None
        if "pk" in kwargs:
            self.competition = get_object_or_404(Competition, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.competition}

    def perform(self, form):
        return services.save_competition(
            actor=self.request.user,
            competition_id=self.competition.pk if self.competition else None,
            data=form.cleaned_data,
        )

    def get_success_url(self):
        return reverse("organiser:ctf_competition", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "competition": self.competition}


class DivisionFormView(ManageMixin, ServiceFormView):
    template_name = "ctf/organiser/division_form.html"
    form_class = DivisionForm
    success_message = _("Division saved.")

    def dispatch(self, request, *args, **kwargs):
        self.competition = get_object_or_404(Competition, pk=kwargs["competition"])
        self.division = None
        if "pk" in kwargs:
            self.division = get_object_or_404(
                Division, pk=kwargs["pk"], competition=self.competition
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.division}

    def perform(self, form):
        return services.save_division(
            actor=self.request.user,
            competition_id=self.competition.pk,
            division_id=self.division.pk if self.division else None,
            data=form.cleaned_data,
        )

    def get_success_url(self):
        return reverse("organiser:ctf_competition", args=[self.competition.pk])

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "competition": self.competition,
            "division": self.division,
        }


class AttachmentCreateView(ManageMixin, View):
    def post(self, request, pk):
        challenge = get_object_or_404(Challenge, pk=pk)
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a file."))
            return redirect(challenge.get_organiser_url())
        upload = form.cleaned_data["file"]
        try:
            services.add_attachment(
                actor=request.user,
                challenge_id=challenge.pk,
                filename=upload.name,
                content=upload.read(settings.UPLOAD_MAX_FILE_BYTES + 1),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("File attached."))
        return redirect(challenge.get_organiser_url())


class AttachmentDeleteView(ManageMixin, View):
    def post(self, request, pk):
        attachment = get_object_or_404(Attachment.objects.select_related("challenge"), pk=pk)
        try:
            services.remove_attachment(actor=request.user, attachment_id=attachment.pk)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("File removed."))
        return redirect(attachment.challenge.get_organiser_url())


class WriteUpReviewView(ManageMixin, View):
    def post(self, request, pk, decision):
        if decision not in ("accept", "reject"):
            return render(request, "core/404.html", status=404)
        form = WriteUpReviewForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            writeup = services.review_writeup(
                actor=request.user, writeup_id=pk, accept=decision == "accept", note=note
            )
        except DomainError as error:
            messages.error(request, error.message)
            competition_id = (
                WriteUp.objects.filter(pk=pk).values_list("competition_id", flat=True).first()
            )
            if competition_id is None:
                return render(request, "core/404.html", status=404)
            return redirect("organiser:ctf_competition", competition_id)
        messages.success(request, _("Write-up reviewed."))
        return redirect("organiser:ctf_competition", writeup.competition_id)
