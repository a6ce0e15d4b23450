from django import forms
from django.utils.translation import gettext_lazy as _

from cyberweek.core.forms import BootstrapFormMixin

from .models import DataSubjectRequest, Purpose

# The self-check reads text and the text of office documents; anything else is refused.
SELF_CHECK_MAX_BYTES = 2 * 1024 * 1024
SELF_CHECK_MAX_CHARS = 200_000


class CorrectAccountForm(BootstrapFormMixin, forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=60, required=False)
    email = forms.CharField(label=_("Email address"), max_length=254, required=False)
    mobile = forms.CharField(label=_("Mobile number"), max_length=30, required=False)


class DeleteAccountForm(BootstrapFormMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and what it holds will be deleted for good.")
    )


class SelfCheckForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Text to check"),
        required=False,
        max_length=SELF_CHECK_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("A message, a form, a post you are about to publish."),
    )
    file = forms.FileField(
        label=_("Or a file"),
        required=False,
        help_text=_("Text, CSV, JSON lines, .docx, .xlsx or .pdf, up to 2 MB."),
    )

    style = forms.ChoiceField(
        label=_("Redacted copy"),
        choices=[
            ("mask", _("Mask: 138****5678")),
            ("tag", _("Type tag: <CN_MOBILE>")),
            ("pseudonym", _("Pseudonym: the same value, the same code")),
        ],
        initial="mask",
        required=False,
        widget=forms.RadioSelect,
        help_text=_("How the copy without the personal information replaces what is found."),
    )

    def clean_style(self):
        return self.cleaned_data.get("style") or "mask"

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > SELF_CHECK_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("text", "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Paste some text or choose a file."))
        return data


class RequestForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Request"), choices=DataSubjectRequest.Kind.choices)
    requester_contact = forms.CharField(
        label=_("How to reach the requester"),
        max_length=200,
        help_text=_("The address, number or postal address the request came from."),
    )
    subject_identifier = forms.CharField(
        label=_("Email address or mobile number of the account, if known"),
        max_length=254,
        required=False,
    )
    details = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )


class RequestUpdateForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=DataSubjectRequest.Status.choices)
    resolution = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )


class NoticeForm(BootstrapFormMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    text = forms.CharField(
        label=_("Notice"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )
    text_en = forms.CharField(
        label=_("Notice (English)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
