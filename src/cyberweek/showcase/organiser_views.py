"""The organiser area of the micro-video contest: screening, judging progress, results
and the fraud signals on votes. National organisers only (`actions.py`)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.core.errors import DomainError

from . import queries, services, voting
from .actions import FRAUD, MANAGE, SCREEN
from .forms import DecisionForm, VoidForm
from .models import Entry, VideoContest


class _National(OrganiserRequiredMixin):
    def get_scope(self):
        return {"region": None, "sector": None}


class ContestsView(_National, View):
    required_action = MANAGE

    def get(self, request):
        contests = VideoContest.objects.order_by("-submission_opens_at")
        return render(request, "showcase/organiser/contests.html", {"contests": contests})


class ScreeningView(_National, View):
    required_action = SCREEN

    def get(self, request, pk):
        contest = get_object_or_404(VideoContest, pk=pk)
        entries = contest.entries.filter(
            status=Entry.Status.SCREENING, erased=False
        ).select_related("video")
        return render(
            request,
            "showcase/organiser/screening.html",
            {"contest": contest, "entries": entries, "form": DecisionForm()},
        )

    def post(self, request, pk):
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.screen_entry(
                    actor=request.user,
                    entry_id=int(request.POST.get("entry", "0") or 0),
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Decision recorded."))
        else:
            messages.error(request, _("Choose a decision."))
        return redirect("organiser:showcase_screening", pk=pk)


class ProgressView(_National, View):
    required_action = MANAGE

    def get(self, request, pk):
        contest = get_object_or_404(VideoContest, pk=pk)
        return render(
            request,
            "showcase/organiser/progress.html",
            {
                "contest": contest,
                "progress": queries.judging_progress(contest),
                "results": queries.results(contest),
            },
        )

    def post(self, request, pk):
        try:
            services.publish_results(actor=request.user, contest_id=pk)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Results published."))
        return redirect("organiser:showcase_progress", pk=pk)


class FraudView(_National, View):
    required_action = FRAUD

    def get(self, request, pk):
        contest = get_object_or_404(VideoContest, pk=pk)
        return render(
            request,
            "showcase/organiser/fraud.html",
            {"contest": contest, "flagged": queries.fraud_signals(contest), "form": VoidForm()},
        )

    def post(self, request, pk):
        form = VoidForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why the vote is void."))
            return redirect("organiser:showcase_fraud", pk=pk)
        try:
            voting.void_vote(
                actor=request.user,
                vote_id=int(request.POST.get("vote", "0") or 0),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The vote is void."))
        return redirect("organiser:showcase_fraud", pk=pk)
