"""Reads of the micro-video contest: the gallery, a judge's queue, judging progress,
results and the fraud signals on votes. Nothing here writes."""

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core.certificates import looks_like_code
from cyberweek.core.errors import NotFound
from cyberweek.core.figures import daily_figures

from .models import (
    Certificate,
    ConflictDeclaration,
    Criterion,
    Entry,
    JudgeAssignment,
    Report,
    Score,
    VideoContest,
    Vote,
)


def public_contests() -> QuerySet[VideoContest]:
    return VideoContest.objects.filter(is_published=True).order_by("-submission_opens_at")


def gallery(
    contest: VideoContest, *, category: str = "", theme: str = "", search: str = ""
) -> QuerySet[Entry]:
    entries = Entry.objects.filter(
        contest=contest, status=Entry.Status.ACCEPTED, erased=False, video__isnull=False
    ).select_related("video")
    if category:
        entries = entries.filter(category=category)
    if theme:
        entries = entries.filter(theme=theme)
    if search:
        entries = entries.filter(public_title__icontains=search)
    return entries.order_by("-created_at", "pk")


def public_name(entry: Entry) -> str:
    """The entrant's name as the public sees it: whole only with their consent."""
    name = (entry.display_name or "").strip()
    if entry.show_name:
        return name
    if not name:
        return "***"
    if any("\u4e00" <= ch <= "\u9fff" for ch in name):
        return name[0] + "*" * max(len(name) - 1, 2)
    return name[:2] + "***"


def my_entries(user) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(entrant=user, erased=False)
        .select_related("contest", "video", "certificate")
        .order_by("-created_at")
    )


def vote_count(entry: Entry) -> int:
    return entry.votes.filter(voided_at__isnull=True).count()


def tallies_visible(contest: VideoContest, now=None) -> bool:
    now = now or timezone.now()
    return not contest.hide_tallies or now >= contest.voting_closes_at


# --- Judging --------------------------------------------------------------------------------
def judge_queue(judge, contest: VideoContest) -> list[dict]:
    """The accepted entries of the judge's categories, without the entrant (judges judge
    blind) and without any vote count or another judge's score; with the judge's own
    scores and whether they declared a conflict."""
    categories = JudgeAssignment.objects.filter(contest=contest, judge=judge).values_list(
        "category", flat=True
    )
    entries = (
        Entry.objects.filter(
            contest=contest, status=Entry.Status.ACCEPTED, erased=False, category__in=categories
        )
        .exclude(entrant=judge)
        .select_related("video")
        .order_by("pk")
    )
    mine = defaultdict(dict)
    for score in Score.objects.filter(judge=judge, entry__contest=contest):
        mine[score.entry_id][score.criterion_id] = score.value
    conflicts = set(
        ConflictDeclaration.objects.filter(judge=judge, entry__contest=contest).values_list(
            "entry_id", flat=True
        )
    )
    return [
        {"entry": e, "scores": mine.get(e.pk, {}), "conflict": e.pk in conflicts} for e in entries
    ]


def judging_progress(contest: VideoContest) -> list[dict]:
    """For organisers: per judge and category, how many entries are scored out of those
    they may score (entries they declared a conflict with are not counted)."""
    criteria = contest.criteria.count()
    rows = []
    assignments = JudgeAssignment.objects.filter(contest=contest).select_related("judge")
    for assignment in assignments.order_by("category", "judge_id"):
        entries = Entry.objects.filter(
            contest=contest,
            category=assignment.category,
            status=Entry.Status.ACCEPTED,
            erased=False,
        ).exclude(entrant=assignment.judge)
        conflicts = ConflictDeclaration.objects.filter(
            judge=assignment.judge, entry__in=entries
        ).count()
        scored = (
            Score.objects.filter(judge=assignment.judge, entry__in=entries)
            .values("entry")
            .annotate(n=Count("pk"))
            .filter(n=criteria)
            .count()
            if criteria
            else 0
        )
        rows.append(
            {
                "judge": assignment.judge,
                "category": assignment.get_category_display(),
                "scored": scored,
                "total": entries.count() - conflicts,
                "conflicts": conflicts,
            }
        )
    return rows


# --- Results --------------------------------------------------------------------------------
@dataclass
class Result:
    entry: Entry
    judge_score: float
    votes: int
    public_score: float
    final: float
    rank: int = 0


def judge_scores(contest: VideoContest) -> dict[int, float]:
    """Per entry, the mean over its judges of their weighted score, 0-100. A judge counts
    once they scored every criterion."""
    criteria = {c.pk: c for c in Criterion.objects.filter(contest=contest)}
    total_weight = sum(c.weight for c in criteria.values())
    if not total_weight:
        return {}
    by_judge = defaultdict(lambda: defaultdict(dict))
    for score in Score.objects.filter(entry__contest=contest).values(
        "entry_id", "judge_id", "criterion_id", "value"
    ):
        by_judge[score["entry_id"]][score["judge_id"]][score["criterion_id"]] = score["value"]
    result = {}
    for entry_id, judges in by_judge.items():
        complete = [s for s in judges.values() if set(s) == set(criteria)]
        if not complete:
            continue
        per_judge = [
            100
            * sum(criteria[c].weight * v / criteria[c].max_score for c, v in s.items())
            / total_weight
            for s in complete
        ]
        result[entry_id] = sum(per_judge) / len(per_judge)
    return result


def results(contest: VideoContest) -> list[Result]:
    """Accepted entries ranked by the blended score (the contest's judge and public
    weights; public score = votes / the most votes of any entry), ties broken by the judges'
    score, then by the earlier entry."""
    entries = list(
        Entry.objects.filter(contest=contest, status=Entry.Status.ACCEPTED, erased=False)
        .annotate(valid_votes=Count("votes", filter=Q(votes__voided_at__isnull=True)))
        .select_related("video")
    )
    judged = judge_scores(contest)
    most = max((e.valid_votes for e in entries), default=0)
    weights = contest.judge_weight + contest.public_weight or 1
    rows = []
    for entry in entries:
        judge = judged.get(entry.pk, 0.0)
        public = 100 * entry.valid_votes / most if most else 0.0
        final = (contest.judge_weight * judge + contest.public_weight * public) / weights
        rows.append(Result(entry, round(judge, 2), entry.valid_votes, round(public, 2), final))
    rows.sort(key=lambda r: (-round(r.final, 6), -r.judge_score, r.entry.pk))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
        row.final = round(row.final, 2)
    return rows


def certificate_by_code(code: str) -> Certificate:
    """A winner's certificate by its code; not once its entry is erased or taken out."""
    certificate = (
        Certificate.objects.select_related("entry__contest")
        .filter(code=code, entry__erased=False)
        .first()
        if looks_like_code(code)
        else None
    )
    if certificate is None:
        raise NotFound(_("No certificate with that code."))
    return certificate


def open_reports(contest: VideoContest) -> QuerySet[Report]:
    """Open reports of the contest's entries still in the gallery, oldest first."""
    return (
        Report.objects.filter(
            entry__contest=contest,
            entry__status=Entry.Status.ACCEPTED,
            entry__erased=False,
            outcome=Report.Outcome.OPEN,
        )
        .select_related("entry")
        .order_by("created_at", "pk")
    )


# --- Fraud signals --------------------------------------------------------------------------
BURST_WINDOW = timedelta(minutes=10)
BURST_SIZE = 5
NEW_ACCOUNT = timedelta(days=1)
SHARED_NETWORK = 3
# Two accounts voting for one entry from one browser: a family may share a computer, so it
# is a signal for an organiser to look at, never a verdict.
SHARED_DEVICE = 2
SAME_INTERVAL_RUN = 3
INTERVAL_TOLERANCE = 1.0  # seconds


SIGNAL_LABELS = {
    "burst": _("burst of new accounts"),
    "network": _("shared network"),
    "device": _("shared device"),
    "interval": _("identical intervals"),
    "no_play": _("never played"),
}


@dataclass
class Flagged:
    vote: Vote
    signals: set[str] = field(default_factory=set)

    @property
    def signal_labels(self) -> list[str]:
        return [str(SIGNAL_LABELS[signal]) for signal in sorted(self.signals)]


def fraud_signals(contest: VideoContest) -> list[Flagged]:
    """Votes with at least one signal: `burst` (five or more votes for one entry within ten
    minutes from accounts less than a day old), `network` (three or more voters for one
    entry from one /24), `device` (two or more voters for one entry from one browser),
    `interval` (a voter whose votes come at identical intervals), `no_play` (the voter never
    started the video)."""
    votes = list(
        Vote.objects.filter(contest=contest, voided_at__isnull=True)
        .select_related("voter", "entry")
        .order_by("cast_at", "pk")
    )
    flags: dict[int, Flagged] = {}

    def flag(vote, signal):
        flags.setdefault(vote.pk, Flagged(vote)).signals.add(signal)

    by_entry = defaultdict(list)
    by_voter = defaultdict(list)
    for vote in votes:
        by_entry[vote.entry_id].append(vote)
        by_voter[vote.voter_id].append(vote)
        if not vote.played:
            flag(vote, "no_play")
    for entry_votes in by_entry.values():
        new = [
            v
            for v in entry_votes
            if v.voter is not None and v.cast_at - v.voter.date_joined < NEW_ACCOUNT
        ]
        start = 0
        for end, vote in enumerate(new):
            while vote.cast_at - new[start].cast_at > BURST_WINDOW:
                start += 1
            if end - start + 1 >= BURST_SIZE:
                for burst_vote in new[start : end + 1]:
                    flag(burst_vote, "burst")
        networks = defaultdict(set)
        devices = defaultdict(set)
        for vote in entry_votes:
            if vote.network:
                networks[vote.network].add(vote.voter_id)
            if vote.device:
                devices[vote.device].add(vote.voter_id)
        for vote in entry_votes:
            if vote.network and len(networks[vote.network]) >= SHARED_NETWORK:
                flag(vote, "network")
            if vote.device and len(devices[vote.device]) >= SHARED_DEVICE:
                flag(vote, "device")
    for voter_id, voter_votes in by_voter.items():
        if voter_id is None or len(voter_votes) < SAME_INTERVAL_RUN + 1:
            continue
        gaps = [(b.cast_at - a.cast_at).total_seconds() for a, b in itertools.pairwise(voter_votes)]
        run = 1
        for i in range(1, len(gaps)):
            run = run + 1 if abs(gaps[i] - gaps[i - 1]) <= INTERVAL_TOLERANCE else 1
            if run >= SAME_INTERVAL_RUN:
                for vote in voter_votes[i + 1 - run : i + 2]:
                    flag(vote, "interval")
    return sorted(flags.values(), key=lambda f: (-len(f.signals), f.vote.cast_at))


def insight_figures(*, start: datetime, end: datetime) -> list[QuerySet]:
    """Entries submitted (past the upload) and votes counted during [start, end), per day.
    Entrants and voters give no region, so both count for the country."""
    entries = Entry.objects.exclude(status=Entry.Status.UPLOADING).filter(
        erased=False, created_at__gte=start, created_at__lt=end
    )
    votes = Vote.objects.filter(voided_at__isnull=True, cast_at__gte=start, cast_at__lt=end)
    return [
        daily_figures(entries, at="created_at", metric="video_entries"),
        daily_figures(votes, at="cast_at", metric="video_votes"),
    ]
