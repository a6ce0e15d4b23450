from django import forms
from django.utils.translation import gettext_lazy as _

from cyberweek.core.forms import BootstrapFormMixin
from cyberweek.geo.models import Region

from .models import Report, Vote
from .services.evidence import MAX_IMAGES
from .services.intake import MAX_TEXT_CHARS

# Which observable fields each kind of report asks for (the service decides which are needed).
FIELDS_BY_KIND = {
    Report.Kind.PHISHING: ("link",),
    Report.Kind.FRAUD_PHONE: ("phone", "qq", "wechat"),
    Report.Kind.FAKE_APP: ("link",),
    Report.Kind.DATA_LEAK: ("link",),
    Report.Kind.OTHER: ("link", "phone", "qq", "wechat"),
}


def region_choices(*, prefectures: bool = False):
    levels = [Region.Level.PROVINCE] + ([Region.Level.PREFECTURE] if prefectures else [])
    rows = Region.objects.filter(level__in=levels, is_active=True).order_by("path")
    return [
        (r.code, ("— " if r.level == Region.Level.PREFECTURE else "") + r.display_name)
        for r in rows
    ]


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    widget = MultipleImageInput

    def clean(self, data, initial=None):
        files = [f for f in (data or []) if f] if isinstance(data, list | tuple) else []
        if data and not isinstance(data, list | tuple):
            files = [data]
        if len(files) > MAX_IMAGES:
            raise forms.ValidationError(_("Attach at most %(n)s screenshots.") % {"n": MAX_IMAGES})
        return files


class ReportForm(BootstrapFormMixin, forms.Form):
    region = forms.ChoiceField(
        label=_("Where are you?"),
        required=False,
        help_text=_("Your province, so volunteers near you check it. You may leave it out."),
    )
    link = forms.CharField(
        label=_("The link"),
        required=False,  # no max_length: the service refuses a long link and says why
        help_text=_("Paste it as you received it. We never open it."),
    )
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=100)
    qq = forms.CharField(label=_("QQ number"), required=False, max_length=100)
    wechat = forms.CharField(label=_("WeChat ID"), required=False, max_length=100)
    text = forms.CharField(
        label=_("What happened?"),
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Names, phone numbers, ID and bank card numbers you write here are masked before "
            "any volunteer reads it."
        ),
    )
    evidence = ImagesField(
        label=_("Screenshots"),
        required=False,
        help_text=_("Up to 5 images (PNG, JPEG, WebP, GIF). We redraw them to remove hidden data."),
    )
    pow_challenge = forms.CharField(required=False, widget=forms.HiddenInput)
    pow_nonce = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Prefer not to say")), *region_choices()]
        for name in ("link", "phone", "qq", "wechat"):
            if name not in FIELDS_BY_KIND[kind]:
                del self.fields[name]
        if kind == Report.Kind.FAKE_APP:
            self.fields["link"].label = _("Download link, or the link in the QR code")
        if kind == Report.Kind.DATA_LEAK:
            self.fields["link"].label = _("Where the data is published (link)")
        self.fields["evidence"].widget.attrs["accept"] = "image/png,image/jpeg,image/webp,image/gif"


class ReceiptForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=40)


class LookupForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Link, phone number, QQ number or WeChat ID"),
        max_length=2100,
    )


class CommentForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DuplicateForm(BootstrapFormMixin, forms.Form):
    original = forms.IntegerField(label=_("Number of the first report"), min_value=1)


class VoteForm(BootstrapFormMixin, forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=Vote.Choice.choices)


class RecruitForm(BootstrapFormMixin, forms.Form):
    email = forms.EmailField(label=_("Email address of their account"))
    region = forms.ChoiceField(label=_("Region they triage"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        country = Region.objects.filter(level=Region.Level.COUNTRY).first()
        national = [(country.code, country.display_name)] if country else []
        self.fields["region"].choices = national + region_choices(prefectures=True)
