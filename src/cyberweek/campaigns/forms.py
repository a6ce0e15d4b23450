from django import forms
from django.utils.translation import gettext_lazy as _

from cyberweek.activities.forms import DateInput
from cyberweek.core.forms import BootstrapFormMixin
from cyberweek.geo.forms import RegionPickerInput
from cyberweek.geo.models import Sector
from cyberweek.geo.queries import find_region

from .models import Campaign
from .services import MAX_NAME_CHARS


class CampaignForm(BootstrapFormMixin, forms.Form):
    """What an organiser sets on a campaign. The rules (goals of at least 1, the window
    within the edition) live in `services.campaign_problems`; the service reports each."""

    title = forms.CharField(label=_("Title"), max_length=120)
    title_en = forms.CharField(label=_("Title (English)"), max_length=120, required=False)
    slug = forms.SlugField(
        label=_("Short name"), max_length=60, help_text=_("Part of the public address.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Campaign.Kind.choices)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the public; personal information in it is masked."),
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on English pages; empty: the summary above."),
    )
    region = forms.CharField(
        label=_("Region"),
        max_length=64,
        widget=RegionPickerInput(),
        help_text=_("The campaign's activities are in this region."),
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every sector."),
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    # Bounds are the service's: a zero or negative goal reaches it and is refused there
    # with the same message on every way in (page, API).
    goal_activities = forms.IntegerField(label=_("Goal: activities"))
    goal_participants = forms.IntegerField(label=_("Goal: participants"))
    goal_regions = forms.IntegerField(label=_("Goal: counties covered"))
    is_published = forms.BooleanField(label=_("Published"), required=False)

    def clean_region(self):
        region = find_region(self.cleaned_data.get("region", ""))
        if region is None:
            raise forms.ValidationError(_("Choose a current region from the list."))
        return region

    @staticmethod
    def initial_for(campaign: Campaign) -> dict:
        return {
            **{
                name: getattr(campaign, name)
                for name in (
                    "title",
                    "title_en",
                    "slug",
                    "kind",
                    "summary",
                    "summary_en",
                    "sectors",
                    "starts_on",
                    "ends_on",
                    "goal_activities",
                    "goal_participants",
                    "goal_regions",
                    "is_published",
                )
            },
            "region": campaign.region.code,
        }


class AddActivityForm(BootstrapFormMixin, forms.Form):
    activity = forms.IntegerField(label=_("Activity number"), min_value=1, max_value=2**31 - 1)


class InviteForm(BootstrapFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address of the account"),
        max_length=254,
        help_text=_("They must have signed up."),
    )


class DecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", _("Confirm")), ("return", _("Do not confirm"))]
    )
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)


class TaskForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(label=_("What you did"), max_length=300)
    worked_on = forms.DateField(label=_("Day"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=4, decimal_places=2, help_text=_("In quarters: 0.25 to 24.")
    )


class CertificateForm(BootstrapFormMixin, forms.Form):
    holder_name = forms.CharField(label=_("Name on the certificate"), max_length=MAX_NAME_CHARS)
