"""Every figure the dashboards, the report and the open data show: its name, what it means
and which app counts it. One list, so the page, the PDF, the exports and the schema page
always agree on the figures and their wording."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cyberweek.tipline.queries import report_kinds


@dataclass(frozen=True)
class Metric:
    code: str
    label: Promise
    description: Promise
    group: str


ACTIVITIES, TICKETS, QUIZ, CTF, VIDEO, TIPS = (
    "activities",
    "tickets",
    "quiz",
    "ctf",
    "video",
    "tips",
)

GROUPS = {
    ACTIVITIES: _("Local activities"),
    TICKETS: _("Registration and check-in"),
    QUIZ: _("Knowledge contest"),
    CTF: _("Innovation (CTF) competition"),
    VIDEO: _("Micro-video contest"),
    TIPS: _("Tip line"),
}

METRICS = [
    Metric(
        "activities",
        _("Activities"),
        _("Approved local activities starting on the day (by their start)."),
        ACTIVITIES,
    ),
    Metric(
        "activities_held",
        _("Activities held"),
        _("Of those, the activities marked as held, whether or not an outcome is reported."),
        ACTIVITIES,
    ),
    Metric(
        "outcomes_reported",
        _("Outcomes reported"),
        _("Of those, the activities whose organisers reported an outcome."),
        ACTIVITIES,
    ),
    Metric(
        "participants",
        _("Participants on site"),
        _("People on site, as the reported outcomes count them."),
        ACTIVITIES,
    ),
    Metric(
        "online_reach",
        _("Online reach"),
        _("People reached online, as the reported outcomes count them."),
        ACTIVITIES,
    ),
    Metric(
        "registrations",
        _("Registrations"),
        _("Seats registered for activities and official events (cancelled ones left out)."),
        TICKETS,
    ),
    Metric(
        "checkins",
        _("Check-ins"),
        _("Tickets checked in at the door."),
        TICKETS,
    ),
    Metric(
        "quiz_attempts",
        _("Contest attempts"),
        _(
            "Knowledge-contest papers submitted (voided attempts left out), by the entrant's "
            "region and sector."
        ),
        QUIZ,
    ),
    Metric(
        "quiz_passed",
        _("Contest passes"),
        _("Of those, the attempts that reached the pass mark."),
        QUIZ,
    ),
    Metric(
        "ctf_teams",
        _("CTF teams"),
        _("Teams taking part in the innovation competition, by the day they formed."),
        CTF,
    ),
    Metric(
        "ctf_solves",
        _("CTF solves"),
        _("Challenges solved by those teams (one per team and challenge)."),
        CTF,
    ),
    Metric(
        "video_entries",
        _("Video entries"),
        _(
            "Micro-video contest entries submitted (for the whole country: entrants give no "
            "region)."
        ),
        VIDEO,
    ),
    Metric(
        "video_votes",
        _("Video votes"),
        _("Public votes counted for contest entries (voided votes left out)."),
        VIDEO,
    ),
    *(
        Metric(
            f"tip_{kind}",
            label,
            _("Tip-line reports received of this kind, by the region given in the report."),
            TIPS,
        )
        for kind, label in report_kinds()
    ),
]

BY_CODE = {metric.code: metric for metric in METRICS}
CODES = [metric.code for metric in METRICS]
TIP_CODES = [code for code in CODES if code.startswith("tip_")]


def rates(totals: dict[str, int]) -> dict[str, float | None]:
    """The rates shown beside the counts (a share, or None where nothing was counted)."""

    def share(part, whole):
        return round(totals.get(part, 0) / totals[whole], 4) if totals.get(whole) else None

    return {
        "outcome_rate": share("outcomes_reported", "activities"),
        "checkin_rate": share("checkins", "registrations"),
        "pass_rate": share("quiz_passed", "quiz_attempts"),
    }


RATE_LABELS = {
    "outcome_rate": _("Outcomes reported"),
    "checkin_rate": _("Checked in"),
    "pass_rate": _("Contest pass rate"),
}
