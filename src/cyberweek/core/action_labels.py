"""What the codes in the audit trail and the permission table mean, in people's words.

The trail stores stable codes ("accounts.role_granted", "organiser.access"); the privacy
centre shows each person their own records and names them with these labels. A code
without a label (a new one) is named by its app, never shown raw.
"""

from django.apps import apps
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

LABELS = {
    # Events the services record.
    "accounts.national_role_bootstrapped": _("First national organiser appointed"),
    "accounts.role_granted": _("Organiser role granted"),
    "accounts.second_factor_reset": _("Authenticator reset"),
    "accounts.signed_up": _("Account created"),
    "accounts.totp_enrolled": _("Authenticator enrolled"),
    "activities.exported": _("Activities exported"),
    "activities.imported": _("Activities imported"),
    "activities.reminder_sent": _("Reminder sent about an overdue activity"),
    "outbox.retried": _("Undelivered message sent again"),
    "privacy.notice_published": _("Privacy notice published"),
    "privacy.request_deletion_done": _("Deletion request carried out"),
    "privacy.request_opened": _("Personal information request logged"),
    "privacy.request_updated": _("Personal information request updated"),
    "programme.edition_created": _("Edition created"),
    "programme.edition_updated": _("Edition updated"),
    "programme.event_deleted": _("Event deleted"),
    "programme.room_saved": _("Room saved"),
    "programme.speaker_saved": _("Speaker saved"),
    "programme.themed_day_created": _("Themed day created"),
    "programme.themed_day_deleted": _("Themed day deleted"),
    "programme.themed_day_updated": _("Themed day updated"),
    "programme.event_created": _("Event created"),
    "programme.event_updated": _("Event updated"),
    "quiz.contest_created": _("Contest created"),
    "quiz.contest_updated": _("Contest updated"),
    "quiz.flags_viewed": _("Flagged attempts viewed"),
    "quiz.paper_set": _("Contest paper set"),
    "quiz.question_activated": _("Question put back in use"),
    "quiz.question_retired": _("Question retired"),
    "quiz.question_revised": _("Question revised"),
    "quiz.questions_exported": _("Question bank exported"),
    "quiz.questions_imported": _("Questions imported"),
    "tickets.checked_in": _("Attendee checked in"),
    "tickets.registration_closed": _("Registration closed"),
    "tickets.registration_opened": _("Registration opened"),
    "tickets.registration_updated": _("Registration settings changed"),
    "tickets.registration_withdrawn_on_deletion": _(
        "Registration withdrawn with a deleted account"
    ),
    # The CTF, the tip line, the micro-video contest and contest flags.
    "quiz.attempt_voided": _("Contest attempt voided"),
    "quiz.flag_cleared": _("Contest attempt flag cleared"),
    "ctf.board.published": _("CTF final board published"),
    "ctf.board.rebuilt": _("CTF board rebuilt"),
    "ctf.challenge.created": _("CTF challenge created"),
    "ctf.challenge.changed": _("CTF challenge changed"),
    "ctf.hint.created": _("CTF hint added"),
    "ctf.team.approved": _("CTF team accepted"),
    "ctf.team.rejected": _("CTF team refused"),
    "ctf.team.banned": _("CTF team banned"),
    "ctf.team.reinstated": _("CTF team reinstated"),
    "ctf.team.left": _("CTF team member left"),
    "ctf.team.captain_changed": _("CTF team captaincy handed over"),
    "ctf.competition.created": _("CTF competition created"),
    "ctf.competition.changed": _("CTF competition changed"),
    "ctf.division.created": _("CTF division created"),
    "ctf.division.changed": _("CTF division changed"),
    "ctf.attachment.added": _("CTF attachment added"),
    "ctf.attachment.removed": _("CTF attachment removed"),
    "ctf.writeup.submitted": _("CTF write-up sent"),
    "ctf.writeup.accepted": _("CTF write-up accepted"),
    "ctf.writeup.rejected": _("CTF write-up rejected"),
    "showcase.conflict_declared": _("Conflict of interest declared"),
    "showcase.criterion_added": _("Judging criterion added"),
    "showcase.criterion_removed": _("Judging criterion removed"),
    "showcase.contest_created": _("Video contest created"),
    "showcase.contest_changed": _("Video contest changed"),
    "showcase.entry_reported": _("Video entry reported by the public"),
    "showcase.judge_removed": _("Judge removed"),
    "showcase.report_closed": _("Report of a video entry closed"),
    "showcase.entry_saved": _("Video entry saved"),
    "showcase.entry_accepted": _("Video entry accepted"),
    "showcase.entry_returned": _("Video entry returned for changes"),
    "showcase.entry_rejected": _("Video entry rejected"),
    "showcase.entry_scored": _("Video entry scored"),
    "showcase.judge_assigned": _("Judge assigned"),
    "showcase.phone_verified": _("Mobile number verified for voting"),
    "showcase.results_published": _("Video contest results published"),
    "showcase.video_ready": _("Video checked and ready"),
    "showcase.video_received": _("Video received"),
    "showcase.video_refused": _("Video refused"),
    "showcase.vote_voided": _("Vote voided"),
    "insights.report_requested": _("End-of-week report requested"),
    "insights.report_downloaded": _("End-of-week report downloaded"),
    "insights.subscribed": _("End-of-week report subscribed to"),
    "insights.unsubscribed": _("End-of-week report subscription ended"),
    "tipline.report_filed": _("Report filed on the tip line"),
    "tipline.report_withdrawn": _("Report withdrawn by its reporter"),
    "tipline.filed": _("Report filed on the tip line"),
    "tipline.claimed": _("Report claimed for triage"),
    "tipline.released": _("Report released"),
    "tipline.confirmed": _("Report confirmed"),
    "tipline.escalated": _("Report confirmed again and escalated"),
    "tipline.rejected": _("Report rejected"),
    "tipline.duplicate": _("Report marked as duplicate"),
    "tipline.taken_down": _("Threat marked as taken down"),
    "tipline.volunteer_dismissed": _("Tip-line volunteer dismissed"),
    "tipline.volunteer_recruited": _("Tip-line volunteer recruited"),
    "tipline.voted": _("Vote on a report"),
    "campaigns.created": _("Campaign created"),
    "campaigns.updated": _("Campaign edited"),
    "campaigns.activity_added": _("Activity joined to a campaign"),
    "campaigns.activity_removed": _("Activity removed from a campaign"),
    "campaigns.volunteer_invited": _("Campaign volunteer invited"),
    "campaigns.invitation_accepted": _("Invitation to volunteer accepted"),
    "campaigns.invitation_declined": _("Invitation to volunteer declined"),
    "campaigns.task_recorded": _("Volunteer task recorded"),
    "campaigns.task_confirmed": _("Volunteer hours confirmed"),
    "campaigns.task_returned": _("Volunteer task not confirmed"),
    "campaigns.certificate_issued": _("Certificate of service issued"),
    # Permissions, recorded when one is refused.
    "organiser.access": _("Entering the organiser area"),
    "accounts.grant_role": _("Appointing organisers"),
    "activities.create": _("Registering activities"),
    "activities.report": _("Reporting activity outcomes"),
    "activities.review": _("Reviewing activities"),
    "activities.verify": _("Verifying activity outcomes"),
    "activities.view": _("Viewing activities"),
    "campaigns.manage": _("Running campaigns"),
    "core.outbox_manage": _("Managing undelivered messages"),
    "insights.view": _("Viewing dashboards and reports"),
    "privacy.handle_requests": _("Handling personal information requests"),
    "privacy.manage": _("Managing privacy notices"),
    "programme.manage": _("Editing the programme"),
    "quiz.manage": _("Managing the knowledge contest"),
    "quiz.stats": _("Viewing contest statistics"),
    "quiz.flags": _("Viewing flagged attempts"),
    "tickets.check_in": _("Checking people in"),
    "tickets.manage": _("Managing registration"),
}


def describe(code: str) -> str:
    """A person's words for an action or permission code, or for a model ("app.model")."""
    if code in LABELS:
        return str(LABELS[code])
    app_label, _dot, rest = code.partition(".")
    try:
        return str(apps.get_model(app_label, rest)._meta.verbose_name)
    except (LookupError, ValueError):
        pass
    try:
        app = str(apps.get_app_config(app_label).verbose_name)
    except LookupError:
        return code
    return gettext_now("An action in %(area)s") % {"area": app}
