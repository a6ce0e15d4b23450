"""The public campaign pages (progress, no personal data), a person's volunteering page,
and certificates of service with their verification page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cyberweek.core.certificates import looks_like_code, pdf_download
from cyberweek.core.errors import DomainError, NotFound
from cyberweek.programme.queries import current_edition, published_editions

from . import certificates, queries, services
from .forms import CertificateForm, TaskForm
from .models import Volunteer


def campaign_list(request):
    year = request.GET.get("year", "")
    edition = (
        published_editions().filter(year=int(year)).first()
        if year.isdigit() and len(year) == 4
        else None
    ) or current_edition()
    campaigns = list(queries.published_campaigns(edition)) if edition else []
    rows = [(campaign, queries.progress(campaign)) for campaign in campaigns]
    return render(request, "campaigns/list.html", {"edition": edition, "rows": rows})


def campaign_detail(request, year, slug):
    try:
        campaign = queries.published_campaign(year, slug)
    except NotFound as error:
        raise Http404(error.message) from None
    context = {
        "campaign": campaign,
        "progress": queries.progress(campaign),
        "activities": queries.campaign_activities(campaign)[:200],
    }
    return render(request, "campaigns/detail.html", context)


@login_required
def volunteering(request):
    context = {
        "volunteering": queries.volunteering_of(request.user),
        "task_form": TaskForm(),
        "certificate_form": CertificateForm(),
    }
    return render(request, "campaigns/volunteering.html", context)


def _back(request, error: DomainError | None, done: str):
    if error is None:
        messages.success(request, done)
    else:
        messages.error(request, error.message)
    return redirect("campaigns:volunteering")


@login_required
@require_POST
def respond(request, pk, answer):
    if answer not in {"accept", "decline"}:
        raise Http404
    try:
        services.respond_to_invitation(
            actor=request.user, volunteer_id=pk, accept=answer == "accept"
        )
    except DomainError as error:
        return _back(request, error, "")
    done = _("Welcome aboard.") if answer == "accept" else _("You declined the invitation.")
    return _back(request, None, done)


@login_required
@require_POST
def record_task(request, pk):
    form = TaskForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(e for field in form.errors.values() for e in field)
        messages.error(request, errors)
        return redirect("campaigns:volunteering")
    try:
        services.record_task(actor=request.user, volunteer_id=pk, **form.cleaned_data)
    except DomainError as error:
        return _back(request, error, "")
    return _back(request, None, _("Task recorded; an organiser confirms the hours."))


@login_required
@require_POST
def ask_certificate(request, pk):
    form = CertificateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the name to print on the certificate."))
        return redirect("campaigns:volunteering")
    try:
        services.issue_certificate(
            actor=request.user, volunteer_id=pk, holder_name=form.cleaned_data["holder_name"]
        )
    except DomainError as error:
        return _back(request, error, "")
    return _back(request, None, _("Your certificate is ready to download."))


@login_required
def certificate_pdf(request, pk):
    volunteer = (
        Volunteer.objects.filter(pk=pk, user=request.user)
        .select_related("certificate__volunteer__campaign__edition")
        .first()
    )
    certificate = getattr(volunteer, "certificate", None) if volunteer else None
    if certificate is None:
        raise Http404(_("You have no certificate for this campaign yet."))
    verify_url = request.build_absolute_uri(certificates.verify_path(certificate))
    return pdf_download(
        request,
        scope="campaigns-certificate",
        render=lambda: certificates.render_pdf(certificate, verify_url=verify_url),
        filename=f"service-certificate-{certificate.code[:8]}.pdf",
    )


def verify_certificate(request, code):
    try:
        if not looks_like_code(code):
            raise NotFound(_("No certificate with that code."))
        certificate = queries.certificate_by_code(code)
    except NotFound:
        return render(request, "campaigns/verify_invalid.html", {"code": code[:32]}, status=404)
    return render(request, "campaigns/verify.html", {"certificate": certificate})
