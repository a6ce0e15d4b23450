from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from cyberweek.core import rate_limits
from cyberweek.core.forms import BootstrapFormMixin
from cyberweek.core.rate_limits import client_ip
from cyberweek.geo.models import Sector

from .identifiers import sign_in_key
from .models import OrganiserRole


class CredentialsForm(BootstrapFormMixin, forms.Form):
    identifier = forms.CharField(
        label=_("Email address or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SignUpForm(CredentialsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        password = self.fields["password"]
        password.widget.attrs["autocomplete"] = "new-password"
        password.help_text = _("At least 10 characters, not only digits, not a common password.")


class SignInForm(CredentialsForm):
    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        identifier = sign_in_key(data["identifier"])
        ip = client_ip(self.request)
        window = settings.LOGIN_LIMIT_WINDOW
        # Every attempt from an address counts against a ceiling high enough for a classroom
        # behind one address; failures count per address and per account, so only guessing
        # locks anything, and only the account guessed at.
        verdicts = [
            rate_limits.hit("login-ip", ip, limit=settings.LOGIN_LIMIT_PER_IP, window=window),
            rate_limits.peek(
                "login-fail-ip", ip, limit=settings.LOGIN_FAILURE_LIMIT_PER_IP, window=window
            ),
            rate_limits.peek(
                "login-fail", identifier, limit=settings.LOGIN_LIMIT_PER_ACCOUNT, window=window
            ),
        ]
        if not all(verdict.allowed for verdict in verdicts):
            minutes = max(verdict.retry_after for verdict in verdicts) // 60 + 1
            raise forms.ValidationError(
                _("Too many sign-in attempts. Try again in %(minutes)s minutes.")
                % {"minutes": minutes},
                code="throttled",
            )
        self.user = authenticate(self.request, username=identifier, password=data["password"])
        if self.user is None:
            rate_limits.hit_all(
                [
                    ("login-fail", identifier, settings.LOGIN_LIMIT_PER_ACCOUNT),
                    ("login-fail-ip", ip, settings.LOGIN_FAILURE_LIMIT_PER_IP),
                ],
                window=window,
            )
            raise forms.ValidationError(
                _("The email address or mobile number and password do not match."),
                code="invalid_login",
            )
        return data


class TokenForm(BootstrapFormMixin, forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class SignUpCodeForm(BootstrapFormMixin, forms.Form):
    code = forms.RegexField(
        label=_("Six-digit code we sent you"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits of the code we sent you.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class GrantRoleForm(BootstrapFormMixin, forms.Form):
    identifier = forms.CharField(
        label=_("Email address or mobile number of the person"),
        max_length=254,
        help_text=_("The person signs up first; roles are given to existing accounts."),
    )
    level = forms.ChoiceField(label=_("Level"), choices=OrganiserRole.Level.choices)
    region_code = forms.RegexField(
        label=_("Region code"),
        regex=r"^\d{6}$",
        help_text=_("The six-digit GB/T 2260 code, e.g. 120101 for Heping District, Tianjin."),
        error_messages={"invalid": _("Enter the six-digit region code.")},
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("All sectors")), *Sector.choices], required=False
    )
    unit_name = forms.CharField(label=_("Unit"), max_length=120, required=False)
