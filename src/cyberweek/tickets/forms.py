from django import forms
from django.utils.translation import gettext_lazy as _

from cyberweek.core.forms import BootstrapFormMixin

from .models import Offering


class RegistrationForm(BootstrapFormMixin, forms.Form):
    """Asks only what the offering asks: seats when one person may take several, a name
    and a mobile number only when the organiser needs them at the door."""

    seats = forms.IntegerField(label=_("Seats"), min_value=1, initial=1)
    name = forms.CharField(
        label=_("Attendee name"),
        max_length=60,
        help_text=_("Asked because the organiser checks names at the door."),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        help_text=_("Asked because the organiser may need to reach you about the event."),
    )

    def __init__(self, *args, offering: Offering, **kwargs):
        super().__init__(*args, **kwargs)
        if offering.per_person_limit > 1:
            self.fields["seats"].max_value = offering.per_person_limit
            self.fields["seats"].widget.attrs["max"] = offering.per_person_limit
            self.fields["seats"].help_text = _("At most %(n)d.") % {"n": offering.per_person_limit}
        else:
            del self.fields["seats"]
        if not offering.asks_name:
            del self.fields["name"]
        if not offering.asks_phone:
            del self.fields["phone"]


class OpenRegistrationForm(BootstrapFormMixin, forms.Form):
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=1_000_000)
    per_person_limit = forms.IntegerField(
        label=_("Seats one person may take"), min_value=1, max_value=20, initial=1
    )
    closes_at = forms.DateTimeField(
        label=_("Registration closes"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty: open until the event ends."),
    )
    asks_name = forms.BooleanField(label=_("Ask for the attendee's name"), required=False)
    asks_phone = forms.BooleanField(label=_("Ask for a mobile number"), required=False)
    open_although_over = forms.BooleanField(
        label=_("Open it although the event is over"),
        required=False,
        help_text=_("Nobody can register for an event that has ended; tick only to record it."),
    )

    def __init__(self, *args, event_over: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The question is asked only of an event that has ended.
        if not event_over:
            del self.fields["open_although_over"]

    def clean(self):
        data = super().clean()
        if "open_although_over" in self.fields and not data.get("open_although_over"):
            self.add_error(
                "open_although_over",
                _("This event is already over: confirm that you want to open it anyway."),
            )
        data.pop("open_although_over", None)
        return data
