import sys

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.core import outages, outbox
from cyberweek.core.api_problems import problem_response
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
            # Every broken rule the service names, each on its field (or above the form).
            for name, message in getattr(error, "errors", None) or [(error.field, error.message)]:
                form.add_error(name if name in form.fields else None, message)
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
            "can_manage_outbox": has_scope(user, action=outbox.MANAGE),
            # Each app may offer a card: `organiser_card` (a template) on its AppConfig.
            "app_cards": [
                c.organiser_card for c in apps.get_app_configs() if hasattr(c, "organiser_card")
            ],
        }


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return problem_response(
            status=404,
            slug="not-found",
            title=_("Not found"),
            detail=_("Nothing is published at this address."),
        )
    return render(request, "core/404.html", status=404)


def server_error(request):
    """Django's last resort. A shared service that is down (PostgreSQL, Redis) is not a bug
    in the request: it answers 503 with Retry-After, so clients and load balancers retry."""
    if outages.is_outage(sys.exc_info()[1]):
        return _service_unavailable(request)
    if request.path.startswith("/api/"):
        return problem_response(
            status=500,
            slug="server-error",
            title=_("Server error"),
            detail=_("The error has been recorded. Please try again shortly."),
        )
    return render(request, "core/500.html", status=500)


def _service_unavailable(request):
    if request.path.startswith("/api/"):
        response = problem_response(
            status=503,
            slug="service-unavailable",
            title=_("Service unavailable"),
            detail=_("A service the platform relies on is not answering. Try again shortly."),
        )
    else:
        # Rendered without a request: the context processors would ask the database.
        response = HttpResponse(render_to_string("core/503.html"), status=503)
    response["Retry-After"] = str(outages.RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception=None):
    """Malformed requests, and bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (Django raises
    RequestDataTooBig while reading them): a problem document on the API, a page elsewhere."""
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            return problem_response(
                status=413,
                slug="body-too-large",
                title=_("The request body is too large"),
                detail=_("Send at most %(size)s bytes.")
                % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
            )
        return problem_response(
            status=400,
            slug="bad-request",
            title=_("Bad request"),
            detail=_("The request could not be understood. Check the address and try again."),
        )
    return render(request, "core/400.html", status=400)
