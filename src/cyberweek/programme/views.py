"""Public pages of the programme."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cyberweek.core.templatetags.cyberweek import tr

from . import queries
from .forms import ProgrammeFilterForm
from .ical import calendar_for


def _edition_or_404(year: int):
    return get_object_or_404(queries.published_editions(), year=year)


def home(request):
    edition = queries.current_edition()
    context = {"edition": edition}
    if edition is not None:
        context["status"] = queries.week_status(edition)
        context["themed_days"] = edition.themed_days.all()
        context["highlights"] = queries.public_events(edition).filter(parent__isnull=True)[:8]
    return render(request, "programme/home.html", context)


def edition_list(request):
    return render(
        request, "programme/edition_list.html", {"editions": queries.published_editions()}
    )


def programme(request, year: int):
    edition = _edition_or_404(year)
    form = ProgrammeFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else None
    context = {
        "edition": edition,
        "form": form,
        "days": queries.programme_days(edition, kind=kind or None),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "programme/programme.html", context, status=status)


def event_detail(request, year: int, slug: str):
    edition = _edition_or_404(year)
    event = queries.event_with_details(edition, slug)
    if event is None:
        raise Http404(_("No such event in this edition."))
    return render(request, "programme/event_detail.html", {"edition": edition, "event": event})


def _ics_response(request, events, *, name: str, filename: str) -> HttpResponse:
    def url_for(event):
        return request.build_absolute_uri(
            reverse("programme:event", args=[event.edition.year, event.slug])
        )

    response = HttpResponse(
        calendar_for(events, name=name, url_for=url_for),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def programme_ics(request, year: int):
    edition = _edition_or_404(year)
    name = f"{edition.year} {tr(edition, 'theme')}"
    return _ics_response(
        request, queries.public_events(edition), name=name, filename=f"cyberweek-{year}.ics"
    )


def event_ics(request, year: int, slug: str):
    edition = _edition_or_404(year)
    event = queries.event_with_details(edition, slug)
    if event is None:
        raise Http404(_("No such event in this edition."))
    return _ics_response(
        request, [event], name=tr(event, "title"), filename=f"cyberweek-{year}-{slug}.ics"
    )
