"""What every service shares: one transaction per use case, refusals recorded."""

import functools

from django.db import transaction

from .permissions import ScopeDenied


def service(func):
    """Run a use case in one transaction. A scope refusal rolls the change back, and is
    then recorded, so the audit trail keeps it."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except ScopeDenied as error:
            error.record()
            raise

    return wrapper
