"""Volunteers: organisers recruit and dismiss them for a region; a volunteer triages the
reports of that region and the regions inside it."""

from django.utils.translation import gettext as _

from cyberweek.accounts.queries import account_to_appoint
from cyberweek.core import audit
from cyberweek.core.errors import Conflict, NotFound, ValidationFailed
from cyberweek.core.permissions import ScopeDenied, require_scope
from cyberweek.core.transactions import service
from cyberweek.geo.models import Region

from .. import actions
from ..models import Volunteer


def volunteer_scopes(actor) -> list[Volunteer]:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    return list(Volunteer.objects.filter(user=actor, is_active=True).select_related("region"))


def is_volunteer(actor) -> bool:
    return bool(volunteer_scopes(actor))


def require_volunteer(actor, *, region: Region, action: str) -> None:
    """Raise `PermissionDenied` (recorded) unless `actor` volunteers for `region` or above."""
    if any(region.path.startswith(v.region.path) for v in volunteer_scopes(actor)):
        return
    # A ScopeDenied, so that `@service` writes the refusal again after the rollback.
    error = ScopeDenied(
        _("You do not volunteer for the tip line in this region."),
        actor=actor,
        action=action,
        region=region,
        sector=None,
    )
    error.record()
    raise error


@service
def recruit_volunteer(*, actor, email: str, region_code: str) -> Volunteer:
    """An organiser (national, provincial, prefectural) makes an existing account a
    volunteer for a region inside their own."""
    region = Region.objects.filter(code=region_code, is_active=True).first()
    if region is None:
        raise ValidationFailed(_("Choose a region from the list."), field="region")
    require_scope(actor, action=actions.RECRUIT, region=region)
    user = account_to_appoint(email)
    volunteer, created = Volunteer.objects.get_or_create(
        user=user, region=region, defaults={"recruited_by": actor}
    )
    if not created:
        if volunteer.is_active:
            raise Conflict(_("This person already volunteers in this region."), field="email")
        volunteer.is_active = True
        volunteer.recruited_by = actor
        volunteer.save(update_fields=["is_active", "recruited_by", "updated_at"])
    audit.record(actor, "tipline.volunteer_recruited", volunteer, region=region)
    return volunteer


@service
def dismiss_volunteer(*, actor, volunteer_id: int) -> Volunteer:
    volunteer = Volunteer.objects.select_for_update().filter(pk=volunteer_id).first()
    if volunteer is None:
        raise NotFound(_("No such volunteer."))
    require_scope(actor, action=actions.RECRUIT, region=volunteer.region)
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active", "updated_at"])
    audit.record(actor, "tipline.volunteer_dismissed", volunteer, region=volunteer.region)
    return volunteer
