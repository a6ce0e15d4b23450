from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cyberweek.core.errors import NotFound
from cyberweek.core.permissions import roles_of

from .identifiers import looks_like_email, normalise_email, normalise_mobile
from .models import OrganiserRole, User


def roles_in_scope(actor) -> QuerySet[OrganiserRole]:
    """The organiser roles in the regions (and sectors) the actor answers for."""
    scope = Q()
    for role in roles_of(actor):
        clause = Q(region__path__startswith=role.region.path)
        if role.sector:
            clause &= Q(sector=role.sector)
        scope |= clause
    if not scope:
        return OrganiserRole.objects.none()
    return (
        OrganiserRole.objects.filter(scope)
        .select_related("user", "region", "region__parent")
        .order_by("region__path", "level", "pk")
    )


def user_by_identifier(identifier: str) -> User | None:
    """Look a person up by the email address or mobile number they sign in with."""
    try:
        if looks_like_email(identifier):
            return User.objects.by_email(normalise_email(identifier)).first()
        return User.objects.by_mobile(normalise_mobile(identifier)).first()
    except ValidationError:
        return None


def account_to_appoint(email: str, *, field: str = "email") -> User:
    """The active account signed up with `email`, for an organiser who appoints a person
    (a volunteer, a judge): accounts are never made on someone's behalf, so anyone else is
    refused, naming `field`."""
    user = User.objects.by_email(email).first() if email else None
    if user is None or not user.is_active:
        raise NotFound(
            _("No account has this email address: ask the person to sign up first."), field=field
        )
    return user


def staff_role_label(user_id: int | None) -> str:
    """How a member of staff is named to the people whose information they handled: by
    their roles, never by name (the platform's choice; the access log keeps the account)."""
    roles = OrganiserRole.objects.filter(user_id=user_id).select_related("region")
    if roles:
        return "; ".join(str(role) for role in roles.order_by("pk"))
    if User.objects.filter(pk=user_id, is_staff=True).exists():
        return _("Platform staff")
    return _("Staff (no longer in that role)")
