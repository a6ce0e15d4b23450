from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# Far past any real list, yet small enough for every database's integer type.
MAX_OFFSET = 10_000_000


class Pagination(LimitOffsetPagination):
    """limit/offset paging with both bounds documented, so a wild value is a clear 422."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
