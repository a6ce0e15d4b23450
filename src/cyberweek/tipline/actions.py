"""The organiser actions of the tip line (registered in `TiplineConfig.ready`).

Triage itself is not an organiser action: volunteers are people an organiser recruited
(`Volunteer`), scoped to a region, and need no organiser role."""

from cyberweek.core.permissions import NATIONAL, PREFECTURAL, PROVINCIAL

RECRUIT = "tipline.recruit"

LEVELS = {
    # Provinces and prefectures run their volunteers; the country may recruit anywhere.
    RECRUIT: frozenset({NATIONAL, PROVINCIAL, PREFECTURAL}),
}
