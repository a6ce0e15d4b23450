"""Public pages of the micro-video contest: contests and the gallery, entering and
uploading (tus, with progress and resume), my entries with each check step, the entry page
with its player and vote button, phone verification, results, and the judges' pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cyberweek.core.certificates import pdf_download
from cyberweek.core.errors import DomainError, NotFound
from cyberweek.core.rate_limits import client_ip

from . import casting, certificates, queries, reports, services, voting
from .forms import CaptionsForm, CodeForm, EntryForm, MobileForm, ReportForm, ScoreForm
from .media_files import local_file_response
from .models import Category, Entry, VideoFile

MEDIA_KINDS = {"poster": ("poster_name", "image/jpeg"), "video": ("rendition_name", "video/mp4")}


def _contest_or_404(slug):
    return get_object_or_404(queries.public_contests(), slug=slug)


def _public_entry_or_404(ref):
    entry = (
        Entry.objects.select_related("contest", "video")
        .filter(ref=ref, status=Entry.Status.ACCEPTED, erased=False, contest__is_published=True)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def contest_list(request):
    contests = list(queries.public_contests()[:50])
    return render(
        request, "showcase/contest_list.html", {"contests": contests, "now": timezone.now()}
    )


def contest_detail(request, slug):
    """The contest, its rules and the gallery of accepted entries with filters."""
    contest = _contest_or_404(slug)
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    theme = request.GET.get("theme", "")
    theme = theme if theme in contest.theme_list() else ""
    search = request.GET.get("q", "")[:60]
    entries = queries.gallery(contest, category=category, theme=theme, search=search)[:60]
    return render(
        request,
        "showcase/contest_detail.html",
        {
            "contest": contest,
            "entries": [(e, queries.public_name(e)) for e in entries],
            "categories": [(c, Category(c).label) for c in contest.categories],
            "category": category,
            "theme": theme,
            "q": search,
            "now": timezone.now(),
        },
    )


@login_required
def enter(request, slug):
    contest = _contest_or_404(slug)
    form = EntryForm(request.POST or None, contest=contest)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.save_entry(
                actor=request.user, contest_id=contest.pk, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("showcase:upload", ref=entry.ref)
    status = 400 if request.method == "POST" else 200
    return render(request, "showcase/enter.html", {"contest": contest, "form": form}, status=status)


def _my_entry_or_404(request, ref):
    entry = queries.my_entries(request.user).filter(ref=ref).first()
    if entry is None:
        raise Http404
    return entry


@login_required
def edit_entry(request, ref):
    """The entrant changes the entry's text while submissions are open: a returned entry
    goes back to screening (services.save_entry says so)."""
    entry = _my_entry_or_404(request, ref)
    fields = ("title", "description", "category", "theme", "display_name", "show_name")
    form = EntryForm(
        request.POST or None,
        contest=entry.contest,
        initial={name: getattr(entry, name) for name in fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_entry(
                actor=request.user,
                contest_id=entry.contest_id,
                entry_ref=entry.ref,
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your entry is saved."))
            return redirect("showcase:mine")
    return render(
        request,
        "showcase/edit_entry.html",
        {"entry": entry, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def upload(request, ref):
    """The upload page: tus-js-client sends the file in chunks (see static/showcase/upload.js)
    and resumes where it stopped; captions are a plain form."""
    entry = _my_entry_or_404(request, ref)
    form = CaptionsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_captions(
                actor=request.user, entry_ref=ref, content=form.cleaned_data["captions"].read()
            )
        except DomainError as error:
            form.add_error("captions", error.message)
        else:
            messages.success(request, _("Captions saved."))
            return redirect("showcase:upload", ref=ref)
    return render(
        request,
        "showcase/upload.html",
        {
            "entry": entry,
            "form": form,
            "open": entry.contest.submissions_open(timezone.now()),
            "max_mb": entry.contest.max_size_bytes // 1_000_000,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def my_entries(request):
    entries, now = list(queries.my_entries(request.user)), timezone.now()
    changeable = {entry.ref for entry in entries if entry.text_can_change(now)}
    return render(
        request, "showcase/my_entries.html", {"entries": entries, "changeable": changeable}
    )


@login_required
def entry_status(request, ref):
    """The steps of the check, as a fragment the upload page polls."""
    entry = _my_entry_or_404(request, ref)
    return render(request, "showcase/_steps.html", {"entry": entry})


def entry_page(request, ref):
    entry = _public_entry_or_404(ref)
    contest = entry.contest
    show_votes = queries.tallies_visible(contest)
    return render(
        request,
        "showcase/entry.html",
        {
            "entry": entry,
            "contest": contest,
            "name": queries.public_name(entry),
            "votes": queries.vote_count(entry) if show_votes else None,
            "voting_open": contest.voting_open(timezone.now()),
            "verified": request.user.is_authenticated and voting.is_verified(request.user),
            "share_url": request.build_absolute_uri(),
            "report_form": ReportForm(),
        },
    )


@require_POST
def report(request, ref):
    """The report button: a reason and, optionally, details for the organisers."""
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason for the report."))
        return redirect("showcase:entry", ref=ref)
    try:
        reports.report_entry(
            actor=request.user, entry_ref=ref, address=client_ip(request), **form.cleaned_data
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: the organisers will look at your report."))
    return redirect("showcase:entry", ref=ref)


@login_required
def certificate_pdf(request, ref):
    """The winner's certificate of one's own entry, as a PDF."""
    entry = _my_entry_or_404(request, ref)
    certificate = getattr(entry, "certificate", None)
    if certificate is None:
        raise Http404(_("This entry has no certificate."))
    verify_url = request.build_absolute_uri(certificates.verify_path(certificate))
    return pdf_download(
        request,
        scope="showcase-certificate",
        render=lambda: certificates.render_pdf(certificate, verify_url=verify_url),
        filename=f"certificate-{certificate.code[:8]}.pdf",
    )


def verify_certificate(request, code):
    try:
        certificate = queries.certificate_by_code(code)
    except NotFound:
        # The same page for a code never issued and one whose entry was erased.
        return render(request, "showcase/certificate_invalid.html", {"code": code[:32]}, status=404)
    return render(
        request,
        "showcase/certificate_verify.html",
        {
            "certificate": certificate,
            "entry": certificate.entry,
            "contest": certificate.entry.contest,
            "name": queries.public_name(certificate.entry),
        },
    )


def media(request, ref, kind):
    """The poster or web version of an accepted entry (or one's own): from the local
    folder, or a signed redirect to the object storage."""
    if kind == "captions":
        entry = _public_or_own(request, ref)
        if not entry.captions_name:
            raise Http404
        return _serve(request, entry.captions_name, "text/vtt; charset=utf-8")
    if kind not in MEDIA_KINDS:
        raise Http404
    entry = _public_or_own(request, ref)
    video: VideoFile | None = entry.video
    name = getattr(video, MEDIA_KINDS[kind][0], "") if video else ""
    if not name:
        raise Http404
    return _serve(request, name, MEDIA_KINDS[kind][1])


def _public_or_own(request, ref):
    entry = Entry.objects.select_related("video").filter(ref=ref, erased=False).first()
    if entry is None:
        raise Http404
    public = entry.status == Entry.Status.ACCEPTED
    own = request.user.is_authenticated and entry.entrant_id == request.user.pk
    organiser = request.user.is_authenticated and request.user.is_organiser
    judge = (
        request.user.is_authenticated
        and entry.contest.judges.filter(judge=request.user, category=entry.category).exists()
    )
    if not (public or own or organiser or judge):
        raise Http404
    return entry


def _serve(request, name, content_type):
    try:
        path = default_storage.path(name)
    except NotImplementedError:
        return HttpResponseRedirect(default_storage.url(name))
    if not default_storage.exists(name):
        raise Http404
    return local_file_response(request, path, content_type)


@require_POST
def played(request, ref):
    casting.record_play(actor=request.user, entry_ref=ref)
    return HttpResponse(status=204)


@login_required
@require_POST
def vote(request, ref):
    device, new_device = voting.device_token(request)
    try:
        casting.cast_vote(
            actor=request.user, entry_ref=ref, address=client_ip(request), device=device
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: your vote is counted."))
    response = redirect("showcase:entry", ref=ref)
    if new_device:
        voting.remember_device(response, device)
    return response


@login_required
def verify_phone(request):
    mobile_form = MobileForm(request.POST if "mobile" in request.POST else None)
    code_form = CodeForm(request.POST if "code" in request.POST else None)
    if mobile_form.is_bound and mobile_form.is_valid():
        try:
            voting.request_code(actor=request.user, mobile=mobile_form.cleaned_data["mobile"])
        except DomainError as error:
            mobile_form.add_error("mobile", error.message)
        else:
            messages.success(request, _("We sent you a code."))
            return redirect("showcase:verify")
    if code_form.is_bound and code_form.is_valid():
        try:
            voting.confirm_code(actor=request.user, code=code_form.cleaned_data["code"])
        except DomainError as error:
            code_form.add_error("code", error.message)
        else:
            messages.success(request, _("Your number is verified: you can vote."))
            return redirect(_safe_next(request) or "showcase:contests")
    return render(
        request,
        "showcase/verify.html",
        {
            "mobile_form": mobile_form,
            "code_form": code_form,
            "verified": voting.is_verified(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


def _safe_next(request) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def results(request, slug):
    contest = _contest_or_404(slug)
    published = contest.results_published_at is not None
    rows = queries.results(contest) if published else []
    return render(
        request,
        "showcase/results.html",
        {
            "contest": contest,
            "published": published,
            "rows": [(r, queries.public_name(r.entry)) for r in rows],
        },
    )


# --- Judges ---------------------------------------------------------------------------------
@login_required
def judging(request, slug):
    """A judge's queue: entries of their categories, blind, with their own scores only."""
    contest = _contest_or_404(slug)
    queue = queries.judge_queue(request.user, contest)
    if not contest.judges.filter(judge=request.user).exists():
        raise Http404
    return render(request, "showcase/judging.html", {"contest": contest, "queue": queue})


@login_required
def judge_entry(request, slug, ref):
    contest = _contest_or_404(slug)
    item = next(
        (i for i in queries.judge_queue(request.user, contest) if i["entry"].ref == ref), None
    )
    if item is None:
        raise Http404
    criteria = list(contest.criteria.all())
    form = ScoreForm(request.POST or None, criteria=criteria, initial=item["scores"])
    if request.method == "POST":
        try:
            if "conflict" in request.POST:
                services.declare_conflict(
                    actor=request.user,
                    entry_id=item["entry"].pk,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Conflict declared: this entry is not yours to judge."))
                return redirect("showcase:judging", slug=slug)
            if form.is_valid():
                services.score_entry(
                    actor=request.user,
                    entry_id=item["entry"].pk,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
                messages.success(request, _("Scores saved."))
                return redirect("showcase:judging", slug=slug)
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "showcase/judge_entry.html",
        {"contest": contest, "item": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )
