"""Every state change of a local activity: registering, the review and outcome workflow,
bulk import, and the reminders for overdue outcome reports.

The responsibility system: organisers of the activity's county (or of a unit in it) run it
(`activities.create`, `activities.report`); organisers of the region above review it and
verify its outcome (`activities.review`, `activities.verify`). Each step locks the row
before checking its state, so two reviewers acting at once record one decision, and each
step is written to the activity's history and the audit trail in the same transaction.
"""

import logging
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import phonenumbers
from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core import audit, outbox, stale_copies
from cyberweek.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from cyberweek.core.permissions import ACTIONS, has_scope, require_action, require_scope
from cyberweek.core.queries import one_or_not_found
from cyberweek.core.screening import (
    HAND_MASK_MAX_CHARS,
    HAND_MASK_MIN_CHARS,
    HAND_MASKS_MAX,
    parse_hand_masks,
    screen_text,
)
from cyberweek.core.transactions import service
from cyberweek.geo.models import Region, Sector
from cyberweek.tickets import queries as ticket_queries
from cyberweek.tickets import services as ticket_services

from . import mail
from .models import Activity, ActivityStep, OutcomePhoto, OverdueReminder

# How the tickets app knows an activity's registration (tickets.models.Offering.source).
ACTIVITY_SOURCE = "activities.activity"

logger = logging.getLogger(__name__)

CREATE, REPORT, REVIEW, VERIFY = (
    "activities.create",
    "activities.report",
    "activities.review",
    "activities.verify",
)
Status = Activity.Status
Step = ActivityStep.Action

# What an organiser may set on an activity, in the order the form shows it.
ACTIVITY_FIELDS = (
    "title",
    "title_en",
    "description",
    "hand_masks",
    "sector",
    "themed_day",
    "region",
    "format",
    "venue_address",
    "latitude",
    "longitude",
    "online_url",
    "audience",
    "starts_at",
    "ends_at",
    "expected_reach",
    "public_registration",
    "capacity",
    "contact_name",
    "contact_phone",
)
REQUIRED_FIELDS = {
    "title",
    "sector",
    "region",
    "format",
    "audience",
    "starts_at",
    "ends_at",
    "expected_reach",
    "contact_name",
    "contact_phone",
}
# Activities run in the Week and in the weeks around it, not any time of the year.
EDITION_MARGIN = timedelta(days=30)
MAX_REACH = 100_000_000
MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PUBLIC_VERSION_KEY = "activities:lists-version"
PHOTO_TYPES = {b"\xff\xd8\xff": ("jpg", "image/jpeg"), b"\x89PNG\r\n\x1a\n": ("png", "image/png")}


def outcome_due_days() -> int:
    """Days after its end by which an activity's outcome must be reported."""
    return int(getattr(settings, "ACTIVITIES_OUTCOME_DUE_DAYS", 7))


def activity_window(edition) -> tuple[date, date]:
    """The first and last day an activity of `edition` may run on: the Week and the
    `EDITION_MARGIN` around it. Campaign windows and reporting dates are held to it too."""
    return edition.starts_on - EDITION_MARGIN, edition.ends_on + EDITION_MARGIN


# --- Checks ------------------------------------------------------------------------------
def activity_regions() -> QuerySet[Region]:
    """The regions activities are registered in: counties, and the prefecture-level cities
    that have no counties (Dongguan, Zhongshan). The one statement of that rule."""
    with_counties = Region.objects.filter(is_active=True, level=Region.Level.COUNTY).values(
        "parent_id"
    )
    return Region.objects.filter(is_active=True).filter(
        Q(level=Region.Level.COUNTY) | (Q(level=Region.Level.PREFECTURE) & ~Q(pk__in=with_counties))
    )


def is_activity_region(region: Region) -> bool:
    if region.level == Region.Level.COUNTY:
        return region.is_active  # the common case, without a query
    return activity_regions().filter(pk=region.pk).exists()


def normalise_phone(value: str) -> str:
    """A mainland mobile or landline number in E.164; raises `ValidationFailed` otherwise."""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException as error:
        raise ValidationFailed(_("Enter a valid phone number."), field="contact_phone") from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed(_("Enter a valid phone number."), field="contact_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def activity_problems(activity: Activity) -> list[tuple[str, str]]:
    """Every rule of one activity's fields that it breaks, as (field, message), in field
    order: the form shows them all at once instead of one per submit. Normalises the
    phone number and the hand masks as a side effect when they are valid."""
    problems: list[tuple[str, str]] = []

    def broken(field: str, message) -> None:
        if field not in {f for f, _m in problems}:
            problems.append((field, str(message)))

    for name in sorted(REQUIRED_FIELDS):
        value = getattr(activity, name if name != "region" else "region_id")
        if value is None or value == "":
            label = Activity._meta.get_field(name).verbose_name
            broken(name, _("%s is required.") % str(label).capitalize())
    missing = {field for field, _message in problems}
    if activity.sector and activity.sector not in Sector.values:
        broken("sector", _("Choose one of the nine sectors."))
    if activity.format and activity.format not in Activity.Format.values:
        broken("format", _("Choose online, offline or both."))
    if "region" not in missing and not is_activity_region(activity.region):
        broken(
            "region",
            _("An activity is registered in a current county, or in a city without counties."),
        )
    if not {"starts_at", "ends_at"} & missing:
        if activity.ends_at <= activity.starts_at:
            broken("ends_at", _("An activity must end after it starts."))
        edition = activity.edition
        first, last = activity_window(edition)
        earliest = timezone.make_aware(datetime.combine(first, datetime.min.time()))
        latest = timezone.make_aware(datetime.combine(last, datetime.max.time()))
        if activity.starts_at < earliest or activity.ends_at > latest:
            broken(
                "starts_at",
                _("The activity must take place within 30 days of the Week (%(start)s to %(end)s).")
                % {"start": edition.starts_on, "end": edition.ends_on},
            )
    if activity.themed_day_id and activity.themed_day.edition_id != activity.edition_id:
        broken("themed_day", _("The themed day belongs to another edition."))
    if activity.format != Activity.Format.ONLINE and not (activity.venue_address or "").strip():
        broken("venue_address", _("An offline activity needs the venue's address."))
    if activity.format != Activity.Format.OFFLINE and not activity.online_url:
        broken("online_url", _("An online activity needs its link."))
    if activity.online_url and not activity.online_url.startswith(("https://", "http://")):
        broken("online_url", _("The link must start with https://."))
    if (activity.latitude is None) != (activity.longitude is None):
        broken("latitude", _("Give both latitude and longitude of the venue, or neither."))
    elif activity.latitude is not None and not (
        3 <= activity.latitude <= 54 and 73 <= activity.longitude <= 136
    ):
        broken("latitude", _("The map point is not in China."))
    if activity.expected_reach is not None and not 0 <= activity.expected_reach <= MAX_REACH:
        broken("expected_reach", _("Expected reach must be between 0 and 100,000,000."))
    if activity.public_registration:
        if not activity.capacity:
            broken("capacity", _("Give the capacity when the public can register."))
    else:
        activity.capacity = None
    if "contact_phone" not in missing:
        try:
            activity.contact_phone = normalise_phone(activity.contact_phone)
        except ValidationFailed as error:
            broken("contact_phone", error.message)
    try:
        activity.hand_masks = "\n".join(_checked_hand_masks(activity.hand_masks))
    except ValidationFailed as error:
        broken("hand_masks", error.message)
    order = {name: index for index, name in enumerate(ACTIVITY_FIELDS)}
    return sorted(problems, key=lambda problem: order.get(problem[0], len(order)))


def _check_activity(activity: Activity) -> None:
    """The rules of one activity's fields: every one broken is raised together, the first
    as the message and each on its field."""
    problems = activity_problems(activity)
    if problems:
        field, message = problems[0]
        raise ValidationFailed(message, field=field, errors=problems)


def _checked_hand_masks(value: str) -> list[str]:
    words = parse_hand_masks(value)
    if len(words) > HAND_MASKS_MAX:
        raise ValidationFailed(
            _("List at most %d words to mask.") % HAND_MASKS_MAX, field="hand_masks"
        )
    for word in words:
        if not HAND_MASK_MIN_CHARS <= len(word) <= HAND_MASK_MAX_CHARS:
            raise ValidationFailed(
                _("“%(word)s”: a word to mask has %(low)d to %(high)d characters.")
                % {"word": word, "low": HAND_MASK_MIN_CHARS, "high": HAND_MASK_MAX_CHARS},
                field="hand_masks",
            )
    return words


def _assign(activity: Activity, data: dict) -> None:
    unknown = set(data) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    for key, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(activity, key, value)


def _screen(activity: Activity) -> tuple[str, ...]:
    """Refresh the public copies of user-written text and the search text; return the types
    of personal information found, so the author can be told. The organiser's hand masks
    are applied every time, so re-screening an edited text keeps them."""
    hand_masks = parse_hand_masks(activity.hand_masks)
    description = screen_text(activity.description or "", hand_masks)
    activity.public_description = description.public_text
    found = list(description.found_types)
    if activity.outcome_summary:
        summary = screen_text(activity.outcome_summary, hand_masks)
        activity.public_outcome_summary = summary.public_text
        found.extend(summary.found_types)
    activity.search_text = search_text_for(activity)
    return tuple(dict.fromkeys(found))


def search_text_for(activity: Activity) -> str:
    return " ".join([activity.title, activity.title_en, activity.public_description]).lower()


def _set_status(activity: Activity, status: str) -> None:
    activity.status = status
    activity.is_public = status in Activity.PUBLIC_STATUSES


def public_lists_changed() -> None:
    """Pages that cache lists of activities key them by this version: a step makes them
    stale. The version is forgotten now and after the commit, and a forget that Redis did
    not take is retried by the outbox (`core.stale_copies`), so pages cached during a
    blip never outlive the step; readers start a new version."""
    stale_copies.version_changed(PUBLIC_VERSION_KEY)


def _step(activity: Activity, actor, action: str, from_status: str, comment: str = "") -> None:
    public_lists_changed()
    ActivityStep.objects.create(
        activity=activity,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=activity.status,
        # A comment is screened with the activity's hand masks too: a reviewer may quote
        # the name the organiser masked.
        comment=screen_text(comment.strip(), parse_hand_masks(activity.hand_masks)).public_text
        if comment
        else "",
    )
    audit.record(
        actor, f"activities.{action}", activity, region=activity.region, status=activity.status
    )


def _locked(activity_id: int) -> Activity:
    return one_or_not_found(
        Activity.objects.select_for_update(of=("self",)).select_related("region", "region__parent"),
        pk=activity_id,
    )


def _require_status(activity: Activity, allowed, message: str) -> None:
    if activity.status not in allowed:
        raise InvalidTransition(message)


def reviewing_region(activity: Activity) -> Region:
    """The region whose organisers review the activity: the one above its own."""
    return activity.region.parent


# --- Registering ---------------------------------------------------------------------------
def _new_activity(*, actor, data: dict, edition) -> Activity:
    activity = Activity(edition=edition, created_by=actor, status=Status.DRAFT)
    _assign(activity, data)
    if activity.region_id is None:
        raise ValidationFailed(_("Region is required."), field="region")
    require_scope(actor, action=CREATE, region=activity.region, sector=activity.sector or None)
    _check_activity(activity)
    activity.region_path = activity.region.path
    activity.screening_found = _screen(activity)
    return activity


@service
def register_activity(*, actor, data: dict, edition) -> Activity:
    """Register a draft activity in a region the actor runs activities for. The returned
    activity's `screening_found` names the personal information masked for the public."""
    activity = _new_activity(actor=actor, data=data, edition=edition)
    activity.save()
    _step(activity, actor, Step.CREATED, "")
    return activity


@service
def update_activity(*, actor, activity_id: int, data: dict) -> Activity:
    """Edit a draft, or an activity returned for changes, by its region's organisers."""
    activity = _locked(activity_id)
    require_scope(actor, action=CREATE, region=activity.region, sector=activity.sector)
    _require_status(
        activity,
        Activity.EDITABLE_STATUSES,
        _("Only a draft or an activity returned for changes can be edited."),
    )
    _assign(activity, data)
    # Moving the activity needs the scope of where it goes as well as where it was.
    require_scope(actor, action=CREATE, region=activity.region, sector=activity.sector or None)
    _check_activity(activity)
    activity.region_path = activity.region.path
    activity.screening_found = _screen(activity)
    activity.save()
    _step(activity, actor, Step.UPDATED, activity.status)
    return activity


@service
def submit_activity(*, actor, activity_id: int, comment: str = "") -> Activity:
    activity = _locked(activity_id)
    require_scope(actor, action=CREATE, region=activity.region, sector=activity.sector)
    _require_status(
        activity,
        Activity.EDITABLE_STATUSES,
        _("Only a draft or an activity returned for changes can be submitted."),
    )
    previous = activity.status
    _set_status(activity, Status.SUBMITTED)
    activity.save(update_fields=["status", "is_public", "updated_at"])
    _step(activity, actor, Step.SUBMITTED, previous, comment)
    return activity


# --- Review --------------------------------------------------------------------------------
def _check_reviewer(actor, activity: Activity, action: str) -> None:
    require_scope(actor, action=action, region=reviewing_region(activity), sector=activity.sector)
    if activity.created_by_id and activity.created_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("An organiser cannot review an activity they registered."))


@service
def approve_activity(*, actor, activity_id: int, comment: str = "") -> Activity:
    """Approve a submitted activity; only an organiser of the region above may do it. It
    is then public."""
    activity = _locked(activity_id)
    _check_reviewer(actor, activity, REVIEW)
    _require_status(activity, {Status.SUBMITTED}, _("Only a submitted activity can be approved."))
    _set_status(activity, Status.APPROVED)
    activity.save(update_fields=["status", "is_public", "updated_at"])
    _step(activity, actor, Step.APPROVED, Status.SUBMITTED, comment)
    if activity.public_registration and activity.format != Activity.Format.ONLINE:
        # Approval publishes the activity; registration for its seats opens with it.
        ticket_services.open_registration(
            actor=actor,
            source=ACTIVITY_SOURCE,
            source_id=activity.pk,
            title=activity.title,
            title_en=activity.title_en,
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
            capacity=activity.capacity,
            venue=activity.venue_address,
            region=activity.region,
            sector=activity.sector,
        )
    return activity


def attendance(activity: Activity) -> dict:
    """Registrations and check-ins of the activity, for its outcome report."""
    return ticket_queries.attendance(ACTIVITY_SOURCE, activity.pk)


@service
def return_activity(*, actor, activity_id: int, comment: str) -> Activity:
    """Send a submitted activity back for changes, saying what to change."""
    activity = _locked(activity_id)
    _check_reviewer(actor, activity, REVIEW)
    _require_status(activity, {Status.SUBMITTED}, _("Only a submitted activity can be returned."))
    if not comment.strip():
        raise ValidationFailed(_("Say what needs to change."), field="comment")
    _set_status(activity, Status.RETURNED)
    activity.save(update_fields=["status", "is_public", "updated_at"])
    _step(activity, actor, Step.RETURNED, Status.SUBMITTED, comment)
    return activity


# --- Outcome -------------------------------------------------------------------------------
@service
def mark_held(*, actor, activity_id: int, comment: str = "", now: datetime | None = None):
    """Record that an approved activity took place; possible once it has started."""
    activity = _locked(activity_id)
    require_scope(actor, action=REPORT, region=activity.region, sector=activity.sector)
    _require_status(
        activity, {Status.APPROVED}, _("Only an approved activity can be marked as held.")
    )
    if activity.starts_at > (now or timezone.now()):
        raise InvalidTransition(_("The activity has not started yet."))
    _set_status(activity, Status.HELD)
    activity.save(update_fields=["status", "is_public", "updated_at"])
    _step(activity, actor, Step.HELD, Status.APPROVED, comment)
    return activity


def photo_kind(content: bytes) -> tuple[str, str]:
    """(extension, content type) of a JPEG or PNG, judged by its first bytes."""
    for magic, kind in PHOTO_TYPES.items():
        if content.startswith(magic):
            return kind
    raise ValidationFailed(_("Photos must be JPEG or PNG images."), field="photos")


@service
def report_outcome(
    *,
    actor,
    activity_id: int,
    participants: int,
    online_reach: int,
    summary: str,
    photos: list[bytes] = (),
) -> Activity:
    """Report what a held activity achieved, with up to six photos. The summary is
    screened; `screening_found` on the result names what was masked for the public."""
    activity = _locked(activity_id)
    require_scope(actor, action=REPORT, region=activity.region, sector=activity.sector)
    _require_status(
        activity, {Status.HELD}, _("Only a held activity can have its outcome reported.")
    )
    for name, value in (("participants", participants), ("online_reach", online_reach)):
        if value is None or not 0 <= value <= MAX_REACH:
            raise ValidationFailed(_("Enter a number from 0 to 100,000,000."), field=name)
    if not summary.strip():
        raise ValidationFailed(_("Summarise the activity."), field="summary")
    photos = list(photos)
    if len(photos) + activity.photos.count() > MAX_PHOTOS:
        raise ValidationFailed(_("At most six photos per activity."), field="photos")
    kinds = []
    for content in photos:
        if len(content) > MAX_PHOTO_BYTES:
            raise ValidationFailed(_("Each photo may be at most 5 MB."), field="photos")
        kinds.append(photo_kind(content))
    activity.participants = participants
    activity.online_reach = online_reach
    activity.outcome_summary = summary.strip()
    activity.outcome_reported_at = timezone.now()
    activity.screening_found = _screen(activity)
    _set_status(activity, Status.REPORTED)
    activity.save()
    for content, (extension, content_type) in zip(photos, kinds, strict=True):
        photo = OutcomePhoto(
            activity=activity,
            token=secrets.token_hex(16),
            extension=extension,
            content_type=content_type,
            size=len(content),
        )
        photo.file.save("photo", ContentFile(content), save=False)
        photo.save()
    _step(activity, actor, Step.OUTCOME_REPORTED, Status.HELD)
    return activity


@service
def verify_outcome(*, actor, activity_id: int, comment: str = "") -> Activity:
    """Confirm a reported outcome; only an organiser of the region above may do it."""
    activity = _locked(activity_id)
    _check_reviewer(actor, activity, VERIFY)
    _require_status(activity, {Status.REPORTED}, _("Only a reported outcome can be verified."))
    _set_status(activity, Status.VERIFIED)
    activity.save(update_fields=["status", "is_public", "updated_at"])
    _step(activity, actor, Step.VERIFIED, Status.REPORTED, comment)
    return activity


@service
def return_outcome(*, actor, activity_id: int, comment: str) -> Activity:
    """Send a reported outcome back to be corrected; the activity is held again."""
    activity = _locked(activity_id)
    _check_reviewer(actor, activity, VERIFY)
    _require_status(activity, {Status.REPORTED}, _("Only a reported outcome can be returned."))
    if not comment.strip():
        raise ValidationFailed(_("Say what needs to change."), field="comment")
    _set_status(activity, Status.HELD)
    activity.outcome_reported_at = None
    activity.save(update_fields=["status", "is_public", "outcome_reported_at", "updated_at"])
    _step(activity, actor, Step.OUTCOME_RETURNED, Status.REPORTED, comment)
    return activity


# --- Bulk import ---------------------------------------------------------------------------
@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: list[Activity] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@service
def import_activities(
    *, actor, rows: list[tuple[int, dict]], edition, errors: list[RowError] = ()
) -> ImportResult:
    """Register every parsed row as a draft, or none of them.

    `rows` are (row number, fields) and `errors` the cells that could not be read, both
    from `spreadsheets.read_activities`. Every row is checked (scope, then the rules of an
    activity); with any error nothing is written, and every error is returned with its row.
    Rows outside the actor's scope are refused and the refusal is recorded.
    """
    require_action(actor, CREATE)
    result = ImportResult(errors=list(errors))
    pending = []
    for number, data in rows:
        region, sector = data.get("region"), data.get("sector")
        if region is not None and not has_scope(actor, action=CREATE, region=region, sector=sector):
            audit.record_denied(actor, CREATE, region=region, sector=sector or "", row=number)
            result.errors.append(
                RowError(number, "region_code", _("Your role does not cover this region."))
            )
            continue
        try:
            pending.append(_new_activity(actor=actor, data=data, edition=edition))
        except ValidationFailed as error:
            result.errors.append(RowError(number, error.field or "", str(error.message)))
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    for activity in pending:
        activity.save()
        _step(activity, actor, Step.IMPORTED, "")
    result.created = pending
    audit.record(actor, "activities.imported", region=None, count=len(pending))
    return result


# --- Reminders -----------------------------------------------------------------------------
def overdue_filter(now: datetime) -> Q:
    """Approved or held activities whose outcome report is overdue at `now`."""
    return Q(status__in=[Status.APPROVED, Status.HELD]) & Q(
        ends_at__lt=now - timedelta(days=outcome_due_days())
    )


def responsible_organisers(activity: Activity) -> list:
    """Who answers for the activity's outcome: its registrant and the organisers of its
    region (or sector) who may report it."""
    levels = ACTIONS[REPORT]
    paths = [activity.region_path[: i + 1] for i, c in enumerate(activity.region_path) if c == "/"]
    roles = (
        OrganiserRole.objects.filter(level__in=levels, region__path__in=paths)
        .filter(Q(sector="") | Q(sector=activity.sector))
        .select_related("user")
    )
    people = {role.user.pk: role.user for role in roles}
    if activity.created_by is not None:
        people.setdefault(activity.created_by.pk, activity.created_by)
    return [p for p in people.values() if p.is_active and p.email]


def send_overdue_reminders(*, today: date | None = None, limit: int = 5000) -> int:
    """Email the responsible organisers of each overdue activity, at most once a day per
    activity; returns how many activities were reminded. Run daily by the scheduler."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    overdue = (
        Activity.objects.filter(overdue_filter(now))
        .exclude(reminders__sent_on=today)
        .select_related("region", "region__parent", "created_by")
        .order_by("ends_at", "pk")[:limit]
    )
    reminded = 0
    for activity in overdue:
        reminded += _remind(activity, today)
    return reminded


@service
def _remind(activity: Activity, today: date) -> int:
    # The reminder row is claimed first: a second worker running the same job at the same
    # time hits the unique constraint and sends nothing.
    claimed, created = OverdueReminder.objects.get_or_create(activity=activity, sent_on=today)
    if not created:
        return 0
    people = responsible_organisers(activity)
    due = timezone.localtime(activity.ends_at) + timedelta(days=outcome_due_days())
    for person in people:
        outbox.enqueue(
            mail.send_overdue_reminder,
            activity_id=activity.pk,
            user_id=person.pk,
            due=due.date().isoformat(),
        )
    sent = len(people)
    claimed.recipients = sent
    claimed.save(update_fields=["recipients"])
    audit.record(None, "activities.reminder_sent", activity, recipients=sent)
    logger.info("overdue reminder for activity %s sent to %s organisers", activity.pk, sent)
    return 1


# --- Access records ------------------------------------------------------------------------
@service
def record_export(*, actor, kind: str, count: int, region=None) -> None:
    """An organiser exported a list (no contact details are exported)."""
    require_action(actor, "activities.view")
    audit.record(actor, "activities.exported", region=region, kind=kind, count=count)
