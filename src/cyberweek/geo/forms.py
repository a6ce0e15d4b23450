"""The region picker: a text input tied to the page's `<datalist id="region-options">`
(geo/_region_datalist.html with `region_options`), so a browser offers regions as one types
a Chinese, English or pinyin name, with no script (the pages' CSP allows none inline)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .queries import find_region


class RegionPickerInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__(
            {
                "list": "region-options",
                "autocomplete": "off",
                "spellcheck": "false",
                **(attrs or {}),
            }
        )


class RegionField(forms.CharField):
    """A region typed with the picker: its code or a name, cleaned to the `Region` (None
    when left empty), refused when no current region matches."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Region"))
        kwargs.setdefault("help_text", _("Type a name in Chinese, pinyin or English, or a code."))
        super().__init__(max_length=64, widget=RegionPickerInput(), **kwargs)

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        region = find_region(text)
        if region is None:
            raise forms.ValidationError(_("Choose a current region from the list."))
        return region
