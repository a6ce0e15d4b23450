"""The organiser area for local activities: register, review, report, verify, import,
export, and the coverage of a region. Each page checks the actor's scope for the region it
acts on (the activity's own region, or the one above it for review); services check again."""

import time

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.core.errors import DomainError
from cyberweek.core.replicas import report
from cyberweek.core.reveal import Look, RevealMixin
from cyberweek.core.screening import explain
from cyberweek.core.views import BadRequestOnInvalidFormMixin, ServiceFormView
from cyberweek.geo.models import Sector
from cyberweek.geo.queries import region_options
from cyberweek.programme.queries import current_edition, published_editions

from . import queries, reporting, services, spreadsheets
from .forms import (
    ActivityForm,
    CommentForm,
    CoverageForm,
    DecisionForm,
    ImportForm,
    OrganiserFilterForm,
    OutcomeForm,
    ReportingForm,
)
from .models import Activity

Status = Activity.Status


def edition_for(request):
    """The edition an organiser page works on: `?year=`, or the current one."""
    year = request.GET.get("year", "")
    if year.isdigit():
        return get_object_or_404(published_editions(), year=int(year))
    edition = current_edition()
    if edition is None:
        raise Http404(_("No edition is published yet."))
    return edition


def _tell_screening(request, activity) -> None:
    found = getattr(activity, "screening_found", ())
    if found:
        labels = "; ".join(f"{f['label']}: {f['explanation']}" for f in explain(found))
        messages.warning(
            request,
            _("Personal information was masked in what the public sees: %s") % labels,
        )


class ActivityScopeMixin(OrganiserRequiredMixin):
    """A page about one activity; `required_action` is checked on the activity's region,
    or on the region above when `from_above` (review and verification)."""

    required_action = "activities.view"
    from_above = False

    def get_scope(self):
        self.activity = get_object_or_404(
            Activity.objects.select_related("region", "region__parent", "edition"),
            pk=self.kwargs["pk"],
        )
        region = self.activity.region.parent if self.from_above else self.activity.region
        return {"region": region, "sector": self.activity.sector}

    def get_success_url(self):
        return reverse("organiser:activities_detail", args=[self.activity.pk])


# --- Lists ---------------------------------------------------------------------------------
class ActivityListView(OrganiserRequiredMixin, ListView):
    required_action = "activities.view"
    template_name = "activities/organiser/list.html"
    context_object_name = "activities"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        self.edition = edition_for(request)
        self.form = OrganiserFilterForm(request.GET or None, edition=self.edition)
        response = super().get(request, *args, **kwargs)
        if self.form.is_bound and not self.form.is_valid():
            response.status_code = 400
        return response

    def get_queryset(self):
        return queries.organiser_activities(
            self.request.user, edition=self.edition, filters=self.form.filters()
        )

    def get_context_data(self, **kwargs):
        params = self.request.GET.copy()
        params.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "edition": self.edition,
            "form": self.form,
            "query": params.urlencode(),
            "awaiting": queries.awaiting_decision(self.request.user, edition=self.edition)[:20],
        }


class ExportView(OrganiserRequiredMixin, View):
    required_action = "activities.view"

    def get(self, request, kind):
        edition = edition_for(request)
        form = OrganiserFilterForm(request.GET or None, edition=edition)
        if form.is_bound and not form.is_valid():
            return HttpResponse(
                _("The filters are not valid."), status=400, content_type="text/plain"
            )
        filters = form.filters()
        activities = queries.organiser_activities(request.user, edition=edition, filters=filters)
        services.record_export(
            actor=request.user, kind=kind, count=activities.count(), region=filters.region
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if kind == "csv":
            response = StreamingHttpResponse(
                spreadsheets.export_csv(activities), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                spreadsheets.export_xlsx(activities),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="activities-{stamp}.{kind}"'
        return response


# --- Registering ---------------------------------------------------------------------------
class ActivityCreateView(ServiceFormView):
    required_action = "activities.create"
    template_name = "activities/organiser/form.html"
    form_class = ActivityForm
    success_message = gettext_lazy("The activity is saved as a draft. Submit it for review.")

    def dispatch(self, request, *args, **kwargs):
        self.edition = current_edition()
        if self.edition is None:
            raise Http404(_("No edition is published yet."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user, "edition": self.edition}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Register an activity")}

    def perform(self, form):
        activity = services.register_activity(
            actor=self.request.user, data=form.cleaned_data, edition=self.edition
        )
        _tell_screening(self.request, activity)
        return activity

    def get_success_url(self):
        return reverse("organiser:activities_detail", args=[self.object.pk])


class ActivityPersonalDataMixin(RevealMixin):
    """The contact person and the texts as written (before masking) of one activity are
    personal data: shown to its registrant, and to anyone else only with a reason, each
    look in the access log."""

    def personal_data_looks(self):
        pk = self.activity.pk
        looks = [Look(None, f"activities.activity #{pk}: contact and text as written")]
        # The names of the organisers in its history are shown with it.
        others = {step.actor for step in self.activity.steps.select_related("actor")}
        looks += [
            Look(person, f"activities.activity #{pk}: name in the history")
            for person in others
            if person is not None and person.pk != self.request.user.pk
        ]
        return looks

    def shows_own_data(self) -> bool:
        return self.activity.created_by_id is not None and (
            self.activity.created_by_id == self.request.user.pk
        )


class ActivityEditView(ActivityScopeMixin, ActivityPersonalDataMixin, ServiceFormView):
    """The form holds the contact and the text as written: another organiser of the
    region gives a reason before it is filled in."""

    required_action = "activities.create"
    template_name = "activities/organiser/form.html"
    form_class = ActivityForm
    success_message = gettext_lazy("The activity is saved.")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "actor": self.request.user,
            "edition": self.activity.edition,
            "instance": self.activity,
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Edit activity"),
            "activity": self.activity,
        }

    def perform(self, form):
        activity = services.update_activity(
            actor=self.request.user, activity_id=self.activity.pk, data=form.cleaned_data
        )
        _tell_screening(self.request, activity)
        return activity


class ActivityDetailView(ActivityScopeMixin, ActivityPersonalDataMixin, TemplateView):
    """The activity, its history, and exactly the text the public sees; the contact and
    the text as written only after a reason (see `ActivityPersonalDataMixin`)."""

    template_name = "activities/organiser/detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        activity = queries.activity_for_organiser(user, self.activity.pk)
        if activity is None:
            raise Http404
        return {
            **super().get_context_data(**kwargs),
            "activity": activity,
            "steps": activity.steps.all(),
            "photos": activity.photos.all(),
            "actions": available_actions(user, activity),
        }


def available_actions(user, activity) -> list[tuple[str, str]]:
    """(url name, label) of the steps this user may take on the activity now."""
    from cyberweek.core.permissions import has_scope

    region, above, sector = activity.region, activity.region.parent, activity.sector
    runs = has_scope(user, action="activities.create", region=region, sector=sector)
    reports = has_scope(user, action="activities.report", region=region, sector=sector)
    own = activity.created_by_id == user.pk
    reviews = not own and has_scope(user, action="activities.review", region=above, sector=sector)
    verifies = not own and has_scope(user, action="activities.verify", region=above, sector=sector)
    actions = []
    if runs and activity.is_editable:
        actions += [
            ("organiser:activities_edit", _("Edit")),
            ("organiser:activities_submit", _("Submit for review")),
        ]
    if reviews and activity.status == Status.SUBMITTED:
        actions.append(("organiser:activities_review", _("Review")))
    if reports and activity.status == Status.APPROVED:
        actions.append(("organiser:activities_held", _("Mark as held")))
    if reports and activity.status == Status.HELD:
        actions.append(("organiser:activities_outcome", _("Report the outcome")))
    if verifies and activity.status == Status.REPORTED:
        actions.append(("organiser:activities_verify", _("Verify the outcome")))
    return actions


# --- Workflow steps ------------------------------------------------------------------------
class StepView(ActivityScopeMixin, ServiceFormView):
    """A confirmation page with an optional comment, whose POST takes one step."""

    template_name = "activities/organiser/step.html"
    form_class = CommentForm
    title = ""
    button = ""
    step_service = None

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "activity": self.activity,
            "title": self.title,
            "button": self.button,
        }

    def perform(self, form):
        return type(self).step_service(
            actor=self.request.user,
            activity_id=self.activity.pk,
            comment=form.cleaned_data["comment"],
        )


class SubmitView(StepView):
    required_action = "activities.create"
    title = gettext_lazy("Submit for review")
    button = gettext_lazy("Submit")
    success_message = gettext_lazy("Submitted: the organisers of the region above will review it.")
    step_service = services.submit_activity


class HeldView(StepView):
    required_action = "activities.report"
    title = gettext_lazy("Mark as held")
    button = gettext_lazy("It took place")
    success_message = gettext_lazy("Marked as held. Report the outcome next.")
    step_service = services.mark_held


class DecisionView(StepView):
    """Approve or return (review), verify or return (outcome): one decision per activity,
    from the region above."""

    from_above = True
    form_class = DecisionForm
    choices = ()
    services_by_decision = {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "choices": self.choices}

    def perform(self, form):
        decide = self.services_by_decision[form.cleaned_data["decision"]]
        return decide(
            actor=self.request.user,
            activity_id=self.activity.pk,
            comment=form.cleaned_data["comment"],
        )


class ReviewView(DecisionView):
    required_action = "activities.review"
    title = gettext_lazy("Review")
    button = gettext_lazy("Record the decision")
    success_message = gettext_lazy("Your decision is recorded.")
    choices = [
        ("approve", gettext_lazy("Approve: publish it")),
        ("return", gettext_lazy("Return it for changes")),
    ]
    services_by_decision = {
        "approve": services.approve_activity,
        "return": services.return_activity,
    }


class VerifyView(DecisionView):
    required_action = "activities.verify"
    title = gettext_lazy("Verify the outcome")
    button = gettext_lazy("Record the decision")
    success_message = gettext_lazy("Your decision is recorded.")
    choices = [
        ("verify", gettext_lazy("Verified: the outcome is confirmed")),
        ("return", gettext_lazy("Return the outcome for correction")),
    ]
    services_by_decision = {
        "verify": services.verify_outcome,
        "return": services.return_outcome,
    }


class OutcomeView(ActivityScopeMixin, ServiceFormView):
    required_action = "activities.report"
    template_name = "activities/organiser/step.html"
    form_class = OutcomeForm
    success_message = gettext_lazy("The outcome is reported for verification.")

    def get_initial(self):
        # People checked in at the door are the participants on site, unless corrected.
        checked_in = services.attendance(self.activity)["checked_in"]
        return {"participants": checked_in} if checked_in else {}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "activity": self.activity,
            "attendance": services.attendance(self.activity),
            "title": _("Report the outcome"),
            "button": _("Report"),
            "multipart": True,
        }

    def perform(self, form):
        data = form.cleaned_data
        activity = services.report_outcome(
            actor=self.request.user,
            activity_id=self.activity.pk,
            participants=data["participants"],
            online_reach=data["online_reach"],
            summary=data["summary"],
            photos=[photo.read() for photo in data["photos"]],
        )
        _tell_screening(self.request, activity)
        return activity


# --- Import --------------------------------------------------------------------------------
class ImportView(OrganiserRequiredMixin, BadRequestOnInvalidFormMixin, FormView):
    required_action = "activities.create"
    template_name = "activities/organiser/import.html"
    form_class = ImportForm

    def form_valid(self, form):
        edition = current_edition()
        if edition is None:
            form.add_error(None, _("No edition is published yet."))
            return self.form_invalid(form)
        try:
            content = form.cleaned_data["file"].read(spreadsheets.MAX_FILE_BYTES + 1)
            rows, errors = spreadsheets.read_activities(content, edition=edition)
            result = services.import_activities(
                actor=self.request.user, rows=rows, edition=edition, errors=errors
            )
            errors = result.errors
        except DomainError as error:
            form.add_error("file" if error.field == "file" else None, error.message)
            return self.form_invalid(form)
        if errors:
            form.add_error(
                None,
                _("Nothing was imported: %(count)d errors. Correct them and upload again.")
                % {"count": len(errors)},
            )
            response = self.render_to_response(self.get_context_data(form=form, errors=errors))
            response.status_code = 400
            return response
        messages.success(
            self.request,
            _("%(count)d activities were imported as drafts.") % {"count": len(result.created)},
        )
        return redirect("organiser:activities_list")


class TemplateDownloadView(OrganiserRequiredMixin, View):
    required_action = "activities.create"

    def get(self, request):
        response = HttpResponse(
            spreadsheets.template_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="activities-template.xlsx"'
        return response


# --- Coverage ------------------------------------------------------------------------------
class CoverageView(OrganiserRequiredMixin, TemplateView):
    required_action = "activities.view"
    template_name = "activities/organiser/coverage.html"

    def get_scope(self):
        self.form = CoverageForm(self.request.GET or None)
        self.region, self.sector = None, ""
        if self.form.is_valid():
            self.region = self.form.cleaned_data["region"]
        if self.region is None:
            self.region = queries.default_coverage_region(self.request.user)
        if self.region is None:
            return None
        self.sector = self.form_sector() or queries.default_coverage_sector(
            self.request.user, self.region
        )
        return {"region": self.region, "sector": self.sector or None}

    def form_sector(self) -> str:
        return self.form.cleaned_data.get("sector", "") if self.form.is_valid() else ""

    def get(self, request, *args, **kwargs):
        if self.form.is_bound and not self.form.is_valid():
            context = {"form": self.form, "region_options": region_options()}
            return render(request, self.template_name, context, status=400)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        edition = edition_for(self.request)
        sector = self.sector
        return {
            **super().get_context_data(**kwargs),
            "form": self.form,
            "region": self.region,
            "region_options": region_options(self.region),
            "table": self.table(edition, sector),
        }

    def table(self, edition, sector) -> str:
        """The rendered table, cached per region, sector and workflow version; the minute
        is part of the key too, as reports fall overdue with time alone."""
        minute = int(time.time() // 60)
        key = (
            f"activities:coverage:{get_language()}:{edition.pk}:{self.region.pk}:{sector}:"
            f"{queries.lists_version()}:{minute}"
        )
        table = cache.get(key)
        if table is None:
            sectors = [(s, Sector(s).label) for s in ([sector] if sector else Sector.values)]

            def render_table():
                context = {
                    "edition": edition,
                    "coverage": queries.coverage_for_region(
                        region=self.region, edition=edition, sector=sector
                    ),
                    "sectors": sectors,
                    "due_days": services.outcome_due_days(),
                    "list_url": reverse("organiser:activities_list"),
                }
                return render_to_string(
                    "activities/organiser/_coverage_table.html", context, request=self.request
                )

            # Counting a whole region is reporting: it reads the standby where there is one.
            table = report(render_table)
            cache.set(key, table, 120)
        return table


class ReportingView(OrganiserRequiredMixin, TemplateView):
    """Reporting discipline under a region: expected and actual activity and outcome
    reports per level, the rates and the laggards (definitions in `reporting.py`). A region
    outside the actor's scope is refused by the mixin, as on every organiser page."""

    required_action = "activities.view"
    template_name = "activities/organiser/reporting.html"

    def get_scope(self):
        user = self.request.user
        self.form = ReportingForm(self.request.GET or None)
        data = self.form.cleaned_data if self.form.is_valid() else {}
        self.region = data.get("region") or queries.default_coverage_region(user)
        if self.region is None:
            return None
        self.sector = data.get("sector") or queries.default_coverage_sector(user, self.region)
        return {"region": self.region, "sector": self.sector or None}

    def get(self, request, *args, **kwargs):
        context = {"form": self.form, "region": self.region, "region_options": region_options()}
        if self.form.is_bound and not self.form.is_valid():
            return render(request, self.template_name, context, status=400)
        edition = edition_for(request)
        as_of = self.form.cleaned_data.get("as_of") if self.form.is_bound else None
        try:
            # Counting a whole region is reporting: it reads the standby where there is one.
            context["report"] = report(
                lambda: reporting.completeness(
                    region=self.region, edition=edition, as_of=as_of, sector=self.sector
                )
            )
        except DomainError as error:
            self.form.add_error(
                error.field if error.field in self.form.fields else None, error.message
            )
            return render(request, self.template_name, context, status=400)
        context["edition"] = edition
        return render(request, self.template_name, context)
