"""Public pages of the CTF: competitions, challenges with the flag form (htmx answers in
place), team registration and invites, the board with its chart, and the CTFtime feed and
CSV export. What the public and teams see after the freeze is decided in `queries`."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cyberweek.core.errors import DomainError, NotFound

from . import markdown, queries, services
from .forms import FlagForm, JoinForm, TeamForm
from .models import Challenge, Division, Hint, Team

PAGE_SIZE = 50


def _competition_or_404(slug):
    return get_object_or_404(queries.public_competitions(), slug=slug[:60])


def competition_list(request):
    competitions = list(queries.public_competitions()[:50])
    return render(request, "ctf/competition_list.html", {"competitions": competitions})


def competition_detail(request, slug):
    competition = _competition_or_404(slug)
    team = services.team_of(request.user, competition.pk)
    context = {
        "competition": competition,
        "team": team,
        "cards": queries.challenge_cards(competition, request.user, team=team),
        "running": competition.is_running_at(timezone.now()),
        "frozen": queries.sees_frozen(competition, request.user),
        "invite_url": request.build_absolute_uri(reverse("ctf:join", args=[team.invite_token]))
        if team
        else "",
        "flag_form": FlagForm(),
    }
    return render(request, "ctf/competition_detail.html", context)


def challenge_detail(request, slug, pk):
    competition = _competition_or_404(slug)
    challenge = get_object_or_404(Challenge, pk=pk, competition=competition)
    if not challenge.is_released_at(timezone.now()):
        raise Http404(_("No such challenge is open."))
    team = services.team_of(request.user, competition.pk)
    unlocked = queries.unlocked_hints(team, challenge)
    description = challenge.description
    if request.LANGUAGE_CODE.startswith("en") and challenge.description_en:
        description = challenge.description_en
    card = next(
        c for c in queries.challenge_cards(competition, request.user, team=team)
        if c.challenge.pk == challenge.pk
    )  # fmt: skip
    context = {
        "competition": competition,
        "challenge": challenge,
        "card": card,
        "team": team,
        "description": markdown.render(description),
        "hints": [(h, h.pk in unlocked) for h in challenge.hints.all()],
        "flag_form": FlagForm(),
    }
    return render(request, "ctf/challenge_detail.html", context)


@login_required
@require_POST
def submit(request, slug, pk):
    competition = _competition_or_404(slug)
    form = FlagForm(request.POST)
    status = 200
    if not form.is_valid():
        message, ok, status = _("Enter a flag."), False, 400
    else:
        try:
            outcome = services.submit_flag(
                actor=request.user, challenge_id=pk, text=form.cleaned_data["flag"]
            )
        except DomainError as error:
            message, ok, status = error.message, False, error.status
        else:
            ok = outcome.correct
            if outcome.already_solved:
                message = _("Your team has solved this challenge already.")
            elif outcome.correct:
                message = _("Correct! %(points)d points.") % {"points": outcome.points}
            else:
                message = _("Wrong flag.")
    if request.htmx:
        return render(
            request, "ctf/_flag_result.html", {"message": message, "ok": ok}, status=status
        )
    (messages.success if ok else messages.error)(request, message)
    return redirect("ctf:challenge", competition.slug, pk)


@login_required
@require_POST
def unlock_hint(request, slug, pk):
    competition = _competition_or_404(slug)
    hint = get_object_or_404(Hint, pk=pk, challenge__competition=competition)
    try:
        services.unlock_hint(actor=request.user, hint_id=hint.pk)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("ctf:challenge", competition.slug, hint.challenge_id)


@login_required
def register_team(request, slug):
    competition = _competition_or_404(slug)
    form = TeamForm(request.POST if request.method == "POST" else None, competition=competition)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                team = services.register_team(
                    actor=request.user,
                    competition_id=competition.pk,
                    name=data["name"],
                    division_id=data["division"],
                    region=data["region"],
                    sector=data["sector"],
                    birth_year=data.get("birth_year"),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                if team.status == Team.Status.PENDING:
                    messages.info(request, _("Team registered; it waits for the organisers."))
                else:
                    messages.success(request, _("Team registered."))
                return redirect("ctf:competition", competition.slug)
        status = 400
    return render(
        request, "ctf/team_form.html", {"competition": competition, "form": form}, status=status
    )


@login_required
def join(request, token):
    team = get_object_or_404(
        Team.objects.select_related("competition", "division"), invite_token=token[:40]
    )
    competition = team.competition
    form = JoinForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.join_team(
                    actor=request.user,
                    invite_token=team.invite_token,
                    birth_year=form.cleaned_data.get("birth_year"),
                )
            except NotFound as error:
                raise Http404(error.message) from error
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("You joined %(team)s.") % {"team": team.name})
                return redirect("ctf:competition", competition.slug)
        status = 400
    context = {
        "competition": competition,
        "team": team,
        "form": form,
        "youth": team.division.kind == Division.Kind.YOUTH,
    }
    return render(request, "ctf/join.html", context, status=status)


def _division(divisions, request):
    try:
        wanted = int(request.GET.get("division") or 0)
    except ValueError:
        return None
    return next((d for d in divisions if d.pk == wanted), None)


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page") or 1), 10_000))
    except ValueError:
        return 1


def scoreboard(request, slug):
    competition = _competition_or_404(slug)
    divisions = list(competition.divisions.all())
    division = _division(divisions, request)
    team = services.team_of(request.user, competition.pk)
    page = _page_number(request)
    found = queries.board_page(
        competition,
        request.user,
        team=team,
        division_id=division.pk if division else None,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    pages = max(1, -(-found.size // PAGE_SIZE))
    context = {
        "competition": competition,
        "divisions": divisions,
        "division": division,
        "board": found,
        "team": team,
        "page": page,
        "pages": pages,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < pages else None,
    }
    template = "ctf/_board_rows.html" if request.htmx else "ctf/scoreboard.html"
    return render(request, template, context)


def chart_data(request, slug):
    """The top ten's points over time, for the chart (ECharts, static/ctf/board.js)."""
    competition = _competition_or_404(slug)
    series = queries.score_history(competition, request.user, top=10)
    return JsonResponse({"series": series})


def ctftime(request, slug):
    """The standings in CTFtime's scoreboard feed format."""
    competition = _competition_or_404(slug)
    found = queries.board_page(competition, request.user, team=None, limit=100_000)
    standings = [{"pos": r.rank, "team": r.name, "score": r.score} for r in found.rows]
    return JsonResponse({"standings": standings}, json_dumps_params={"ensure_ascii": False})


def board_csv(request, slug):
    competition = _competition_or_404(slug)
    found = queries.board_page(competition, request.user, team=None, limit=100_000)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{competition.slug}-board.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the team names as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("Rank"), _("Team"), _("Points")])
    for row in found.rows:
        # A name starting with = + - @ would be run as a formula by a spreadsheet.
        name = f"'{row.name}" if row.name[:1] in "=+-@\t\r" else row.name
        writer.writerow([row.rank, name, row.score])
    return response
