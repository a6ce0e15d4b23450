import secrets
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from django_otp import devices_for_user
from django_otp import login as otp_login

from cyberweek.core import rate_limits
from cyberweek.core.errors import DomainError, PermissionDenied
from cyberweek.core.rate_limits import client_ip
from cyberweek.core.views import BadRequestOnInvalidFormMixin

from . import services
from .forms import SignInForm, SignUpCodeForm, SignUpForm, TokenForm
from .identifiers import looks_like_email
from .mixins import needs_second_factor, second_factor_url


def _next_url(request, default="programme:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return redirect(default).url


PENDING_SIGN_UP = "accounts.pending_sign_up"


class SignUpView(BadRequestOnInvalidFormMixin, FormView):
    """Start a sign-up; the same answer whether or not the address has an account: go and
    enter the code we sent."""

    template_name = "accounts/signup.html"
    form_class = SignUpForm

    def form_valid(self, form):
        verdict = rate_limits.hit(
            "signup-ip", client_ip(self.request), limit=settings.SIGNUP_LIMIT_PER_IP, window=3600
        )
        if not verdict.allowed:
            form.add_error(None, _("Too many sign-ups from this network. Try again later."))
            return self.form_invalid(form)
        identifier = form.cleaned_data["identifier"].strip()
        key = "email" if looks_like_email(identifier) else "mobile"
        earlier = self.request.session.get(PENDING_SIGN_UP) or {}
        nonce = earlier.get("nonce") or secrets.token_urlsafe(16)
        try:
            pending = services.sign_up(
                password=form.cleaned_data["password"], nonce=nonce, **{key: identifier}
            )
        except DomainError as error:
            form.add_error("password" if error.field == "password" else "identifier", error.message)
            return self.form_invalid(form)
        self.request.session[PENDING_SIGN_UP] = {
            "identifier": pending.identifier,
            "nonce": nonce,
            "next": _next_url(self.request),
        }
        return redirect("accounts:signup_confirm")


class SignUpConfirmView(BadRequestOnInvalidFormMixin, FormView):
    """Enter the code sent to the address; or ask for a new one."""

    template_name = "accounts/signup_confirm.html"
    form_class = SignUpCodeForm

    def dispatch(self, request, *args, **kwargs):
        self.pending = request.session.get(PENDING_SIGN_UP)
        if not self.pending:
            return redirect("accounts:signup")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "identifier": self.pending["identifier"]}

    def post(self, request, *args, **kwargs):
        if "resend" in request.POST:
            services.resend_sign_up_code(
                identifier=self.pending["identifier"], nonce=self.pending["nonce"]
            )
            messages.info(
                request,
                _("If a new code is due, it is on its way. Codes go out at most once a minute."),
            )
            return redirect("accounts:signup_confirm")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            user = services.confirm_sign_up(
                identifier=self.pending["identifier"],
                nonce=self.pending["nonce"],
                code=form.cleaned_data["code"],
            )
        except DomainError as error:
            form.add_error("code", error.message)
            return self.form_invalid(form)
        del self.request.session[PENDING_SIGN_UP]
        login(self.request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(self.request, _("Welcome! Your account is ready."))
        return redirect(self.pending["next"])


class SignInView(BadRequestOnInvalidFormMixin, FormView):
    template_name = "accounts/login.html"
    form_class = SignInForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": self.request.GET.get("next", "")}

    def form_valid(self, form):
        user = form.user
        login(self.request, user)
        next_url = _next_url(self.request)
        if needs_second_factor(user):
            return redirect(second_factor_url(user, next_url=next_url))
        return redirect(next_url)


@require_POST
def sign_out(request):
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@method_decorator(login_required, name="dispatch")
class TotpSetupView(View):
    """Show a QR code for an authenticator app, then confirm it with a first code.

    A password alone opens this page only for an organiser with no authenticator yet; one
    who has an authenticator enters its code first (the service holds the rule)."""

    template_name = "accounts/otp_setup.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied as error:
            # Refused with an authenticator on the account: its code comes first.
            if any(True for _ in devices_for_user(request.user, confirmed=True)):
                messages.info(request, error.message)
                return redirect(second_factor_url(request.user, next_url=_next_url(request)))
            return render(request, "core/forbidden.html", {"message": error.message}, status=403)

    def get(self, request):
        device = services.start_totp_enrolment(
            user=request.user, session_verified=request.user.is_verified()
        )
        return self._render(request, device, TokenForm())

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                device = services.confirm_totp_enrolment(
                    user=request.user,
                    token=form.cleaned_data["token"],
                    session_verified=request.user.is_verified(),
                )
            except PermissionDenied:
                raise  # dispatch answers it
            except DomainError as error:
                form.add_error("token", error.message)
            else:
                otp_login(request, device)
                messages.success(request, _("Two-factor sign-in is on for your account."))
                return redirect(_next_url(request, "organiser:dashboard"))
        device = request.user.totpdevice_set.filter(confirmed=False).first()
        if device is None:
            device = services.start_totp_enrolment(
                user=request.user, session_verified=request.user.is_verified()
            )
        return self._render(request, device, form, status=400)

    def _render(self, request, device, form, status=200):
        qr = segno.make(device.config_url, error="m")
        context = {
            "form": form,
            "qr_svg": qr.svg_inline(scale=5),
            "secret": b32encode(device.bin_key).decode(),
            "next": request.GET.get("next") or request.POST.get("next", ""),
        }
        return render(request, self.template_name, context, status=status)


@method_decorator(login_required, name="dispatch")
class TotpVerifyView(BadRequestOnInvalidFormMixin, FormView):
    template_name = "accounts/otp_verify.html"
    form_class = TokenForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": self.request.GET.get("next", "")}

    def form_valid(self, form):
        token = form.cleaned_data["token"].strip()
        for device in devices_for_user(self.request.user, confirmed=True):
            if device.verify_token(token):
                otp_login(self.request, device)
                return redirect(_next_url(self.request, "organiser:dashboard"))
        form.add_error("token", _("That code is not right. Check the clock on your phone."))
        return self.form_invalid(form)
