"""The one place that decides whether an organiser may act on a region (and sector).

An organiser holds roles, each scoped to a region of the administrative tree and optionally
to one sector. A role covers its region and everything below it. Each action names the
role levels that may take it. A refusal raises `PermissionDenied` and is recorded.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import audit
from .errors import PermissionDenied

NATIONAL, PROVINCIAL, PREFECTURAL, COUNTY, UNIT = (
    "national",
    "provincial",
    "prefectural",
    "county",
    "unit",
)
ALL_LEVELS = frozenset({NATIONAL, PROVINCIAL, PREFECTURAL, COUNTY, UNIT})

# Which role levels may take each action. Apps add their actions here as they arrive.
ACTIONS: dict[str, frozenset[str]] = {
    "organiser.access": ALL_LEVELS,
    "programme.manage": frozenset({NATIONAL}),
    "accounts.grant_role": frozenset({NATIONAL, PROVINCIAL, PREFECTURAL, COUNTY}),
    "audit.view": frozenset({NATIONAL, PROVINCIAL}),
}


class ScopeDenied(PermissionDenied):
    """Carries what to record, so the record can be written after a rollback."""

    def __init__(self, message, *, actor, action, region, sector):
        super().__init__(message)
        self.actor, self.action, self.region, self.sector = actor, action, region, sector
        self.recorded = False

    def record(self):
        if not self.recorded:
            audit.record_denied(
                self.actor, self.action, region=self.region, sector=self.sector or ""
            )
            self.recorded = True


def roles_of(actor):
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    cached = getattr(actor, "_organiser_roles_cache", None)
    if cached is None:
        cached = list(actor.organiser_roles.select_related("region"))
        actor._organiser_roles_cache = cached
    return cached


def role_covers(role, *, region=None, sector: str | None = None) -> bool:
    """A role covers a region in its subtree; `region=None` means the whole country."""
    role_path = role.region.path
    target_path = region.path if region is not None else "/"
    if not target_path.startswith(role_path):
        return False
    return not (role.sector and sector != role.sector)


def has_scope(actor, *, action: str, region=None, sector: str | None = None) -> bool:
    levels = ACTIONS.get(action)
    if levels is None:
        raise KeyError(f"Unknown action {action!r}: add it to core.permissions.ACTIONS.")
    return any(
        role.level in levels and role_covers(role, region=region, sector=sector)
        for role in roles_of(actor)
    )


def require_scope(actor, *, action: str, region=None, sector: str | None = None) -> None:
    """Raise `PermissionDenied` unless `actor` may take `action` on `region`/`sector`.

    The refusal is recorded at once when no transaction is open; inside a service's
    transaction, `core.transactions.service` records it after the rollback.
    """
    if has_scope(actor, action=action, region=region, sector=sector):
        return
    error = ScopeDenied(
        _("Your organiser role does not cover this region or sector."),
        actor=actor,
        action=action,
        region=region,
        sector=sector,
    )
    if not transaction.get_connection().in_atomic_block:
        error.record()
    raise error
