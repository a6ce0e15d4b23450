"""Input forms of the micro-video contest's pages; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cyberweek.core.forms import BootstrapFormMixin, DateTimeLocalInput

from .contest_setup import CONTEST_FIELDS, FORMATS
from .models import Category, Report, VideoContest


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=80)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea
    )
    category = forms.ChoiceField(label=_("Category"))
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    display_name = forms.CharField(label=_("Name shown with the entry"), max_length=30)
    show_name = forms.BooleanField(
        label=_("Show my full name (otherwise it is shown masked, like 李**)"), required=False
    )

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c, Category(c).label) for c in contest.categories]
        self.fields["theme"].choices = [("", "—")] + [(t, t) for t in contest.theme_list()]


class CaptionsForm(forms.Form):
    captions = forms.FileField(label=_("Captions (WebVTT, .vtt)"))


class MobileForm(forms.Form):
    mobile = forms.CharField(label=_("Mobile number"), max_length=20)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=6, min_length=6)


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the organisers"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, criteria, initial=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name} (×{criterion.weight}, 0–{criterion.max_score})",
                min_value=0,
                max_value=criterion.max_score,
                initial=(initial or {}).get(criterion.pk),
            )

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("return", _("Return")), ("reject", _("Reject"))]
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Why is this vote void?"), max_length=200)


class ReportForm(BootstrapFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=Report.Reason.choices)
    details = forms.CharField(
        label=_("Details for the organisers (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseReportForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Report.Outcome.DISMISSED, _("Dismiss the report")),
            (Report.Outcome.RETURNED, _("Return the entry to its entrant")),
            (Report.Outcome.REJECTED, _("Reject the entry")),
        ],
    )
    note = forms.CharField(label=_("Note (told to the entrant)"), required=False, max_length=300)


class ContestForm(BootstrapFormMixin, forms.ModelForm):
    """The organiser's contest form: types only; the rules are `contest_setup.save_contest`'s."""

    categories = forms.MultipleChoiceField(
        label=_("Categories"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    formats = forms.MultipleChoiceField(
        label=_("Accepted formats"),
        choices=[(f, f) for f in FORMATS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = VideoContest
        fields = CONTEST_FIELDS
        widgets = {
            name: DateTimeLocalInput()
            for name in (
                "submission_opens_at",
                "submission_closes_at",
                "voting_opens_at",
                "voting_closes_at",
            )
        }

    def validate_unique(self):
        # The service checks the short name, in the same transaction as the save.
        pass

    def validate_constraints(self):
        # The service checks the windows and weights, with a message for each.
        pass


class CriterionForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=80)
    description = forms.CharField(label=_("What judges look for"), required=False, max_length=2000)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)
    max_score = forms.IntegerField(label=_("Highest score"), min_value=1, max_value=100, initial=10)


class JudgeForm(BootstrapFormMixin, forms.Form):
    judge_email = forms.EmailField(label=_("The judge's email address (their account)"))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c, Category(c).label) for c in contest.categories]
