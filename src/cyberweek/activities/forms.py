import copy

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from cyberweek.core.forms import BootstrapFormMixin, EndsAfterStartsMixin
from cyberweek.core.permissions import ACTIONS, roles_of
from cyberweek.geo.forms import RegionField
from cyberweek.geo.models import Region, Sector

from .models import Activity
from .queries import ActivityFilter
from .services import ACTIVITY_FIELDS, MAX_PHOTO_BYTES, MAX_PHOTOS, MAX_REACH, activity_problems
from .spreadsheets import MAX_FILE_BYTES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def activity_regions_for(actor):
    """The regions the actor may register activities in: counties, and cities without
    counties, under the actor's `activities.create` roles."""
    paths = [r.region.path for r in roles_of(actor) if r.level in ACTIONS["activities.create"]]
    if not paths:
        return Region.objects.none()
    within = Q()
    for path in paths:
        within |= Q(path__startswith=path)
    has_children = Exists(Region.objects.filter(parent=OuterRef("pk"), is_active=True))
    return (
        Region.objects.filter(within, is_active=True)
        .filter(Q(level=Region.Level.COUNTY) | (Q(level=Region.Level.PREFECTURE) & ~has_children))
        .select_related("parent")
        .order_by("code")
    )


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.parent.display_name if obj.parent_id else ''} {obj.display_name}"


class ActivityForm(EndsAfterStartsMixin, BootstrapFormMixin, forms.ModelForm):
    ends_before_starts = _("An activity must end after it starts.")

    region = RegionChoiceField(label=_("Region"), queryset=Region.objects.none())
    online_url = forms.URLField(
        label=_("Online link"), required=False, max_length=300, assume_scheme="https"
    )

    class Meta:
        model = Activity
        fields = list(ACTIVITY_FIELDS)
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "hand_masks": forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }
        help_texts = {
            "description": _(
                "Personal information in the description (phone numbers, ID numbers, names) "
                "is masked before the public sees it. Check what the public sees on the "
                "activity's page after saving."
            ),
            "hand_masks": _(
                "Names or other words the automatic check missed, one a line: they are "
                "masked wherever they occur in the description and the outcome summary, now "
                "and whenever the text is screened again."
            ),
            "contact_name": _("Kept encrypted and never shown to the public."),
            "contact_phone": _("Kept encrypted and never shown to the public."),
            "latitude": _("Optional: the venue's map point, e.g. 39.11700."),
        }

    def __init__(self, *args, actor, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = activity_regions_for(actor)
        self.fields["themed_day"].queryset = edition.themed_days.all()
        self.edition = edition
        self.fields["contact_name"].max_length = 60
        self.fields["contact_phone"].max_length = 30
        self.fields["expected_reach"].max_value = MAX_REACH
        self.fields["description"].max_length = 5000

    def _post_clean(self):
        # The service checks the activity as a whole (it knows the edition and the scope);
        # the model's own validation would only repeat it with less to go on. Its rules are
        # asked here too, on a copy, so one submit shows every error: the fields' own and
        # the activity's, not one round after the other.
        activity = copy.copy(self.instance)
        activity.edition = self.edition
        for name, value in self.cleaned_data.items():
            if name in ACTIVITY_FIELDS:
                setattr(activity, name, value.strip() if isinstance(value, str) else value)
        for field, message in activity_problems(activity):
            if field in self.fields and not self.has_error(field):
                self.add_error(field, message)


class CommentForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=1000, widget=forms.Textarea({"rows": 3})
    )


class DecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Required when you return it: say what needs to change."),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("decision", "").startswith("return") and not data.get("comment", "").strip():
            self.add_error("comment", _("Say what needs to change."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class OutcomeForm(BootstrapFormMixin, forms.Form):
    participants = forms.IntegerField(
        label=_("Participants on site"), min_value=0, max_value=MAX_REACH
    )
    online_reach = forms.IntegerField(
        label=_("Online reach"),
        min_value=0,
        max_value=MAX_REACH,
        help_text=_("Views, listeners or participants online."),
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=5000, widget=forms.Textarea({"rows": 5})
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to six JPEG or PNG photos, 5 MB each."),
    )

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most six photos per activity."))
        for photo in photos:
            if photo.size > MAX_PHOTO_BYTES:
                raise forms.ValidationError(_("Each photo may be at most 5 MB."))
        return photos


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX)"),
        help_text=_("Fill in the template; at most 5 MB and 2,000 rows."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


def _region_choices():
    from cyberweek.geo.queries import provinces

    return [("", _("All regions"))] + [(p.code, p.display_name) for p in provinces()]


class ActivityFilterForm(BootstrapFormMixin, forms.Form):
    """The public list's filters. The region may be any current region code (the map and
    the coverage table link to provinces, cities and counties); the menu offers provinces."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    region = forms.CharField(label=_("Region"), required=False, max_length=6)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )
    themed_day = forms.TypedChoiceField(
        label=_("Themed day"), required=False, coerce=int, empty_value=None
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("All formats")), *Activity.Format.choices],
    )
    day = forms.DateField(label=_("Date"), required=False, widget=DateInput())

    def __init__(self, *args, edition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].widget = forms.Select(
            choices=_region_choices(), attrs={"class": "form-select"}
        )
        days = list(edition.themed_days.all()) if edition is not None else []
        self.themed_days = days
        self.fields["themed_day"].choices = [("", _("All days"))] + [(d.pk, d) for d in days]

    def clean_day(self):
        day = self.cleaned_data.get("day")
        if day and not 2000 <= day.year <= 2100:
            raise forms.ValidationError(_("Enter a date from 2000 to 2100."))
        return day

    def clean_region(self):
        code = self.cleaned_data.get("region", "").strip()
        if not code:
            return None
        region = Region.objects.filter(code=code, is_active=True).select_related("parent").first()
        if region is None:
            raise forms.ValidationError(_("There is no current region with that code."))
        if code not in dict(self.fields["region"].widget.choices):
            # Keep a sub-region from a link selectable in the menu.
            self.fields["region"].widget.choices.append((code, region.display_name))
        return region

    def filters(self) -> ActivityFilter:
        if not self.is_bound or not self.is_valid():
            return ActivityFilter()
        data = self.cleaned_data
        return ActivityFilter(
            region=data["region"],
            sector=data["sector"],
            themed_day_id=data["themed_day"],
            format=data["format"],
            day=data["day"],
            q=data["q"],
            status=data.get("status", ""),
        )


class OrganiserFilterForm(ActivityFilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Activity.Status.choices],
    )


class CoverageForm(BootstrapFormMixin, forms.Form):
    region = RegionField(required=False)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )


class ReportingForm(CoverageForm):
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=DateInput(),
        help_text=_("Reports in by the end of this day; empty for today."),
    )
