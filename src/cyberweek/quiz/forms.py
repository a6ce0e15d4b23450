from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core.forms import BootstrapFormMixin
from cyberweek.geo.forms import RegionPickerInput
from cyberweek.geo.models import Region, Sector

from .models import Contest, Difficulty, Entry, Question, Topic
from .question_files import OPTION_KEYS, parse_row


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class EntryForm(BootstrapFormMixin, forms.Form):
    display_name = forms.CharField(
        label=_("Name on your certificate"),
        max_length=30,
        help_text=_(
            "As you want it printed. Leaderboards show it masked (李**) unless you tick below."
        ),
    )
    show_name = forms.BooleanField(label=_("Show my name on leaderboards"), required=False)
    region = RegionChoiceField(
        label=_("Province"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("For the regional leaderboards."),
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False
    )
    school = forms.CharField(
        label=_("School or unit"),
        max_length=60,
        required=False,
        help_text=_("Optional; only for your school's leaderboard."),
    )
    track = forms.ChoiceField(
        label=_("Track"), choices=Entry.Track.choices, initial=Entry.Track.GENERAL
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Only for the youth track, to check the age band. Nothing else is asked."),
    )

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            level=Region.Level.PROVINCE, is_active=True
        ).order_by("code")
        if not contest.youth_track:
            del self.fields["track"]
            del self.fields["birth_year"]

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year and year > timezone.localdate().year:
            raise forms.ValidationError(_("A year of birth cannot be in the future."))
        return year


class QuestionFileForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Question file"),
        help_text=_("XLSX, CSV (UTF-8 or GBK) or YAML, at most 2 MiB; columns as in an export."),
    )


class QuestionForm(BootstrapFormMixin, forms.Form):
    """One question as a person edits it; checked by the same rules as an imported row."""

    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"), choices=Difficulty.choices, coerce=int
    )
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    text_en = forms.CharField(
        label=_("Question (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    answer = forms.CharField(
        label=_("Right answer"),
        max_length=20,
        help_text=_("Option letters, e.g. B or A,C; T or F for true/false."),
    )
    explanation = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    explanation_en = forms.CharField(
        label=_("Explanation (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(label=_("Source"), required=False, max_length=300)

    def __init__(self, *args, question: Question, **kwargs):
        self.question = question
        super().__init__(*args, **kwargs)
        if question.kind != Question.Kind.TRUE_FALSE:
            for key in OPTION_KEYS:
                self.fields[f"option_{key.lower()}"] = forms.CharField(
                    label=_("Option %(key)s") % {"key": key}, required=False, max_length=500
                )
                self.fields[f"option_{key.lower()}_en"] = forms.CharField(
                    label=_("Option %(key)s (English)") % {"key": key},
                    required=False,
                    max_length=500,
                )
        # BootstrapFormMixin styled the fields present when it ran; style the new ones.
        for name, field in self.fields.items():
            if name.startswith("option_"):
                field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        row = {
            **{k: v for k, v in data.items()},
            "code": self.question.code,
            "kind": self.question.kind,
        }
        parsed, errors = parse_row(0, row)
        for error in errors:
            self.add_error(None, error.message)
        self.parsed = parsed
        return data


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ContestForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Contest
        fields = [
            "edition",
            "title",
            "title_en",
            "slug",
            "description",
            "description_en",
            "opens_at",
            "closes_at",
            "time_limit_minutes",
            "attempts_allowed",
            "pass_mark",
            "review_opens",
            "score_shown_at_once",
            "youth_track",
            "youth_min_age",
            "youth_max_age",
            "is_published",
        ]
        widgets = {"opens_at": DateTimeInput(), "closes_at": DateTimeInput()}

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("A contest must close after it opens."))
        return data

    def validate_unique(self):
        # The service checks the short name, in the same transaction as the save.
        pass

    def validate_constraints(self):
        # The database constraints are checked by `clean` and the service, with messages.
        pass


class PaperRuleForm(BootstrapFormMixin, forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", "—"), *Topic.choices], required=False)
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"),
        choices=[("", _("any")), *Difficulty.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    count = forms.IntegerField(label=_("Questions"), min_value=1, max_value=200, required=False)
    points = forms.IntegerField(
        label=_("Points each"), min_value=1, max_value=100, initial=5, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("topic") and not data.get("count"):
            self.add_error("count", _("How many questions of this topic?"))
        return data


PaperRuleFormSet = forms.formset_factory(PaperRuleForm, extra=0, max_num=12, absolute_max=12)


class StatsRegionForm(BootstrapFormMixin, forms.Form):
    region = forms.CharField(
        label=_("Region"),
        required=False,
        max_length=64,
        widget=RegionPickerInput(),
        help_text=_("A name in Chinese, pinyin or English, or a code. Empty: the whole country."),
    )
