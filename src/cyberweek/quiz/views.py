"""Public pages of the knowledge contest: contests, entering, taking (htmx saves each
answer as it is chosen), submitting, the review, leaderboards and certificates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cyberweek.core.errors import DomainError, NotFound
from cyberweek.geo.models import Region, Sector

from . import certificates, leaderboards, queries, ratelimits, services
from .forms import EntryForm
from .models import Attempt


def _contest_or_404(slug):
    return get_object_or_404(queries.public_contests(), slug=slug)


def _attempt_or_404(request, pk):
    try:
        return services.current_attempt(actor=request.user, attempt_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _too_many(request, error):
    response = render(request, "quiz/refused.html", {"message": error.message}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def contest_list(request):
    now = timezone.now()
    contests = list(queries.public_contests()[:50])
    return render(request, "quiz/contest_list.html", {"contests": contests, "now": now})


def contest_detail(request, slug):
    contest = _contest_or_404(slug)
    entry = queries.entry_of(request.user, contest)
    initial = {}
    if entry:
        initial = {
            "display_name": entry.display_name,
            "show_name": entry.show_name,
            "region": entry.region_id,
            "sector": entry.sector,
            "school": entry.school,
            "track": entry.track,
            "birth_year": entry.birth_year,
        }
    form = EntryForm(request.POST or None, contest=contest, initial=initial)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if form.is_valid():
            try:
                ratelimits.check(request, "start")
                data = form.cleaned_data
                services.enter_contest(
                    actor=request.user,
                    contest_id=contest.pk,
                    display_name=data["display_name"],
                    show_name=data["show_name"],
                    region=data["region"],
                    sector=data["sector"],
                    school=data["school"],
                    track=data.get("track") or "general",
                    birth_year=data.get("birth_year"),
                )
                attempt, _new = services.start_attempt(actor=request.user, contest_id=contest.pk)
            except ratelimits.RateLimited as error:
                return _too_many(request, error)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect("quiz:attempt", attempt.pk)
        status = 400
    context = {
        "contest": contest,
        "form": form,
        "entry": entry,
        "attempts": queries.attempts_with_review(request.user, contest),
        "is_open": contest.is_open_at(timezone.now()),
        "rules": contest.paper_rules.all(),
        "boards_open": queries.boards_open(contest),
    }
    return render(request, "quiz/contest_detail.html", context, status=status)


@login_required
def attempt_page(request, pk):
    attempt = _attempt_or_404(request, pk)
    if attempt.status == Attempt.Status.SUBMITTED:
        return redirect("quiz:review", attempt.pk)
    remaining = max(0, int((attempt.deadline_at - timezone.now()).total_seconds()))
    context = {
        "attempt": attempt,
        "contest": attempt.contest,
        "questions": queries.paper(attempt),
        "remaining": remaining,
    }
    return render(request, "quiz/attempt.html", context)


@login_required
@require_POST
def save_answer(request, pk, position):
    chosen = request.POST.getlist("chosen")
    try:
        ratelimits.check(request, "answer")
        answer = services.save_answer(
            actor=request.user, attempt_id=pk, position=position, chosen=chosen
        )
    except ratelimits.RateLimited as error:
        if request.htmx:
            return _fragment(request, error.message, ok=False, status=429)
        return _too_many(request, error)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        if request.htmx:
            return _fragment(request, error.message, ok=False, status=error.status)
        messages.error(request, error.message)
        return redirect("quiz:attempt", pk)
    saved_at = timezone.localtime(answer.answered_at).strftime("%H:%M:%S")
    message = _("Saved at %(time)s") % {"time": saved_at}
    if request.htmx:
        return _fragment(request, message, ok=True)
    messages.success(request, message)
    return redirect(f"{reverse('quiz:attempt', args=[pk])}#q{position}")


def _fragment(request, message, *, ok, status=200):
    return render(
        request, "quiz/_answer_status.html", {"message": message, "ok": ok}, status=status
    )


@login_required
@require_POST
def submit(request, pk):
    attempt = _attempt_or_404(request, pk)
    if (
        attempt.status == Attempt.Status.OPEN
        and request.POST.get("confirmed") != "1"
        and attempt.deadline_at > timezone.now()
    ):
        # A second step, not a script's confirm(): it works without JavaScript. Past the
        # deadline nothing can be changed any more, so nothing is asked.
        blank, total = queries.blank_questions(attempt)
        if blank:
            context = {"attempt": attempt, "contest": attempt.contest, "blank": blank}
            context["total"] = total
            return render(request, "quiz/submit_confirm.html", context)
    try:
        ratelimits.check(request, "submit")
        attempt = services.submit_attempt(actor=request.user, attempt_id=pk)
    except ratelimits.RateLimited as error:
        return _too_many(request, error)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("quiz:review", pk)
    messages.success(request, _("Submitted."))
    return redirect("quiz:review", attempt.pk)


@login_required
def review(request, pk):
    attempt = _attempt_or_404(request, pk)
    if attempt.status != Attempt.Status.SUBMITTED:
        messages.info(request, _("The review opens after you submit."))
        return redirect("quiz:attempt", attempt.pk)
    state = queries.review_state(attempt)
    shown = state.score_shown
    context = {
        "attempt": attempt,
        "contest": attempt.contest,
        "review": state,
        "questions": queries.paper(attempt, reveal=True) if state.answers_shown else [],
        "certificate": getattr(attempt, "certificate", None) if shown and attempt.passed else None,
        "entry": attempt.entry,
        "rank": leaderboards.rank_of(attempt.entry) if shown else None,
        "boards_open": queries.boards_open(attempt.contest),
    }
    return render(request, "quiz/review.html", context)


@login_required
def certificate_pdf(request, pk):
    attempt = _attempt_or_404(request, pk)
    certificate = getattr(attempt, "certificate", None)
    if certificate is None or not queries.review_state(attempt).score_shown:
        raise Http404(_("This attempt has no certificate."))
    try:
        ratelimits.check(request, "certificate")
    except ratelimits.RateLimited as error:
        return _too_many(request, error)
    verify_url = request.build_absolute_uri(certificates.verify_path(certificate))
    pdf = certificates.render_pdf(certificate, verify_url=verify_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.code[:8]}.pdf"'
    )
    return response


def verify_certificate(request, code):
    try:
        if len(code) > 32:
            raise NotFound(_("No certificate with that code."))
        certificate = queries.certificate_by_code(code)
    except NotFound:
        # The same page for a code never issued and one whose holder erased their entry:
        # nothing tells whose it was, or that it ever existed.
        return render(request, "quiz/verify_invalid.html", {"code": code[:32]}, status=404)
    attempt = certificate.attempt
    context = {
        "certificate": certificate,
        "contest": attempt.contest,
        "band": queries.score_band(attempt.score, attempt.max_score),
    }
    return render(request, "quiz/verify.html", context)


def leaderboard(request, slug):
    contest = _contest_or_404(slug)
    if not queries.boards_open(contest):
        raise Http404(_("This contest's leaderboards open when it closes."))
    entry = queries.entry_of(request.user, contest)
    scope, title = _scope(request, contest, entry)
    if scope is None:
        raise Http404(_("No such leaderboard."))
    mine = leaderboards.rank_of(entry, scope) if entry else None
    context = {
        "contest": contest,
        "rows": leaderboards.top(contest, scope, limit=50),
        "scope_title": title,
        "scope": request.GET.get("scope", "all"),
        "entry": entry,
        "my_rank": mine,
        "sectors": Sector.choices,
        "provinces": Region.objects.filter(level=Region.Level.PROVINCE, is_active=True).order_by(
            "code"
        ),
    }
    if request.htmx:
        return render(request, "quiz/_leaderboard_rows.html", context)
    return render(request, "quiz/leaderboard.html", context)


def _scope(request, contest, entry):
    """The board asked for, as a leaderboards scope, and its title; None if unknown."""
    kind = request.GET.get("scope", "all")
    if kind == "all":
        return "all", _("Everyone")
    if kind == "youth" and contest.youth_track:
        return "youth", _("Youth track")
    if kind == "region":
        region = Region.objects.filter(code=request.GET.get("region", "")[:6]).first()
        if region is None:
            return None, ""
        return f"region:{region.code}", region.display_name
    if kind == "sector":
        sector = request.GET.get("sector", "")
        if sector not in Sector.values:
            return None, ""
        return f"sector:{sector}", str(Sector(sector).label)
    if kind == "school" and entry and entry.school_index:
        return f"school:{entry.school_index}", entry.school
    return None, ""
