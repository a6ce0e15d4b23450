"""Pages of a team's own: its members (leaving, handing over the captaincy) and its
write-ups, plus the accepted write-ups others may read. Rules live in the services and
`queries`; these views parse, call and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cyberweek.core.errors import DomainError

from . import markdown, queries, services
from .forms import CaptainForm, WriteUpForm
from .models import Challenge, Solve, WriteUp
from .views import competition_or_404


def _my_team_or_404(request, competition):
    team = services.team_of(request.user, competition.pk)
    if team is None:
        raise Http404(_("You are not in a team of this competition."))
    return team


@login_required
def my_team(request, slug):
    competition = competition_or_404(slug)
    team = _my_team_or_404(request, competition)
    members = list(team.memberships.select_related("user").order_by("joined_at"))
    ended = timezone.now() >= competition.ends_at
    solved = Challenge.objects.filter(
        pk__in=Solve.objects.filter(team=team).values("challenge_id")
    ).order_by("category", "pk")
    context = {
        "competition": competition,
        "team": team,
        "members": members,
        "is_captain": team.captain_id == request.user.pk,
        "captain_form": CaptainForm(members=[m for m in members if m.user_id != request.user.pk]),
        "ended": ended,
        "solved": solved if ended else [],
        "writeups": queries.team_writeups(team),
    }
    return render(request, "ctf/my_team.html", context)


@login_required
@require_POST
def leave(request, slug):
    competition = competition_or_404(slug)
    team = _my_team_or_404(request, competition)
    try:
        services.leave_team(actor=request.user, team_id=team.pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("ctf:my_team", competition.slug)
    messages.success(request, _("You left %(team)s.") % {"team": team.name})
    return redirect("ctf:competition", competition.slug)


@login_required
@require_POST
def hand_over(request, slug):
    competition = competition_or_404(slug)
    team = _my_team_or_404(request, competition)
    members = team.memberships.select_related("user").exclude(user=request.user)
    form = CaptainForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, _("Choose a member of your team."))
        return redirect("ctf:my_team", competition.slug)
    try:
        services.hand_over_captaincy(
            actor=request.user, team_id=team.pk, new_captain_id=form.cleaned_data["captain"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The captaincy is handed over."))
    return redirect("ctf:my_team", competition.slug)


@login_required
def write_up(request, slug, pk):
    competition = competition_or_404(slug)
    team = _my_team_or_404(request, competition)
    challenge = get_object_or_404(Challenge, pk=pk, competition=competition)
    existing = WriteUp.objects.filter(team=team, challenge=challenge).first()
    initial = {"text": existing.text} if existing else {}
    form = WriteUpForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                upload = form.cleaned_data.get("file")
                text = form.cleaned_data["text"]
                if upload:
                    text = services.writeup_file_text(upload.name, upload.read())
                writeup = services.submit_writeup(
                    actor=request.user, challenge_id=challenge.pk, text=text
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                if writeup.found_types:
                    messages.info(
                        request,
                        _("Sent. Personal information was masked in what others read."),
                    )
                else:
                    messages.success(request, _("Write-up sent; the organisers review it."))
                return redirect("ctf:my_team", competition.slug)
        status = 400
    context = {"competition": competition, "challenge": challenge, "form": form}
    return render(request, "ctf/write_up.html", context, status=status)


def writeup_list(request, slug):
    competition = competition_or_404(slug)
    writeups = [
        (w, markdown.render(w.public_text))
        for w in queries.readable_writeups(competition, request.user)
    ]
    context = {
        "competition": competition,
        "writeups": writeups,
        "allowed": queries.may_read_writeups(competition, request.user),
    }
    return render(request, "ctf/writeup_list.html", context)
