"""The region picker: a text input tied to the page's `<datalist id="region-options">`
(geo/_region_datalist.html with `region_options`), so a browser offers regions as one types
a Chinese, English or pinyin name, with no script (the pages' CSP allows none inline)."""

from django import forms


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
