"""The one place that decides whether an organiser may act on a region (and sector).

An organiser holds roles, each scoped to a region of the administrative tree and optionally
to one sector. A role covers its region and everything below it. Each action names the
role levels that may take it. A refusal raises `PermissionDenied` and is recorded.

Roles count only in a session that has passed the second factor, where the platform requires
one (`ORGANISER_2FA_REQUIRED`, always on in production): `roles_of` is empty before that, so
every page, API operation, query and service that asks about roles gets the same answer, and
a refusal names what is missing (`SecondFactorRequired`). An actor without a session (a
management command, a background job) is marked with `acting_without_session`.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import audit
from .errors import PermissionDenied, SecondFactorRequired
from .models import AuditEvent

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
}


def register_actions(actions: dict[str, frozenset[str]]) -> None:
    """Called from an app's `AppConfig.ready()` to name its actions and who may take them."""
    for name, levels in actions.items():
        unknown = set(levels) - ALL_LEVELS
        if unknown:
            raise ValueError(f"{name}: unknown role levels {sorted(unknown)}")
        ACTIONS[name] = frozenset(levels)


class ScopeDenied(PermissionDenied):
    """Carries what to record, so the record can be written after a rollback."""

    def __init__(self, message, *, actor, action, region, sector):
        super().__init__(message)
        self.actor, self.action, self.region, self.sector = actor, action, region, sector
        self.record_id = None

    def record(self):
        """Write the refusal, or write it again if a rollback took the first record away."""
        if self.record_id and AuditEvent.objects.filter(pk=self.record_id).exists():
            return
        denial = audit.record_denied(
            self.actor, self.action, region=self.region, sector=self.sector or ""
        )
        self.record_id = denial.pk


# How long a copy of a user's roles lives in the shared cache. Every role write forgets the
# user's version at once (`roles_changed`, through the outbox if Redis does not answer); the
# expiry bounds that delay, and a region whose path `geo load-regions` changed.
ROLES_CACHE_SECONDS = 300


def _roles_keys(user_id) -> tuple[str, str]:
    return f"permissions:roles-version:{user_id}", f"permissions:roles:{user_id}"


def held_roles(actor):
    """The actor's roles whether or not the session passed the second factor: for deciding
    whether to ask for it, never for deciding what the actor may do (that is `roles_of`)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    cached = getattr(actor, "_organiser_roles_cache", None)
    if cached is None:
        cached = _stored_roles(actor)
        actor._organiser_roles_cache = cached
    return cached


def _stored_roles(actor) -> list:
    """The roles from the shared cache when its copy carries the user's current version
    (one round trip for both), else from the database. Every organiser page and every
    signed-in page's menu asks, so this saves a query on each (measured in the README's
    insights benchmark section). With the cache unreachable it reads the database."""
    from .stale_copies import keep, versioned  # here: the outbox it uses imports this module

    version_key, roles_key = _roles_keys(actor.pk)
    version, copies = versioned(version_key, [roles_key])
    model = actor.organiser_roles.model
    if roles_key in copies:
        return [_role_from(model, actor, *row) for row in copies[roles_key]]
    roles = list(actor.organiser_roles.select_related("region"))
    # The role's own columns and its region, never the user it hangs on (a pickled role
    # would carry the account, personal data, into the cache). Stored under the version read
    # before the query: a role written meanwhile has bumped it, so this copy never counts.
    names = [field.attname for field in model._meta.concrete_fields]
    rows = [(names, [getattr(role, name) for name in names], role.region) for role in roles]
    keep(version, {roles_key: rows}, ROLES_CACHE_SECONDS)
    return roles


def _role_from(model, actor, names, values, region):
    role = model.from_db("default", names, values)
    role.region = region
    role.user = actor
    return role


def roles_changed(user_id) -> None:
    """Called on every write of a user's roles: the cached copy stops counting, also when
    Redis did not answer at that moment (`core.stale_copies.version_changed`)."""
    from .stale_copies import version_changed  # here: the outbox it uses imports this module

    version_key, _roles_key = _roles_keys(user_id)
    version_changed(version_key)


def second_factor_missing(actor) -> bool:
    """Whether the platform requires a second factor and this actor has not passed it.

    OTPMiddleware gives every request's user `is_verified()`; a user loaded any other way
    has none and counts as unverified, so a new way in fails closed."""
    if not settings.ORGANISER_2FA_REQUIRED:
        return False
    is_verified = getattr(actor, "is_verified", None)
    return not (callable(is_verified) and is_verified())


def roles_of(actor):
    """The roles the actor may act with now: none before the second factor."""
    roles = held_roles(actor)
    if roles and second_factor_missing(actor):
        return []
    return roles


def acting_without_session(user):
    """Mark `user` as acting from the server's console (a management command, the demo
    loader) or a job an operator scheduled: there is no browser session to ask a second
    factor of, and whoever runs these already holds the server. Never call it for a request."""
    user.is_verified = lambda: True
    return user


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


class SecondFactorDenied(ScopeDenied, SecondFactorRequired):
    """A refusal because the session has not passed the second factor."""


def _deny(message, actor, action, region, sector):
    denial = ScopeDenied
    if held_roles(actor) and second_factor_missing(actor):
        denial = SecondFactorDenied
        message = _(
            "Your organiser role counts once you confirm this sign-in with the code from "
            "your authenticator app."
        )
    error = denial(message, actor=actor, action=action, region=region, sector=sector)
    error.record()
    raise error


def may_take_somewhere(actor, action: str) -> bool:
    """Whether any of the actor's roles allows `action`, wherever it is. For pages that list
    what the actor may see; each object is checked against its own region later."""
    levels = ACTIONS[action]
    return any(role.level in levels for role in roles_of(actor))


def require_action(actor, action: str) -> None:
    """Raise `PermissionDenied` unless some role of the actor allows `action` at all."""
    if not may_take_somewhere(actor, action):
        _deny(_("You have no organiser role that allows this."), actor, action, None, None)


def require_scope(actor, *, action: str, region=None, sector: str | None = None) -> None:
    """Raise `PermissionDenied` unless `actor` may take `action` on `region`/`sector`.

    The refusal is recorded at once; when it happens inside a service's transaction, the
    rollback removes that record and `core.transactions.service` writes it again.
    """
    if not has_scope(actor, action=action, region=region, sector=sector):
        _deny(
            _("Your organiser role does not cover this region or sector."),
            actor,
            action,
            region,
            sector,
        )
