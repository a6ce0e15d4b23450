from django.apps import apps
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.core.api_problems import CONTENT_TYPE as PROBLEM_CONTENT_TYPE
from cyberweek.core.api_problems import PROBLEM_TYPE_BASE
from cyberweek.core.errors import DomainError
from cyberweek.core.permissions import has_scope, may_take_somewhere, roles_of


class BadRequestOnInvalidFormMixin:
    """A form sent back with errors answers 400, so clients and tests can tell."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ServiceFormView(OrganiserRequiredMixin, BadRequestOnInvalidFormMixin, FormView):
    """An organiser form whose valid data goes to one service call.

    Subclasses implement `perform(form)` (call the service, return the saved object) and
    `get_success_url()`. A refusal from the service lands on the form: on the field it
    names, or above the form.
    """

    success_message = ""

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class DashboardView(OrganiserRequiredMixin, TemplateView):
    template_name = "core/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "roles": roles_of(user),
            "can_manage_programme": has_scope(user, action="programme.manage"),
            "can_appoint": may_take_somewhere(user, "accounts.grant_role"),
            # Each app may offer a card: `organiser_card` (a template) on its AppConfig.
            "app_cards": [
                c.organiser_card for c in apps.get_app_configs() if hasattr(c, "organiser_card")
            ],
        }


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        body = {
            "type": PROBLEM_TYPE_BASE + "not-found",
            "title": str(_("Not found")),
            "status": 404,
            "detail": str(_("Nothing is published at this address.")),
            "errors": [],
        }
        return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
    return render(request, "core/404.html", status=404)


def server_error(request):
    return render(request, "core/500.html", status=500)


def bad_request(request, exception=None):
    return render(request, "core/400.html", status=400)
