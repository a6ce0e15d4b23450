"""The privacy centre (a person and their data) and the public self-check."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from cyberweek.core.errors import DomainError
from cyberweek.core.rate_limits import client_ip
from cyberweek.core.views import BadRequestOnInvalidFormMixin

from . import services
from .forms import CorrectAccountForm, DeleteAccountForm, SelfCheckForm
from .models import Purpose
from .presentation import readable_sources
from .self_check import check_text, count_check, text_of_upload


@login_required
def centre(request):
    data = services.export_personal_data(request.user)
    return render(
        request,
        "privacy/centre.html",
        {
            "sources": readable_sources(data),
            "consents": services.consent_overview(request.user),
        },
    )


@login_required
def export_json(request):
    body = json.dumps(services.export_personal_data(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cyberweek-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def consent(request, purpose: str, action: str):
    if purpose not in Purpose.values or action not in {"give", "withdraw"}:
        return render(request, "core/400.html", status=400)
    try:
        if action == "give":
            services.give_consent(user=request.user, purpose=purpose)
            messages.success(request, _("Thank you. You can withdraw this at any time."))
        else:
            services.withdraw_consent(user=request.user, purpose=purpose)
            messages.success(request, _("Withdrawn. We no longer use your data for this."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("privacy:centre")


@method_decorator(login_required, name="dispatch")
class CorrectAccountView(BadRequestOnInvalidFormMixin, FormView):
    template_name = "privacy/correct.html"
    form_class = CorrectAccountForm

    def get_initial(self):
        user = self.request.user
        return {
            "display_name": user.display_name,
            "email": user.email or "",
            "mobile": user.mobile or "",
        }

    def form_valid(self, form):
        try:
            services.correct_account(user=self.request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Your details are updated."))
        return redirect("privacy:centre")


@method_decorator(login_required, name="dispatch")
class DeleteAccountView(BadRequestOnInvalidFormMixin, FormView):
    template_name = "privacy/delete.html"
    form_class = DeleteAccountForm

    def form_valid(self, form):
        user = self.request.user
        try:
            receipt = services.delete_account(user=user, password=form.cleaned_data["password"])
        except DomainError as error:
            form.add_error("password", error.message)
            return self.form_invalid(form)
        logout(self.request)
        return render(self.request, "privacy/deleted.html", {"receipt": receipt})


@method_decorator(never_cache, name="dispatch")
class SelfCheckView(BadRequestOnInvalidFormMixin, FormView):
    """Paste text or upload a file; see what it exposes. Nothing is kept."""

    template_name = "privacy/self_check.html"
    form_class = SelfCheckForm

    def form_valid(self, form):
        try:
            count_check(client_ip(self.request))
            upload = form.cleaned_data.get("file")
            text = text_of_upload(upload) if upload else form.cleaned_data["text"]
        except DomainError as error:
            form.add_error("file" if error.field == "file" else None, error.message)
            return self.form_invalid(form)
        result = check_text(text, form.cleaned_data["style"])
        if self.request.POST.get("download"):
            # The redacted copy as a file, made from this request alone: nothing is kept.
            response = HttpResponse(result.redacted, content_type="text/plain; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="redacted.txt"'
            return response
        return self.render_to_response(self.get_context_data(form=form, result=result))
