"""The organiser actions of campaigns (registered in `CampaignsConfig.ready`).

A campaign belongs to a region: organisers of that region (and above) run it, join
activities of the region to it, recruit its volunteers and confirm their hours.
Volunteering itself is not an organiser action: a volunteer is a person who accepted an
organiser's invitation to one campaign."""

from cyberweek.core.permissions import COUNTY, NATIONAL, PREFECTURAL, PROVINCIAL

MANAGE = "campaigns.manage"

LEVELS = {
    MANAGE: frozenset({NATIONAL, PROVINCIAL, PREFECTURAL, COUNTY}),
}
