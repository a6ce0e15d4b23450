"""The tip line's pages: the public side (report, receipt, look-up, statistics, warning
pages, the phishing feed) and the volunteers' triage pages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, TemplateView

from cyberweek.core.errors import DomainError, ValidationFailed
from cyberweek.core.rate_limits import client_ip
from cyberweek.core.request_guards import body_limit
from cyberweek.core.reveal import Look, RevealMixin
from cyberweek.core.screening import explain

from . import exports, proof_of_work, queries
from .forms import (
    CommentForm,
    DuplicateForm,
    LookupForm,
    ReceiptForm,
    ReportForm,
    VoteForm,
)
from .models import Cluster, Report
from .publication import public_value, published
from .services.evidence import evidence_of
from .services.intake import MAX_REPORT_BODY, admit, file_report
from .services.receipts import report_by_receipt
from .services.triage import (
    claim_report,
    confirm_report,
    escalate_report,
    mark_duplicate,
    mark_taken_down,
    reject_report,
    vote,
)
from .services.volunteers import is_volunteer
from .services.withdrawal import withdraw_report


# --- Public -----------------------------------------------------------------------------
def home(request):
    return render(
        request,
        "tipline/home.html",
        {"kinds": Report.Kind.choices, "lookup_form": LookupForm(), "receipt_form": ReceiptForm()},
    )


@never_cache
def challenge(request):
    """A fresh proof-of-work challenge for the report form's script."""
    return JsonResponse(proof_of_work.new_challenge())


@body_limit(MAX_REPORT_BODY)
def report(request, kind):
    if kind not in Report.Kind.values:
        raise Http404
    form = ReportForm(request.POST or None, request.FILES or None, kind=kind)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                admit(
                    address=client_ip(request),
                    challenge=data["pow_challenge"],
                    nonce=data["pow_nonce"],
                )
                filed = file_report(
                    kind=kind,
                    region_code=data.get("region") or "",
                    link=data.get("link", ""),
                    phone=data.get("phone", ""),
                    qq=data.get("qq", ""),
                    wechat=data.get("wechat", ""),
                    text=data.get("text", ""),
                    images=evidence_of(data["evidence"]),
                )
            except DomainError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
                status = error.status if error.status != 422 else 400
            else:
                return render(
                    request,
                    "tipline/filed.html",
                    {
                        "filed": filed,
                        "masked": explain(filed.masked_types),
                    },
                )
        else:
            status = 400
    return render(
        request,
        "tipline/report.html",
        {"form": form, "kind": kind, "kind_label": Report.Kind(kind).label},
        status=status,
    )


@never_cache
def receipt(request):
    form = ReceiptForm(request.POST or None)
    found = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                found = report_by_receipt(
                    code=form.cleaned_data["code"], address=client_ip(request)
                )
            except DomainError as error:
                form.add_error("code", error.message)
                status = error.status
        else:
            status = 400
    return render(request, "tipline/receipt.html", {"form": form, "report": found}, status=status)


@never_cache
@require_POST
def withdraw(request):
    """The reporter withdraws a report with its receipt code (the receipt page's button)."""
    form = ReceiptForm(request.POST)
    found = None
    status = 400
    if form.is_valid():
        try:
            found = withdraw_report(code=form.cleaned_data["code"], address=client_ip(request))
        except DomainError as error:
            form.add_error("code", error.message)
            status = error.status
        else:
            status = 200
            messages.success(request, _("Your report is withdrawn; what you sent is erased."))
    return render(request, "tipline/receipt.html", {"form": form, "report": found}, status=status)


@never_cache
def lookup(request):
    # The form posts: a link pasted here may carry the asker's own phone number or token,
    # which a query string would leave in every access log. GET still answers old links.
    form = LookupForm(request.POST or request.GET or None)
    answer = None
    if form.is_bound and form.is_valid():
        answer = queries.look_up(form.cleaned_data["q"])
    return render(
        request,
        "tipline/lookup.html",
        {"form": form, "answer": answer},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def statistics(request):
    return render(request, "tipline/statistics.html", {"stats": queries.public_statistics()})


def threat(request, pk):
    cluster = get_object_or_404(queries.confirmed_threats(), pk=pk)
    return render(request, "tipline/threat.html", {"threat": published(cluster)})


def phishing_feed(request, fmt):
    if fmt not in ("csv", "json"):
        raise Http404
    clusters = exports.threats()
    if fmt == "csv":
        response = HttpResponse(exports.phishing_feed_csv(clusters), content_type="text/csv")
    else:
        response = HttpResponse(
            exports.phishing_feed_json(clusters), content_type="application/json"
        )
    response["Content-Disposition"] = (
        f'attachment; filename="phishing-{timezone.localdate()}.{fmt}"'
    )
    return response


# --- Volunteers -------------------------------------------------------------------------
class VolunteerRequiredMixin(LoginRequiredMixin):
    """Signed in and recruited as a tip-line volunteer somewhere; services check the region."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_volunteer(request.user):
            return render(
                request,
                "core/forbidden.html",
                {"message": _("Only tip-line volunteers see this page.")},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)


class QueueView(VolunteerRequiredMixin, TemplateView):
    template_name = "tipline/triage/queue.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status") or None
        if status not in (None, *Report.Status.values):
            status = None
        return {
            **super().get_context_data(**kwargs),
            "reports": queries.triage_queue(self.request.user, status=status)[:200],
            "status": status,
            "statuses": Report.Status.choices,
        }


ACTIONS = {
    "claim": (claim_report, None),
    "confirm": (confirm_report, CommentForm),
    "escalate": (escalate_report, CommentForm),
    "reject": (reject_report, CommentForm),
}


class ReportDetailView(VolunteerRequiredMixin, RevealMixin, DetailView):
    """One report for a volunteer in its region: the masked text, the clusters it joined,
    its history and votes; the original text and screenshots only with a logged reason."""

    template_name = "tipline/triage/report.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        scoped = queries.triage_scope(self.request.user)
        return get_object_or_404(scoped.select_related("region"), pk=self.kwargs["pk"])

    def personal_data_looks(self):
        looks = [Look(subject=None, what=f"tip-line report #{self.object.pk}: original text")]
        looks += [
            Look(subject=None, what=f"tip-line report #{self.object.pk}: screenshot {e.pk}")
            for e in self.object.evidence.all()
        ]
        return looks

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        context.update(
            clusters=[
                (cluster, public_value(cluster.kind, cluster.display or cluster.value))
                for cluster in Cluster.objects.filter(links__report=report).order_by("kind")
            ],
            steps=report.steps.select_related("actor"),
            votes=report.votes.all(),
            comment_form=CommentForm(),
            duplicate_form=DuplicateForm(),
            vote_form=VoteForm(),
            evidence_count=report.evidence.count(),
        )
        if context.get("revealed") and not context.get("own_data"):
            context["images"] = [
                f"data:{e.content_type};base64,{e.content}" for e in report.evidence.all()
            ]
        return context


class TriageActionView(VolunteerRequiredMixin, View):
    """One POST per triage step; the service decides whether it is allowed."""

    def post(self, request, pk, action):
        try:
            if action in ACTIONS:
                service, form_class = ACTIONS[action]
                extra = {}
                if form_class is not None:
                    form = form_class(request.POST)
                    extra = {"comment": form.data.get("comment", "")[:1000]}
                service(actor=request.user, report_id=pk, **extra)
            elif action == "duplicate":
                form = DuplicateForm(request.POST)
                if not form.is_valid():
                    raise ValidationFailed(_("Give the number of the first report."))
                mark_duplicate(
                    actor=request.user, report_id=pk, original_id=form.cleaned_data["original"]
                )
            elif action == "vote":
                vote(actor=request.user, report_id=pk, choice=request.POST.get("choice", ""))
            else:
                raise Http404
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Done."))
        return redirect("tipline:triage_report", pk=pk)


class TakenDownView(VolunteerRequiredMixin, View):
    def post(self, request, pk):
        try:
            mark_taken_down(actor=request.user, cluster_id=pk)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Marked as taken down."))
        return redirect("tipline:threat", pk=pk)


class ExportView(VolunteerRequiredMixin, View):
    """STIX 2.1 and MISP downloads for CERT teams: volunteers pass them on."""

    def get(self, request, fmt):
        clusters = exports.threats()
        if fmt == "stix":
            body, name = exports.stix_bundle(clusters), "stix-bundle.json"
        elif fmt == "misp":
            body, name = exports.misp_event(clusters), "misp-event.json"
        else:
            raise Http404
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = (
            f'attachment; filename="cyberweek-{timezone.localdate()}-{name}"'
        )
        return response
