from django import forms
from django.utils.translation import gettext_lazy as _

from cyberweek.core.forms import BootstrapFormMixin, EndsAfterStartsMixin

from .models import Edition, Event, Room, Speaker, ThemedDay


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EditionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Edition
        fields = [
            "year",
            "slug",
            "theme",
            "theme_en",
            "slogan",
            "slogan_en",
            "host_city",
            "host_city_en",
            "starts_on",
            "ends_on",
            "is_published",
        ]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2014 <= year <= 2100:
            raise forms.ValidationError(_("Enter a year from 2014 (the first Week) to 2100."))
        return year


class ThemedDayForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ThemedDay
        fields = ["date", "kind", "title", "title_en", "description", "description_en"]
        widgets = {"date": DateInput()}


class RoomForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Room
        fields = ["venue", "venue_en", "name", "name_en", "capacity"]


class SpeakerForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Speaker
        fields = ["name", "name_en", "affiliation", "affiliation_en", "bio", "bio_en"]


class EventForm(EndsAfterStartsMixin, BootstrapFormMixin, forms.ModelForm):
    ends_before_starts = _("An event must end after it starts.")

    class Meta:
        model = Event
        fields = [
            "kind",
            "parent",
            "title",
            "title_en",
            "slug",
            "starts_at",
            "ends_at",
            "room",
            "speakers",
            "description",
            "description_en",
            "is_published",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "speakers": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        parents = edition.events.filter(
            kind__in=[
                Event.Kind.FORUM,
                Event.Kind.SUB_FORUM,
                Event.Kind.EXPO,
                Event.Kind.CEREMONY,
                Event.Kind.CONTEST,
                Event.Kind.OTHER,
            ]
        )
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["room"].queryset = edition.rooms.all()
        self.fields["speakers"].queryset = edition.speakers.all()

    def validate_unique(self):
        # The edition is set by the service, not the form; it checks the slug there.
        pass


class ProgrammeFilterForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Event.Kind.choices]
    )
