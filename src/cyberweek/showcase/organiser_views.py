"""The organiser area of the micro-video contest: setting contests up (the contest, its
criteria and judges), screening and the public's reports, judging progress, results and
the fraud signals on votes. National organisers only (`actions.py`)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.core.errors import DomainError

from . import contest_setup, queries, reports, services, voting
from .actions import FRAUD, MANAGE, SCREEN
from .forms import (
    CloseReportForm,
    ContestForm,
    CriterionForm,
    DecisionForm,
    JudgeForm,
    VoidForm,
)
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
            {
                "contest": contest,
                "entries": entries,
                "form": DecisionForm(),
                "reports": queries.open_reports(contest),
                "report_form": CloseReportForm(),
            },
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


class CloseReportView(_National, View):
    """Close a report from the screening page: dismiss it, or return or reject the entry."""

    required_action = SCREEN

    def post(self, request, pk, report_id):
        form = CloseReportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose what to do with the report."))
            return redirect("organiser:showcase_screening", pk=pk)
        try:
            reports.close_report(actor=request.user, report_id=report_id, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Report closed."))
        return redirect("organiser:showcase_screening", pk=pk)


# --- Setting contests up --------------------------------------------------------------------
class ContestFormView(_National, View):
    """A new contest (no `pk`) or a change to one."""

    required_action = MANAGE

    def _page(self, request, form, contest, status=200):
        return render(
            request,
            "showcase/organiser/contest_form.html",
            {"form": form, "contest": contest},
            status=status,
        )

    def get(self, request, pk=None):
        contest = get_object_or_404(VideoContest, pk=pk) if pk else None
        return self._page(request, ContestForm(instance=contest), contest)

    def post(self, request, pk=None):
        contest = get_object_or_404(VideoContest, pk=pk) if pk else None
        form = ContestForm(request.POST, instance=contest)
        if form.is_valid():
            try:
                saved = contest_setup.save_contest(
                    actor=request.user, contest_id=pk, values=form.cleaned_data
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Contest saved."))
                return redirect("organiser:showcase_setup", pk=saved.pk)
        return self._page(request, form, contest, status=400)


class SetupView(_National, View):
    """A contest's criteria and judges; the forms post to the views below."""

    required_action = MANAGE

    def get(self, request, pk, criterion_form=None, judge_form=None, status=200):
        contest = get_object_or_404(VideoContest, pk=pk)
        return render(
            request,
            "showcase/organiser/setup.html",
            {
                "contest": contest,
                "criteria": contest.criteria.all(),
                "judges": contest.judges.select_related("judge").order_by("category", "pk"),
                "criterion_form": criterion_form or CriterionForm(),
                "judge_form": judge_form or JudgeForm(contest=contest),
            },
            status=status,
        )


class AddCriterionView(SetupView):
    def post(self, request, pk):
        form = CriterionForm(request.POST)
        if form.is_valid():
            try:
                contest_setup.add_criterion(actor=request.user, contest_id=pk, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Criterion added."))
                return redirect("organiser:showcase_setup", pk=pk)
        return self.get(request, pk, criterion_form=form, status=400)


class AddJudgeView(SetupView):
    def post(self, request, pk):
        contest = get_object_or_404(VideoContest, pk=pk)
        form = JudgeForm(request.POST, contest=contest)
        if form.is_valid():
            try:
                contest_setup.assign_judge(actor=request.user, contest_id=pk, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Judge assigned."))
                return redirect("organiser:showcase_setup", pk=pk)
        return self.get(request, pk, judge_form=form, status=400)


class RemoveCriterionView(_National, View):
    required_action = MANAGE

    def post(self, request, pk, item):
        try:
            contest_setup.remove_criterion(actor=request.user, criterion_id=item)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Criterion removed."))
        return redirect("organiser:showcase_setup", pk=pk)


class RemoveJudgeView(_National, View):
    required_action = MANAGE

    def post(self, request, pk, item):
        try:
            contest_setup.remove_judge(actor=request.user, assignment_id=item)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Judge removed."))
        return redirect("organiser:showcase_setup", pk=pk)
