"""The organiser area of the knowledge contest: the question bank (import, export,
revisions), contests and their papers, flagged attempts and participation figures."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.core import audit
from cyberweek.core.errors import DomainError
from cyberweek.core.permissions import has_scope, roles_of
from cyberweek.core.replicas import report
from cyberweek.core.views import BadRequestOnInvalidFormMixin, ServiceFormView
from cyberweek.geo.queries import find_region, region_options

from . import queries, question_files, services
from .forms import ContestForm, PaperRuleFormSet, QuestionFileForm, QuestionForm, StatsRegionForm
from .models import Attempt, Contest, Question, QuestionVersion, Topic


class ManageMixin(OrganiserRequiredMixin):
    """The bank and the contests are national."""

    required_action = services.MANAGE

    def get_scope(self):
        return {"region": None, "sector": None}


class QuestionListView(ManageMixin, ListView):
    template_name = "quiz/organiser/question_list.html"
    context_object_name = "questions"
    paginate_by = 50

    def get_queryset(self):
        questions = Question.objects.select_related("current").order_by("code")
        topic = self.request.GET.get("topic")
        if topic in Topic.values:
            questions = questions.filter(topic=topic)
        return questions

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "topics": Topic.choices,
            "topic": self.request.GET.get("topic", ""),
            "import_form": QuestionFileForm(),
            "formats": question_files.FORMATS,
        }


class QuestionImportView(ManageMixin, BadRequestOnInvalidFormMixin, FormView):
    template_name = "quiz/organiser/question_import.html"
    form_class = QuestionFileForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            fmt = question_files.detect_format(upload.name)
            if upload.size > question_files.MAX_FILE_BYTES:
                raise question_files.FileRejected(_("The file is larger than 2 MiB."))
            result = services.import_questions(
                actor=self.request.user, content=upload.read(), fmt=fmt
            )
        except question_files.FileRejected as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        except services.ImportRejected as error:
            form.add_error("file", error.message)
            return self.render_to_response(
                self.get_context_data(form=form, row_errors=error.errors), status=400
            )
        except DomainError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Imported: %(created)d new, %(revised)d revised, %(unchanged)d unchanged.") % result,
        )
        return redirect("organiser:quiz_questions")


class QuestionExportView(ManageMixin, View):
    def get(self, request, fmt):
        if fmt not in question_files.FORMATS:
            return render(request, "core/400.html", status=400)
        versions = (
            QuestionVersion.objects.filter(question__current=F("pk"))
            .select_related("question")
            .order_by("question__code")
        )
        content = question_files.write(question_files.question_rows(versions), fmt)
        audit.record(request.user, "quiz.questions_exported", None, format=fmt)
        response = HttpResponse(content, content_type=question_files.CONTENT_TYPES[fmt])
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="questions-{stamp}.{fmt}"'
        return response


class QuestionEditView(ManageMixin, ServiceFormView):
    template_name = "quiz/organiser/question_form.html"
    form_class = QuestionForm
    success_message = _("The question is saved as a new revision.")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.question = get_object_or_404(
            Question.objects.select_related("current"), pk=kwargs["pk"]
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "question": self.question}

    def get_initial(self):
        version = self.question.current
        initial = {
            "topic": self.question.topic,
            "difficulty": self.question.difficulty,
            "text": version.text,
            "text_en": version.text_en,
            "answer": ",".join(version.correct),
            "explanation": version.explanation,
            "explanation_en": version.explanation_en,
            "source": version.source,
        }
        for option in version.options:
            initial[f"option_{option['key'].lower()}"] = option["text"]
            initial[f"option_{option['key'].lower()}_en"] = option.get("text_en", "")
        return initial

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "question": self.question,
            "versions": self.question.versions.order_by("-number"),
        }

    def perform(self, form):
        return services.revise_question(
            actor=self.request.user, question_id=self.question.pk, data=form.parsed
        )

    def get_success_url(self):
        return reverse("organiser:quiz_question", args=[self.question.pk])


class QuestionActiveView(ManageMixin, View):
    """Take a question out of use (no new paper draws it) or back into use."""

    http_method_names = ["post"]

    def post(self, request, pk):
        active = request.POST.get("active") == "1"
        try:
            services.set_question_active(actor=request.user, question_id=pk, active=active)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The question is in use.") if active else _("The question is retired.")
            )
        return redirect("organiser:quiz_question", pk)


class ContestListView(ManageMixin, ListView):
    template_name = "quiz/organiser/contest_list.html"
    context_object_name = "contests"
    queryset = Contest.objects.select_related("edition").order_by("-opens_at")


class ContestFormView(ManageMixin, ServiceFormView):
    template_name = "quiz/organiser/contest_form.html"
    form_class = ContestForm
    success_message = _("The contest is saved.")

    def get_instance(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Contest, pk=pk) if pk else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_instance()}

    def get_context_data(self, **kwargs):
        instance = self.get_instance()
        return {**super().get_context_data(**kwargs), "contest": instance}

    def perform(self, form):
        return services.save_contest(
            actor=self.request.user, data=form.cleaned_data, contest_id=self.kwargs.get("pk")
        )

    def get_success_url(self):
        return reverse("organiser:quiz_contest", args=[self.object.pk])


class ContestDetailView(ManageMixin, TemplateView):
    template_name = "quiz/organiser/contest_detail.html"

    def get_context_data(self, **kwargs):
        contest = get_object_or_404(Contest, pk=self.kwargs["pk"])
        initial = [
            {"topic": r.topic, "difficulty": r.difficulty, "count": r.count, "points": r.points}
            for r in contest.paper_rules.all()
        ]
        formset = kwargs.pop("formset", None) or PaperRuleFormSet(
            initial=initial + [{}] * (6 - len(initial) if len(initial) < 6 else 1)
        )
        return {
            **super().get_context_data(**kwargs),
            "contest": contest,
            "formset": formset,
            "rules": contest.paper_rules.all(),
            "attempts": contest.attempts.count(),
            "flagged": contest.attempts.filter(is_flagged=True).count(),
        }

    def post(self, request, pk):
        contest = get_object_or_404(Contest, pk=pk)
        formset = PaperRuleFormSet(request.POST)
        error = None
        if formset.is_valid():
            rules = [f.cleaned_data for f in formset if f.cleaned_data.get("topic")]
            try:
                services.set_paper(actor=request.user, contest_id=contest.pk, rules=rules)
            except DomainError as refusal:
                error = refusal.message
            else:
                messages.success(request, _("The paper is saved."))
                return redirect("organiser:quiz_contest", contest.pk)
        context = self.get_context_data(formset=formset, paper_error=error)
        return self.render_to_response(context, status=400)


class FlaggedAttemptsView(OrganiserRequiredMixin, TemplateView):
    template_name = "quiz/organiser/flagged.html"
    required_action = services.FLAGS

    def get_scope(self):
        return {"region": None, "sector": None}

    def get_context_data(self, **kwargs):
        contest = get_object_or_404(Contest, pk=self.kwargs["pk"])
        page = Paginator(queries.flagged_attempts(contest), 100).get_page(
            self.request.GET.get("page")
        )
        audit.record(self.request.user, "quiz.flags_viewed", contest)
        return {
            **super().get_context_data(**kwargs),
            "contest": contest,
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "paginator": page.paginator,
        }


class StatsContestListView(OrganiserRequiredMixin, ListView):
    """Contests to look at, for organisers who watch participation but do not run them."""

    template_name = "quiz/organiser/stats_contests.html"
    required_action = services.STATS
    context_object_name = "contests"
    queryset = Contest.objects.filter(is_published=True).order_by("-opens_at")


class FlagDecisionView(OrganiserRequiredMixin, View):
    """Clear the flag of one attempt or void it, with a reason (from the flagged list)."""

    required_action = services.FLAGS

    def get_scope(self):
        return {"region": None, "sector": None}

    def post(self, request, pk):
        attempt = get_object_or_404(Attempt.objects.only("contest_id"), pk=pk)
        decide = {"clear": services.clear_flag, "void": services.void_attempt}.get(
            request.POST.get("decision", "")
        )
        back = redirect("organiser:quiz_flagged", attempt.contest_id)
        if decide is None:
            messages.error(request, _("Choose to clear the flag or to void the attempt."))
            return back
        try:
            decide(actor=request.user, attempt_id=pk, reason=request.POST.get("reason", ""))
        except DomainError as error:
            messages.error(request, error.message)
            return back
        messages.success(
            request,
            _("Attempt #%(n)d: the flag is cleared; the participant is told.") % {"n": pk}
            if decide is services.clear_flag
            else _("Attempt #%(n)d is voided; the participant is told.") % {"n": pk},
        )
        return back


class StatsView(OrganiserRequiredMixin, TemplateView):
    """Participation and scores by region, sector and day, within the organiser's region."""

    template_name = "quiz/organiser/stats.html"
    required_action = services.STATS

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.form = StatsRegionForm(request.GET or None)
        self.region = None
        typed = self.form.cleaned_data["region"] if self.form.is_valid() else ""
        if typed:
            self.region = find_region(typed)
            if self.region is None:
                self.form.add_error("region", _("Choose a current region from the list."))
        if self.region is None:
            # Without a (valid) choice, the widest region the organiser covers.
            covering = [
                role.region
                for role in roles_of(request.user)
                if has_scope(request.user, action=services.STATS, region=role.region)
            ]
            self.region = min(covering, key=lambda r: r.depth, default=None)

    def get_scope(self):
        return {"region": self.region, "sector": None}

    def get_context_data(self, **kwargs):
        contest = get_object_or_404(Contest, pk=self.kwargs["pk"])
        region = self.region if self.region and self.region.depth > 0 else None

        def with_width(buckets):
            top = max((b.participants for b in buckets), default=0) or 1
            return [(b, round(b.participants * 100 / top)) for b in buckets]

        def figures():
            distribution = queries.score_distribution(contest, region=region)
            by = {
                f"by_{key}": with_width(queries.participation_by(contest, key, region=region))
                for key in ("region", "sector", "day")
            }
            return distribution, by

        # Aggregates over every attempt are reporting: they read the standby where there is one.
        distribution, by = report(figures)
        top = max((n for _label, n in distribution), default=0) or 1
        return {
            **super().get_context_data(**kwargs),
            "contest": contest,
            "form": self.form,
            "region": self.region,
            "region_options": region_options(self.region),
            **by,
            "distribution": [(label, n, round(n * 100 / top)) for label, n in distribution],
        }

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        status = 400 if self.form.errors else 200
        return self.render_to_response(context, status=status)
