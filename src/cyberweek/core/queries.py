from django.utils.translation import gettext as _

from .errors import NotFound


def one_or_not_found(queryset, **filters):
    """The single row matching `filters`, or the domain's `NotFound` for the caller to show."""
    try:
        return queryset.get(**filters)
    except queryset.model.DoesNotExist as error:
        raise NotFound(
            _("No %(thing)s with that reference.") % {"thing": queryset.model._meta.verbose_name}
        ) from error
