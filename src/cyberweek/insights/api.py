"""JSON open data: the aggregate figures of an edition, each field described in the file
itself and on the open-data page. Small counts are suppressed (see opendata.py)."""

from typing import Literal

from django.http import Http404
from django.views.decorators.cache import cache_page
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view

from cyberweek.core.api_problems import Problem
from cyberweek.core.errors import DomainError

from . import opendata, queries

router = Router(tags=["insights"])
Dataset = Literal["regions", "days", "sectors"]


class OpenDataFieldOut(Schema):
    name: str
    type: str
    description: str


class OpenDataOut(Schema):
    dataset: Dataset
    edition: int = Field(..., description="the year of the edition")
    suppressed_below: int = Field(
        ...,
        description="counts from 1 to this minus one are published as null, and so is "
        "at least one other count of the same total",
    )
    fields: list[OpenDataFieldOut]
    rows: list[dict[str, str | int | None]] = Field(
        ..., description="one object per row, with the fields listed in `fields`"
    )


@router.get("/open-data/{year}/{dataset}", response={200: OpenDataOut, 404: Problem, 422: Problem})
@decorate_view(cache_page(300))
def open_data(request, year: int, dataset: Dataset):
    """An edition's aggregate figures per region, day or sector; never personal data."""
    try:
        edition = queries.edition_for_year(str(year))
    except DomainError as error:
        raise Http404(error.message) from error
    return {
        "dataset": dataset,
        "edition": edition.year,
        "suppressed_below": opendata.K,
        "fields": [
            {"name": f.name, "type": f.type, "description": str(f.description)}
            for f in opendata.fields(dataset)
        ],
        "rows": opendata.rows(dataset, edition=edition),
    }
