"""Input forms of the micro-video contest's pages; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category


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
