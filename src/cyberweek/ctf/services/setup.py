"""What organisers set up before play: competitions, their divisions, and challenge
attachments. Every change is scope-checked and audited in its transaction."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from cyberweek.core import audit
from cyberweek.core.errors import Conflict, NotFound, ValidationFailed
from cyberweek.core.permissions import require_scope
from cyberweek.core.transactions import service

from .. import attachments, board, cached_state
from ..actions import MANAGE
from ..models import Attachment, Challenge, Competition, Division

COMPETITION_FIELDS = (
    "edition", "slug", "title", "title_en", "description", "description_en", "starts_at",
    "ends_at", "freeze_at", "is_published", "requires_review", "team_size", "retroactive",
    "first_blood_pct", "second_blood_pct", "third_blood_pct", "writeups_visible_to",
)  # fmt: skip
# A change to one of these changes every total: the board is recomputed.
RESCORING_FIELDS = {"retroactive", "first_blood_pct", "second_blood_pct", "third_blood_pct"}
DIVISION_FIELDS = ("kind", "name", "name_en", "youth_max_age", "email_domains")
MAX_ATTACHMENTS = 10


def _check_competition(values: dict) -> None:
    starts, ends, freeze = values["starts_at"], values["ends_at"], values["freeze_at"]
    if starts is None or ends is None:
        raise ValidationFailed(_("Enter when the competition starts and ends."), field="ends_at")
    if ends <= starts:
        raise ValidationFailed(_("The competition ends after it starts."), field="ends_at")
    if freeze is not None and not starts < freeze < ends:
        raise ValidationFailed(
            _("The board freezes after the start and before the end."), field="freeze_at"
        )
    for name in ("first_blood_pct", "second_blood_pct", "third_blood_pct"):
        if not 0 <= (values[name] or 0) <= 100:
            raise ValidationFailed(_("A blood bonus is 0 to 100 percent."), field=name)
    if not 1 <= (values["team_size"] or 0) <= 20:
        raise ValidationFailed(_("A team has 1 to 20 members."), field="team_size")
    if values["writeups_visible_to"] not in Competition.WriteUpRule.values:
        raise ValidationFailed(
            _("Choose who reads accepted write-ups."), field="writeups_visible_to"
        )


@service
def save_competition(*, actor, data: dict, competition_id: int | None = None) -> Competition:
    """Create or change a competition. A change to blood bonuses or retroactive scoring
    recomputes the board; a moved freeze computes the frozen board again."""
    require_scope(actor, action=MANAGE)
    data = {k: v for k, v in data.items() if k in COMPETITION_FIELDS}
    if competition_id is None:
        competition = Competition()
    else:
        competition = Competition.objects.select_for_update().filter(pk=competition_id).first()
        if competition is None:
            raise NotFound(_("No such competition."))
    merged = {name: getattr(competition, name, None) for name in COMPETITION_FIELDS}
    if competition.pk is None:
        merged["edition"] = None
    merged |= data
    if merged["edition"] is None:
        raise ValidationFailed(_("Choose the edition."), field="edition")
    _check_competition(merged)
    taken = Competition.objects.filter(slug=merged["slug"]).exclude(pk=competition.pk)
    if not merged["slug"] or taken.exists():
        raise Conflict(_("Another competition already has this short name."), field="slug")
    rescore = competition.pk is not None and any(
        getattr(competition, name) != merged[name] for name in RESCORING_FIELDS
    )
    refreeze = competition.pk is not None and competition.freeze_at != merged["freeze_at"]
    for name, value in merged.items():
        setattr(competition, name, value)
    if refreeze:
        competition.board_generation = F("board_generation") + 1
    try:
        with transaction.atomic():
            competition.save()
    except IntegrityError as error:
        raise Conflict(
            _("Another competition already has this short name."), field="slug"
        ) from error
    competition.refresh_from_db()
    cached_state.changed()
    audit.record(
        actor, "ctf.competition.created" if competition_id is None else "ctf.competition.changed",
        competition, fields=sorted(data),
    )  # fmt: skip
    if rescore:
        board.rebuild(competition)
    return competition


@service
def save_division(*, actor, competition_id: int, data: dict, division_id: int | None = None):
    """Create or change a division (one of each kind per competition)."""
    require_scope(actor, action=MANAGE)
    competition = Competition.objects.filter(pk=competition_id).first()
    if competition is None:
        raise NotFound(_("No such competition."))
    data = {k: v for k, v in data.items() if k in DIVISION_FIELDS}
    if division_id is None:
        division = Division(competition=competition)
    else:
        division = (
            Division.objects.select_for_update()
            .filter(pk=division_id, competition=competition)
            .first()
        )
        if division is None:
            raise NotFound(_("No such division."))
    for name, value in data.items():
        setattr(division, name, value)
    if division.kind not in Division.Kind.values:
        raise ValidationFailed(_("Choose the division's kind."), field="kind")
    if not (division.name or "").strip():
        raise ValidationFailed(_("Name the division."), field="name")
    same_kind = Division.objects.filter(competition=competition, kind=division.kind)
    if same_kind.exclude(pk=division.pk).exists():
        raise Conflict(_("The competition already has a division of this kind."), field="kind")
    try:
        with transaction.atomic():
            division.save()
    except IntegrityError as error:
        raise Conflict(_("The competition already has a division of this kind.")) from error
    cached_state.changed()
    audit.record(
        actor, "ctf.division.created" if division_id is None else "ctf.division.changed",
        division, competition=competition.pk, fields=sorted(data),
    )  # fmt: skip
    return division


@service
def add_attachment(*, actor, challenge_id: int, filename: str, content: bytes) -> Attachment:
    """Attach a file to a challenge once `attachments.check` accepts it. The file goes to
    the media storage; if the transaction fails it is removed again."""
    require_scope(actor, action=MANAGE)
    challenge = Challenge.objects.select_for_update().filter(pk=challenge_id).first()
    if challenge is None:
        raise NotFound(_("No such challenge."))
    checked = attachments.check(filename, content)
    if challenge.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationFailed(
            _("A challenge has at most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}, field="file"
        )
    attachment = Attachment(
        challenge=challenge,
        name=checked.name,
        content_type=checked.content_type,
        size=len(content),
        sha256=checked.sha256,
    )
    attachment.file.save("attachment", ContentFile(content), save=False)
    stored = attachment.file.name
    try:
        attachment.save()
        audit.record(
            actor, "ctf.attachment.added", challenge,
            attachment=attachment.pk, name=checked.name, sha256=checked.sha256,
        )  # fmt: skip
    except Exception:
        default_storage.delete(stored)
        raise
    return attachment


@service
def remove_attachment(*, actor, attachment_id: int) -> None:
    require_scope(actor, action=MANAGE)
    attachment = (
        Attachment.objects.select_for_update().select_related("challenge").filter(pk=attachment_id)
    ).first()
    if attachment is None:
        raise NotFound(_("No such attachment."))
    stored = attachment.file.name
    audit.record(
        actor, "ctf.attachment.removed", attachment.challenge,
        name=attachment.name, sha256=attachment.sha256,
    )  # fmt: skip
    attachment.delete()
    # The file goes once the row is gone for good; a rollback keeps both.
    transaction.on_commit(lambda: default_storage.delete(stored))
