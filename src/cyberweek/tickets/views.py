"""The participant's pages: register, see the ticket, cancel, list my tickets."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.generic import FormView, TemplateView

from cyberweek.core.errors import DomainError
from cyberweek.core.views import BadRequestOnInvalidFormMixin

from . import queries, services, signing
from .forms import RegistrationForm
from .models import Offering, Registration
from .qr import ticket_svg


@cache_control(public=True, max_age=3600)
def public_key(request):
    """What a door device needs to verify tickets offline."""
    return JsonResponse(
        {
            "algorithm": "Ed25519",
            "format": signing.PREFIX,
            "key": signing.public_key_raw_b64url(),
            "pem": signing.public_key_pem(),
        }
    )


class RegisterView(LoginRequiredMixin, BadRequestOnInvalidFormMixin, FormView):
    template_name = "tickets/register.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        self.offering = get_object_or_404(Offering, pk=kwargs["offering_id"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        existing = queries.active_registration(self.offering, request.user)
        if existing is not None:
            messages.info(request, _("You are already registered for this event."))
            return redirect("tickets:ticket", existing.pk)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "offering": self.offering}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "offering": self.offering,
            "closed_reason": self.offering.closed_reason(),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            registration = services.register(
                actor=self.request.user,
                offering_id=self.offering.pk,
                seats=data.get("seats") or 1,
                name=data.get("name", ""),
                phone=data.get("phone", ""),
            )
        except services.AlreadyRegistered as error:
            messages.info(self.request, error.message)
            return redirect("tickets:ticket", error.registration.pk)
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            return self.form_invalid(form)
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(self.request, _("You are registered. Here is your ticket."))
        else:
            messages.info(
                self.request, _("The event is full: you are on the waiting list, in order.")
            )
        return redirect("tickets:ticket", registration.pk)


class TicketView(LoginRequiredMixin, TemplateView):
    template_name = "tickets/ticket.html"

    def get_context_data(self, **kwargs):
        registration = queries.registration_of(self.request.user, self.kwargs["pk"])
        if registration is None:
            raise Http404
        context = {"registration": registration, "offering": registration.offering}
        if registration.status == Registration.Status.CONFIRMED:
            payload = signing.sign_ticket(
                code=registration.code,
                offering_id=registration.offering_id,
                seats=registration.seats,
            )
            context["payload"] = payload
            context["qr_svg"] = ticket_svg(payload, title=_("Ticket QR code"))
        elif registration.status == Registration.Status.WAITLISTED:
            context["rank"] = queries.waitlist_rank(registration)
        return {**super().get_context_data(**kwargs), **context}


class CancelView(LoginRequiredMixin, View):
    """Cancelling takes two steps: this page asks, its form confirms (a click on the
    ticket page alone cancels nothing)."""

    def get(self, request, pk):
        registration = queries.registration_of(request.user, pk)
        if registration is None:
            raise Http404
        if not registration.is_active or registration.checked_in_at:
            return redirect("tickets:ticket", pk)
        context = {"registration": registration, "offering": registration.offering}
        return render(request, "tickets/cancel_confirm.html", context)

    def post(self, request, pk):
        if request.POST.get("confirmed") != "1":
            return self.get(request, pk)
        try:
            registration = services.cancel_registration(actor=request.user, registration_id=pk)
        except DomainError as error:
            if error.status == 404:
                raise Http404 from error
            messages.error(request, error.message)
            return redirect("tickets:ticket", pk)
        messages.success(
            request,
            _("Your registration for %(title)s is cancelled.")
            % {"title": registration.offering.title},
        )
        return redirect("tickets:mine")


class MyTicketsView(LoginRequiredMixin, TemplateView):
    template_name = "tickets/mine.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "registrations": queries.my_registrations(self.request.user),
        }
