from django import forms
from django.utils.translation import gettext_lazy as _

from cyberweek.core.forms import BootstrapFormMixin
from cyberweek.core.templatetags.cyberweek import tr
from cyberweek.geo.models import Region, Sector

from .flags import MAX_FLAG_LENGTH
from .models import Challenge, Competition, Division
from .services.setup import COMPETITION_FIELDS, DIVISION_FIELDS


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class TeamForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Team name"),
        max_length=40,
        help_text=_("Shown on the public board; members' names never are."),
    )
    division = forms.TypedChoiceField(label=_("Division"), coerce=int)
    region = RegionChoiceField(label=_("Province"), queryset=Region.objects.none())
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Only for the youth division, to check the age. Nothing else is asked."),
    )

    def __init__(self, *args, competition: Competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = [
            (d.pk, tr(d, "name")) for d in competition.divisions.all()
        ]
        self.fields["region"].queryset = Region.objects.filter(
            level=Region.Level.PROVINCE, is_active=True
        ).order_by("code")


class JoinForm(BootstrapFormMixin, forms.Form):
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Only for a team in the youth division."),
    )


class FlagForm(BootstrapFormMixin, forms.Form):
    # The form takes a little more than a flag may have, so that the service names the
    # limit instead of the browser cutting the text off.
    flag = forms.CharField(label=_("Flag"), max_length=MAX_FLAG_LENGTH * 4, strip=False)


class ChallengeForm(BootstrapFormMixin, forms.ModelForm):
    instance_url = forms.URLField(
        label=_("instance"),
        required=False,
        assume_scheme="https",
        help_text=_("Where the challenge runs; hosted elsewhere."),
    )

    class Meta:
        model = Challenge
        fields = [
            "title", "title_en", "category", "description", "description_en", "instance_url",
            "scoring", "initial_value", "minimum_value", "decay", "flag_kind", "flag",
            "case_insensitive", "release_at", "is_hidden", "prerequisites",
        ]  # fmt: skip
        widgets = {
            "release_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 6}),
            "prerequisites": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, competition: Competition, **kwargs):
        super().__init__(*args, **kwargs)
        others = competition.challenges.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["prerequisites"].queryset = others


class HintForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Hint"), widget=forms.Textarea(attrs={"rows": 2}))
    text_en = forms.CharField(
        label=_("Hint (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cost = forms.IntegerField(label=_("Cost"), min_value=0, max_value=100_000, initial=0)


class ReviewForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class WriteUpForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Write-up (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Personal information (names, phone numbers, addresses) is masked before "
            "anyone else reads it."
        ),
    )
    file = forms.FileField(
        label=_("or a file (.md or .txt)"),
        required=False,
        help_text=_("A file replaces the text above."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Write the write-up or choose a file."))
        return data


class CaptainForm(BootstrapFormMixin, forms.Form):
    captain = forms.TypedChoiceField(label=_("New captain"), coerce=int)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["captain"].choices = [(m.user_id, str(m.user)) for m in members]


_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CompetitionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Competition
        fields = list(COMPETITION_FIELDS)
        widgets = {
            "starts_at": _WHEN,
            "ends_at": _WHEN,
            "freeze_at": _WHEN,
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }


class DivisionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Division
        fields = list(DIVISION_FIELDS)
        widgets = {"email_domains": forms.Textarea(attrs={"rows": 3})}


class AttachmentForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("Archives, captures, binaries, images, PDF or text; at most 5 MB."),
    )


class WriteUpReviewForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=300, required=False)
