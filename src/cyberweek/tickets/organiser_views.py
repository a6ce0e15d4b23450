"""The organiser area of registration: registrable events in one's scope, opening
registration for official events, the attendee list (personal data shown only with a
stated reason, each look logged) and the check-in page of the door."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.core import permissions_policy
from cyberweek.core.errors import DomainError
from cyberweek.core.reveal import Look, RevealMixin
from cyberweek.core.views import ServiceFormView
from cyberweek.programme.queries import current_edition, public_events

from . import queries, services, signing
from .forms import OpenRegistrationForm
from .models import Offering

MANAGE, CHECK_IN = "tickets.manage", "tickets.check_in"


class OfferingScopeMixin(OrganiserRequiredMixin):
    """A page about one offering: the actor's role must cover its region and sector."""

    required_action = CHECK_IN

    def get_scope(self):
        self.offering = get_object_or_404(
            Offering.objects.select_related("region"), pk=self.kwargs["pk"]
        )
        return {"region": self.offering.region, "sector": self.offering.sector or None}


class OfferingListView(OrganiserRequiredMixin, TemplateView):
    template_name = "tickets/organiser/list.html"
    required_action = CHECK_IN

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "offerings": queries.offerings_for_organiser(self.request.user, CHECK_IN)[:200],
        }


class NationalMixin(OrganiserRequiredMixin):
    required_action = MANAGE

    def get_scope(self):
        return {"region": None, "sector": None}


class OfficialEventsView(NationalMixin, TemplateView):
    """Events of the current edition, with their registration if it was opened."""

    template_name = "tickets/organiser/events.html"

    def get_context_data(self, **kwargs):
        edition = current_edition()
        events = list(public_events(edition)) if edition else []
        opened = {
            o.source_id: o
            for o in Offering.objects.filter(
                source=Offering.Source.EVENT, source_id__in=[e.pk for e in events]
            )
        }
        rows = [(event, opened.get(event.pk)) for event in events]
        return {**super().get_context_data(**kwargs), "edition": edition, "rows": rows}


class OpenEventRegistrationView(NationalMixin, ServiceFormView):
    template_name = "tickets/organiser/open_event.html"
    form_class = OpenRegistrationForm
    success_message = _("Registration is open.")

    def dispatch(self, request, *args, **kwargs):
        edition = current_edition()
        self.event = (
            public_events(edition).filter(pk=kwargs["event_id"]).first() if edition else None
        )
        if self.event is None:
            raise Http404
        self.offering = queries.offering_for(Offering.Source.EVENT, self.event.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.offering is None:
            return {"capacity": 100, "per_person_limit": 1}
        o = self.offering
        return {
            "capacity": o.capacity,
            "per_person_limit": o.per_person_limit,
            "closes_at": o.closes_at,
            "asks_name": o.asks_name,
            "asks_phone": o.asks_phone,
        }

    def event_over(self) -> bool:
        return self.event.ends_at <= timezone.now()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event_over": self.event_over()}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "event": self.event,
            "offering": self.offering,
            "event_over": self.event_over(),
        }

    def perform(self, form):
        event, room = self.event, self.event.room
        return services.open_registration(
            actor=self.request.user,
            source=Offering.Source.EVENT,
            source_id=event.pk,
            title=event.title,
            title_en=event.title_en,
            venue=" ".join(filter(None, [room.venue, room.name])) if room else "",
            venue_en=" ".join(filter(None, [room.venue_en, room.name_en])) if room else "",
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            **form.cleaned_data,
        )

    def get_success_url(self):
        return reverse("organiser:tickets_events")


class CloseRegistrationView(OfferingScopeMixin, View):
    required_action = MANAGE

    def post(self, request, pk):
        try:
            services.close_registration(
                actor=request.user, source=self.offering.source, source_id=self.offering.source_id
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Registration is closed; tickets stay valid."))
        return redirect("organiser:tickets_attendees", pk)


class AttendeesView(OfferingScopeMixin, RevealMixin, TemplateView):
    """Who registered, by arrival number. Names and mobile numbers (when the event asked
    for them) are shown only after the organiser states why; each shown person is
    written to the access log."""

    template_name = "tickets/organiser/attendees.html"
    required_action = MANAGE

    def registrations(self):
        if not hasattr(self, "_registrations"):
            self._registrations = list(queries.attendees(self.offering)[:2000])
        return self._registrations

    def personal_data_looks(self):
        return [
            Look(r.user, f"tickets.registration attendee details #{r.pk}")
            for r in self.registrations()
            if r.attendee_name or r.attendee_phone
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "offering": self.offering,
            "counts": queries.counts(self.offering),
            "registrations": self.registrations(),
            "reveal_intro": _("Names and numbers are hidden until you say why you need them."),
            "reveal_button": _("Show names and numbers"),
        }


@method_decorator(permissions_policy.allow(camera=["self"]), name="dispatch")
class CheckInView(OfferingScopeMixin, TemplateView):
    """The door: scan with the camera or type a code; verified in the browser with the
    public key, queued while offline, synced in batches, live counts. The one page that may
    use the camera (Permissions-Policy)."""

    template_name = "tickets/organiser/check_in.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "offering": self.offering,
            "counts": queries.counts(self.offering),
            "public_key": signing.public_key_raw_b64url(),
            "sync_url": f"/api/tickets/offerings/{self.offering.pk}/check-ins",
            "counts_url": f"/api/tickets/offerings/{self.offering.pk}/counts",
            "withdrawn_url": f"/api/tickets/offerings/{self.offering.pk}/withdrawn-tickets",
            "withdrawn": queries.withdrawn_codes(self.offering),
            "checked_in": queries.recent_check_in_codes(self.offering),
            "worker_url": reverse("organiser:tickets_check_in_worker", args=[self.offering.pk]),
        }


class CheckInWorkerView(OfferingScopeMixin, View):
    """The service worker that keeps the check-in page loadable offline. Served from the
    page's own folder, so its scope is that page."""

    def get(self, request, pk):
        page = reverse("organiser:tickets_check_in", args=[pk])
        body = render_to_string(
            "tickets/organiser/check_in_worker.js", {"page": page}, request=request
        )
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
        response["Cache-Control"] = "no-cache"
        return response
