from django import forms
from django.utils.translation import gettext_lazy as _

from cyberweek.core.forms import BootstrapFormMixin
from cyberweek.geo.forms import RegionField

from .models import Language, ReportSubscription


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
