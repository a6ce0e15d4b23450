"""The shape in which an app hands its daily figures to the dashboards (the insights app).

Each app offers a small public function returning querysets built with `daily_figures`:
one row per day, region path and sector, with the figure's name and a count or sum, and no
personal data. The insights app rolls them up (insights/summaries.py); it never reads
another app's models itself. The rows are grouped in the database, so a million attempts
arrive as a few thousand rows.
"""

from django.db.models import Count, Expression, QuerySet, Value
from django.db.models.functions import Coalesce, TruncDate

COUNTRY_PATH = "/"


def daily_figures(
    queryset: QuerySet,
    *,
    at: str,
    metric: str | Expression,
    region_path: Expression | None = None,
    sector: Expression | None = None,
    value: Expression | None = None,
) -> QuerySet:
    """`queryset` counted per local day of the datetime field `at`, region path and sector.

    Rows are dicts with `f_day`, `f_region`, `f_sector`, `f_metric` and `f_value`. A row
    without a region counts for the country ("/"), one without a sector for no sector ("").
    """
    return (
        queryset.order_by()
        .annotate(
            f_day=TruncDate(at),
            f_region=Coalesce(region_path, Value(COUNTRY_PATH))
            if region_path is not None
            else Value(COUNTRY_PATH),
            f_sector=Coalesce(sector, Value("")) if sector is not None else Value(""),
            f_metric=Value(metric) if isinstance(metric, str) else metric,
        )
        .values("f_day", "f_region", "f_sector", "f_metric")
        .annotate(f_value=Coalesce(value, 0) if value is not None else Count("pk"))
    )
