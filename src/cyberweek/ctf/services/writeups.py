"""Write-ups: a team sends its account of a solved challenge after the end; the text is
screened by the `pii` engine (`core.screening`) before anyone but its author reads it;
organisers accept or reject it with a reason."""

from django.utils import timezone
from django.utils.translation import gettext as _

from cyberweek.core import audit
from cyberweek.core.bounded_files import FileLimits, decoded_text
from cyberweek.core.errors import InvalidTransition, NotFound, ValidationFailed
from cyberweek.core.permissions import require_scope
from cyberweek.core.screening import screen_text
from cyberweek.core.transactions import service

from ..actions import MANAGE
from ..models import Challenge, Solve, Team, WriteUp
from .play import team_of

MAX_CHARACTERS = 50_000
MAX_FILE_BYTES = 256 * 1024
FILE_ENDINGS = (".md", ".txt")


def writeup_file_text(filename: str, content: bytes) -> str:
    """The text of an uploaded write-up (Markdown or plain text), read by the bounded
    reader: a file that is not text is refused."""
    if not (filename or "").lower().endswith(FILE_ENDINGS):
        raise ValidationFailed(_("A write-up file is Markdown (.md) or text (.txt)."), field="file")
    limits = FileLimits.from_settings(file_bytes=MAX_FILE_BYTES, characters=MAX_CHARACTERS)
    return decoded_text(content, limits)


@service
def submit_writeup(*, actor, challenge_id: int, text: str) -> WriteUp:
    """A member of a team that solved the challenge sends (or rewrites) the team's
    write-up, after the competition ends. A rewrite waits for review again."""
    challenge = Challenge.objects.select_related("competition").filter(pk=challenge_id).first()
    if challenge is None or not challenge.competition.is_published:
        raise NotFound(_("No such challenge."))
    competition = challenge.competition
    team = team_of(actor, competition.pk)
    if team is None or team.status != Team.Status.APPROVED:
        raise InvalidTransition(_("Only a team taking part can send write-ups."))
    if timezone.now() < competition.ends_at:
        raise InvalidTransition(_("Write-ups are sent after the competition ends."))
    if not Solve.objects.filter(team=team, challenge=challenge).exists():
        raise InvalidTransition(_("Your team sends write-ups of challenges it solved."))
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Write the write-up."), field="text")
    if len(text) > MAX_CHARACTERS:
        raise ValidationFailed(
            _("A write-up has at most %(n)d characters.") % {"n": MAX_CHARACTERS}, field="text"
        )
    if "\x00" in text:
        raise ValidationFailed(_("The text has a NUL character, which no text may hold."))
    screening = screen_text(text)
    writeup = WriteUp.objects.select_for_update().filter(team=team, challenge=challenge).first()
    if writeup is None:
        writeup = WriteUp(competition=competition, team=team, challenge=challenge)
    writeup.author = actor
    writeup.text = text
    writeup.public_text = screening.public_text
    writeup.found_types = list(screening.found_types)
    writeup.status = WriteUp.Status.SUBMITTED
    writeup.review_note = ""
    writeup.reviewed_at = None
    writeup.save()
    audit.record(actor, "ctf.writeup.submitted", writeup, team=team.pk)
    return writeup


@service
def review_writeup(*, actor, writeup_id: int, accept: bool, note: str = "") -> WriteUp:
    """Accept a write-up, or reject it with a reason the team reads."""
    require_scope(actor, action=MANAGE)
    writeup = WriteUp.objects.select_for_update().filter(pk=writeup_id).first()
    if writeup is None:
        raise NotFound(_("No such write-up."))
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationFailed(_("Say why the write-up is not accepted."), field="note")
    if len(note) > 300:
        raise ValidationFailed(_("A reason has at most 300 characters."), field="note")
    writeup.status = WriteUp.Status.ACCEPTED if accept else WriteUp.Status.REJECTED
    writeup.review_note = note
    writeup.reviewed_at = timezone.now()
    writeup.save(update_fields=["status", "review_note", "reviewed_at", "updated_at"])
    audit.record(actor, "ctf.writeup.accepted" if accept else "ctf.writeup.rejected", writeup)
    return writeup
