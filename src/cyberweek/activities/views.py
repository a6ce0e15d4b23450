"""Public pages: the list and map of approved local activities, and one activity."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from cyberweek.core.permissions import has_scope
from cyberweek.geo.queries import provinces
from cyberweek.programme.queries import current_edition, published_editions

from . import queries
from .forms import ActivityFilterForm
from .models import Activity, OutcomePhoto

PER_PAGE = 20
MAX_PAGE = 500
LIST_CACHE_SECONDS = 300


def _edition(request):
    # `edition` is what the edition selector sends; `year` is kept for links made before it.
    year = request.GET.get("edition") or request.GET.get("year", "")
    if year.isdigit():
        return get_object_or_404(published_editions(), year=int(year))
    edition = current_edition()
    if edition is None:
        raise Http404
    return edition


def _editions_context(edition) -> dict:
    """The edition selector: every published edition one click away, and the edition to
    keep when the filters are submitted (none for the current one, the default)."""
    current = current_edition()
    return {
        "editions": list(published_editions().order_by("-year")),
        "edition_param": edition.year if current is None or edition.pk != current.pk else None,
    }


def _page_number(request) -> int:
    page = request.GET.get("page", "1")
    return min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _list_body(request, edition) -> tuple[int, str]:
    """The filters and one page of the list, rendered: (status, HTML)."""
    form = ActivityFilterForm(request.GET or None, edition=edition)
    page = _page_number(request)
    activities, has_next = [], False
    if not form.is_bound or form.is_valid():
        # One row past the page says whether there is a next page, without counting.
        start = (page - 1) * PER_PAGE
        rows = list(
            queries.public_activities(edition=edition, filters=form.filters())[
                start : start + PER_PAGE + 1
            ]
        )
        activities, has_next = rows[:PER_PAGE], len(rows) > PER_PAGE
    context = {
        "edition": edition,
        **_editions_context(edition),
        "form": form,
        "activities": activities,
        "page": page,
        "has_next": has_next,
        "query": _query_without_page(request),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return status, render_to_string("activities/_list_body.html", context, request=request)


def _seen_by_everyone(request) -> bool:
    """Whether this visitor sees what every other visitor sees: not signed in, and no
    message waiting for them (those travel in the session or the `messages` cookie)."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


@require_GET
def activity_list(request):
    # Most visitors ask for the same few lists: each is rendered once per language and
    # workflow change (the version moves with every step) and then served from the cache,
    # without a query. Anonymous visitors get the whole page from one cache read (the
    # version and the page together); signed-in people get the cached list inside a page
    # rendered for them.
    query = sorted(request.GET.lists())
    digest = hashlib.sha256(repr(query).encode()).hexdigest()[:32]
    language = get_language()
    page_key = f"activities:page:{language}:{digest}"
    public = _seen_by_everyone(request)
    if public:
        found = cache.get_many([queries.PUBLIC_VERSION_KEY, page_key])
        version = found.get(queries.PUBLIC_VERSION_KEY) or queries.lists_version()
        page = found.get(page_key)
        if page is not None and page[0] == version:
            response = HttpResponse(page[2], status=page[1])
            patch_vary_headers(response, ["Cookie"])  # as the page rendered for a person
            return response
    else:
        version = queries.lists_version()
    key = f"activities:list:{language}:{version}:{digest}"
    cached = cache.get(key)
    if cached is None:
        cached = _list_body(request, _edition(request))
        cache.set(key, cached, LIST_CACHE_SECONDS)
    status, body = cached
    response = render(request, "activities/list.html", {"body": body}, status=status)
    if public:
        cache.set(page_key, (version, status, response.content), LIST_CACHE_SECONDS)
    return response


@require_GET
def activity_detail(request, pk: int):
    activity = queries.public_activity(pk)
    if activity is None:
        raise Http404
    photos = activity.photos.all() if activity.status == Activity.Status.VERIFIED else []
    return render(request, "activities/detail.html", {"activity": activity, "photos": photos})


@require_GET
def activity_map(request):
    edition = _edition(request)
    form = ActivityFilterForm(request.GET or None, edition=edition)
    return render(
        request,
        "activities/map.html",
        {"edition": edition, "form": form, **_editions_context(edition)},
    )


@require_GET
def map_data(request):
    """Public activity counts per province for the map, with the page's filters."""
    edition = _edition(request)
    form = ActivityFilterForm(request.GET or None, edition=edition)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    counts = queries.counts_by_province(edition=edition, filters=form.filters())
    return JsonResponse(
        {
            "provinces": [
                {
                    "code": p.code,
                    "name": p.name,
                    "label": p.display_name,
                    "value": counts.get(p.code, 0),
                }
                for p in provinces().order_by("code")
            ]
        }
    )


@require_GET
def photo(request, token: str):
    """An outcome photo: public once the outcome is verified; before that, only for the
    organisers who may see the activity."""
    photo = get_object_or_404(OutcomePhoto.objects.select_related("activity__region"), token=token)
    activity = photo.activity
    if activity.status != Activity.Status.VERIFIED and not has_scope(
        request.user, action="activities.view", region=activity.region, sector=activity.sector
    ):
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def health(request):
    """A trivial page: the benchmark's baseline, and a liveness probe."""
    return HttpResponse("ok", content_type="text/plain")
