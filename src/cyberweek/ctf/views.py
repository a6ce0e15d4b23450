"""Public pages of the CTF: competitions, challenges with the flag form (htmx answers in
place), team registration and invites, the board with its chart, and the CTFtime feed and
CSV export. What the public and teams see after the freeze is decided in `queries`."""

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import etag, require_POST

from cyberweek.core.errors import DomainError, NotFound
from cyberweek.geo.models import Sector

from . import board, cached_state, exports, markdown, queries, services
from .forms import FlagForm, JoinForm, TeamForm
from .models import Attachment, Challenge, Division, Hint, Team

PAGE_SIZE = 50


def competition_or_404(slug):
    # From the shared cache (every organiser change advances its version): the board
    # page and its poll are most of the reads.
    competition = cached_state.published_competition(slug[:60])
    if competition is None:
        raise Http404(_("No such competition."))
    return competition


def competition_list(request):
    competitions = list(queries.public_competitions()[:50])
    return render(request, "ctf/competition_list.html", {"competitions": competitions})


def competition_detail(request, slug):
    competition = competition_or_404(slug)
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
    competition = competition_or_404(slug)
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
        "attachments": challenge.attachments.all()
        if queries.may_download(competition, challenge, request.user)
        else [],
        "writeups": [
            (w, markdown.render(w.public_text))
            for w in queries.readable_writeups(competition, request.user, challenge=challenge)
        ],
        "flag_form": FlagForm(),
    }
    return render(request, "ctf/challenge_detail.html", context)


@login_required
@require_POST
def submit(request, slug, pk):
    competition = competition_or_404(slug)
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
    competition = competition_or_404(slug)
    hint = get_object_or_404(Hint, pk=pk, challenge__competition=competition)
    try:
        services.unlock_hint(actor=request.user, hint_id=hint.pk)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("ctf:challenge", competition.slug, hint.challenge_id)


@login_required
def register_team(request, slug):
    competition = competition_or_404(slug)
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


def _slice(request, divisions, provinces) -> board.Slice:
    """The board a request asks for: a division, province or sector of the competition;
    a value that is none of them is ignored (the whole board is shown)."""

    def number(name):
        value = request.GET.get(name) or ""
        return int(value) if value.isdigit() and len(value) <= 18 else None

    division_id = number("division")
    region_id = number("region")
    sector = request.GET.get("sector") or None
    return board.Slice(
        division_id=division_id if division_id in {d.pk for d in divisions} else None,
        region_id=region_id if region_id and region_id in {r.pk for r in provinces} else None,
        sector=sector if sector in Sector.values else None,
    )


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page") or 1), 10_000))
    except ValueError:
        return 1


def _board_competition(request, slug):
    # The ETag function and the view both need it: looked up once per request.
    if not hasattr(request, "_ctf_competition"):
        request._ctf_competition = competition_or_404(slug)
    return request._ctf_competition


def _state(request, competition):
    # Asked by the ETag and by the rows: one cache read a request.
    if not hasattr(request, "_ctf_state"):
        frozen = queries.sees_frozen(competition, request.user)
        request._ctf_live_version = None if frozen else board.live_version(competition.pk)
        request._ctf_state = queries.board_state(
            competition, request.user, live_version=request._ctf_live_version
        )
    return request._ctf_state


def _board_etag(request, slug):
    """The board page's ETag: who asks, in which language, which page, and the board's
    state (see `queries.board_state`). None (no ETag) when a message waits to be shown."""
    try:
        competition = _board_competition(request, slug)
    except Http404:
        return None
    if len(get_messages(request)):
        return None
    state = _state(request, competition)
    if state is None:
        return None
    who = request.user.pk if request.user.is_authenticated else 0
    # The cached state's version too: an organiser's change (a division renamed) shows
    # on the next request, not when the board next moves.
    version = getattr(competition, "state_version", None)
    parts = [state, str(version), str(who), request.LANGUAGE_CODE, request.get_full_path()]
    parts.append("htmx" if request.htmx else "page")
    request._ctf_etag = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return request._ctf_etag


def _filters(where: board.Slice) -> str:
    chosen = (
        ("division", where.division_id),
        ("region", where.region_id),
        ("sector", where.sector),
    )
    return urlencode({name: value for name, value in chosen if value})


def _rows_markup(rows, team) -> str:
    """The table's rows. Built here rather than by a loop in the template: fifty rows
    through the template engine were a third of the CPU of a board page rendered after a
    solve (cProfile, bench database); `format_html` escapes the names as the template did."""
    mine = team.pk if team else None
    return format_html_join(
        "\n",
        '<tr{}><td>{}</td><td>{}</td><td class="text-end">{}</td></tr>',
        (
            (mark_safe(' class="table-primary"') if row.team_id == mine else "", row.rank,
             row.name, row.score)
            for row in rows
        ),
    )  # fmt: skip


def _board_rows_html(request, competition, where: board.Slice, team, page: int) -> str:
    """The board's rows, rendered. Without a team of the asker's (the public's view) they
    are the same for everyone who sees the same board state, so they are cached under it:
    a read between two solves costs one cache read. The state says live or frozen, so a
    fragment cached before the freeze is never served after it."""
    state = _state(request, competition) if team is None else None
    key = f"ctf-board-html:{competition.pk}:{state}:{where.key()}:{page}:{request.LANGUAGE_CODE}"
    if state is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    found = queries.board_page(
        competition,
        request.user,
        team=team,
        where=where,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        live_version=getattr(request, "_ctf_live_version", None),
    )
    pages = max(1, -(-found.size // PAGE_SIZE))
    context = {
        "filters": _filters(where),
        "board": found,
        "team": team,
        "page": page,
        "pages": pages,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < pages else None,
    }
    context["row_html"] = _rows_markup(found.rows, team)
    html = render_to_string("ctf/_board_rows.html", context, request=request)
    if state is not None:
        cache.set(key, html, board.ROWS_CACHE_SECONDS)
    return html


ROWS_MARK = mark_safe("<!-- ctf board rows -->")


def _board_chrome(request, context) -> tuple[str, str]:
    """The board page around its rows. A visitor's (no session: no CSRF token, no name in
    the navigation) is the same for everyone on this address and language until an
    organiser changes the competition, so it is kept under the cached state's version:
    after a solve only the rows are rendered again."""
    anonymous = not request.user.is_authenticated and not request.session.session_key
    key = cached_state.page_key(
        context["competition"], request.LANGUAGE_CODE, request.get_full_path()
    )
    if anonymous and getattr(request, "_ctf_etag", None):
        found = cached_state.read_page(key)
        if found is not None:
            return found
    else:
        anonymous = False
    html = render_to_string("ctf/scoreboard.html", context | {"rows_html": ROWS_MARK}, request)
    head, _mark, tail = html.partition(ROWS_MARK)
    if anonymous:
        cached_state.keep_page(context["competition"], key, (head, tail))
    return head, tail


def _no_store_in_shared_caches(response):
    # Every poll asks again (If-None-Match); a browser or proxy never shows a stale board
    # and never shares one person's page with another.
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Cookie", "HX-Request"])
    return response


@etag(_board_etag)
def scoreboard(request, slug):
    """The board page (or, for htmx polls, its rows). A visitor's page holds nothing of
    their own (no CSRF token, no team), so it is cached whole under its ETag, which
    names the board's state: between two solves a visitor's read is a few cache reads."""
    page_key = None
    if not request.user.is_authenticated and getattr(request, "_ctf_etag", None):
        page_key = f"ctf-board-page:{request._ctf_etag}"
        cached = cache.get(page_key)
        if cached is not None:
            return _no_store_in_shared_caches(HttpResponse(cached))
    competition = _board_competition(request, slug)
    divisions = list(competition.divisions.all())
    # Read only when a province is asked for or the page around the rows is rendered.
    provinces = SimpleLazyObject(queries.provinces)
    where = _slice(request, divisions, provinces)
    team = services.team_of(request.user, competition.pk)
    rows_html = _board_rows_html(request, competition, where, team, _page_number(request))
    if request.htmx:
        response = HttpResponse(rows_html)
    else:
        context = {
            "competition": competition,
            "divisions": divisions,
            "provinces": provinces,
            "sectors": Sector.choices,
            "where": where,
            "filters": _filters(where),
        }
        head, tail = _board_chrome(request, context)
        response = HttpResponse(head + rows_html + tail)
    if page_key is not None:
        cache.set(page_key, response.content, board.ROWS_CACHE_SECONDS)
    return _no_store_in_shared_caches(response)


def chart_data(request, slug):
    """The top ten's points over time, for the chart (ECharts, static/ctf/board.js)."""
    competition = competition_or_404(slug)
    series = queries.score_history(competition, request.user, top=10)
    return JsonResponse({"series": series})


def _whole_board(request, slug):
    competition = competition_or_404(slug)
    where = _slice(request, list(competition.divisions.all()), queries.provinces())
    found = queries.board_page(competition, request.user, team=None, where=where, limit=100_000)
    return competition, found


def ctftime(request, slug):
    """The standings in CTFtime's scoreboard feed format."""
    _competition, found = _whole_board(request, slug)
    standings = [{"pos": r.rank, "team": r.name, "score": r.score} for r in found.rows]
    return JsonResponse({"standings": standings}, json_dumps_params={"ensure_ascii": False})


def board_csv(request, slug):
    competition, found = _whole_board(request, slug)
    response = HttpResponse(exports.board_csv(found.rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{competition.slug}-board.csv"'
    return response


def board_xlsx(request, slug):
    competition, found = _whole_board(request, slug)
    response = HttpResponse(exports.board_xlsx(found.rows), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{competition.slug}-board.xlsx"'
    return response


def attachment(request, slug, token):
    """A challenge's file, for a team taking part (or an organiser) once the challenge
    is open to it; to anyone else it does not exist."""
    competition = competition_or_404(slug)
    found = get_object_or_404(
        Attachment.objects.select_related("challenge"),
        token=token[:40],
        challenge__competition=competition,
    )
    if not queries.may_download(competition, found.challenge, request.user):
        raise Http404(_("No such file."))
    try:
        default_storage.path(found.file.name)
    except NotImplementedError:  # S3: a short-lived signed address
        return HttpResponseRedirect(default_storage.url(found.file.name))
    if not default_storage.exists(found.file.name):
        raise Http404(_("No such file."))
    response = FileResponse(
        default_storage.open(found.file.name, "rb"),
        as_attachment=True,
        filename=found.name,
        content_type=found.content_type,
    )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
