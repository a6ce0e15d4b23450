"""Public pages: the open data (aggregate figures only) and its documented schema."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_page

from cyberweek.core.errors import DomainError
from cyberweek.programme.queries import published_editions

from . import catalogue, opendata, queries

OPEN_DATA_CACHE_SECONDS = 300


def open_data(request):
    """What the open data holds, field by field, with links to every file."""
    editions = published_editions().order_by("-year")
    return render(
        request,
        "insights/open_data.html",
        {
            "editions": editions,
            "datasets": [
                (name, opendata.DATASET_TITLES[name], opendata.KEY_FIELDS[name])
                for name in opendata.DATASETS
            ],
            "metrics": catalogue.METRICS,
            "groups": catalogue.GROUPS,
            "k": opendata.K,
        },
    )


@cache_page(OPEN_DATA_CACHE_SECONDS)
def open_data_csv(request, year: int, dataset: str):
    if dataset not in opendata.DATASETS:
        return render(request, "core/404.html", status=404)
    try:
        edition = queries.edition_for_year(str(year))
    except DomainError:
        return render(request, "core/404.html", status=404)
    table = opendata.rows(dataset, edition=edition)
    response = HttpResponse(opendata.as_csv(dataset, table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cyberweek-{year}-{dataset}.csv"'
    return response
