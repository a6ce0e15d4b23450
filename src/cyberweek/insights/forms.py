from django import forms
from django.utils.translation import gettext_lazy as _

from cyberweek.core.forms import BootstrapFormMixin
from cyberweek.geo.forms import RegionPickerInput
from cyberweek.geo.queries import find_region

from .models import Language, ReportSubscription


class RegionField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Region"),
            max_length=64,
            widget=RegionPickerInput(),
            help_text=_("Type a name in Chinese, pinyin or English, or a code."),
            **kwargs,
        )

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        region = find_region(text)
        if region is None:
            raise forms.ValidationError(_("Choose a current region from the list."))
        return region


class DashboardForm(BootstrapFormMixin, forms.Form):
    region = RegionField(required=False)
    first = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReportForm(BootstrapFormMixin, forms.Form):
    region = RegionField()
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)


class SubscriptionForm(ReportForm):
    frequency = forms.ChoiceField(
        label=_("How often"), choices=ReportSubscription.Frequency.choices
    )
