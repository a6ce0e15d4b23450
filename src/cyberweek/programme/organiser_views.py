"""The organiser area for the official programme: national organisers only."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.core.errors import DomainError
from cyberweek.core.views import ServiceFormView

from . import services
from .forms import EditionForm, EventForm, RoomForm, SpeakerForm, ThemedDayForm
from .models import Edition, Event, Room, Speaker, ThemedDay


class ProgrammeOrganiserMixin(OrganiserRequiredMixin):
    """The official programme is national: the page's scope is the whole country."""

    required_action = services.MANAGE

    def get_scope(self):
        return {"region": None, "sector": None}


class EditionListView(ProgrammeOrganiserMixin, ListView):
    template_name = "programme/organiser/edition_list.html"
    queryset = Edition.objects.all()
    context_object_name = "editions"


class EditionDetailView(ProgrammeOrganiserMixin, DetailView):
    template_name = "programme/organiser/edition_detail.html"
    context_object_name = "edition"

    def get_object(self, queryset=None):
        return get_object_or_404(Edition, pk=self.kwargs["edition_id"])

    def get_context_data(self, **kwargs):
        edition = self.object
        return {
            **super().get_context_data(**kwargs),
            "themed_days": edition.themed_days.all(),
            "rooms": edition.rooms.all(),
            "speakers": edition.speakers.all(),
            "events": edition.events.select_related("room", "parent").order_by("starts_at"),
        }


class EditionFormView(ProgrammeOrganiserMixin, ServiceFormView):
    template_name = "programme/organiser/form.html"
    form_class = EditionForm
    success_message = _("The edition is saved.")

    def get_instance(self):
        edition_id = self.kwargs.get("edition_id")
        return get_object_or_404(Edition, pk=edition_id) if edition_id else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_instance()}

    def get_context_data(self, **kwargs):
        instance = self.get_instance()
        title = _("Edit edition") if instance else _("New edition")
        return {**super().get_context_data(**kwargs), "title": title, "edition": instance}

    def perform(self, form):
        edition_id = self.kwargs.get("edition_id")
        if edition_id:
            return services.update_edition(
                actor=self.request.user, edition_id=edition_id, data=form.cleaned_data
            )
        return services.create_edition(actor=self.request.user, data=form.cleaned_data)

    def get_success_url(self):
        return reverse("organiser:edition", args=[self.object.pk])


class EditionPartFormView(ProgrammeOrganiserMixin, ServiceFormView):
    """Create or edit one part of an edition (themed day, room, speaker, event)."""

    template_name = "programme/organiser/form.html"
    model = None
    id_kwarg = ""
    titles = ("", "")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.edition = get_object_or_404(Edition, pk=kwargs["edition_id"])
        part_id = kwargs.get(self.id_kwarg)
        self.instance = (
            get_object_or_404(self.model, pk=part_id, edition=self.edition) if part_id else None
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.instance}

    def get_context_data(self, **kwargs):
        title = self.titles[1] if self.instance else self.titles[0]
        return {
            **super().get_context_data(**kwargs),
            "title": title,
            "edition": self.edition,
            "instance": self.instance,
        }

    def get_success_url(self):
        return reverse("organiser:edition", args=[self.edition.pk])

    def service_kwargs(self):
        return {
            "actor": self.request.user,
            "edition_id": self.edition.pk,
            self.id_kwarg: self.instance.pk if self.instance else None,
        }


class ThemedDayFormView(EditionPartFormView):
    form_class = ThemedDayForm
    model = ThemedDay
    id_kwarg = "themed_day_id"
    titles = (_("New themed day"), _("Edit themed day"))
    success_message = _("The themed day is saved.")

    def perform(self, form):
        return services.save_themed_day(data=form.cleaned_data, **self.service_kwargs())


class RoomFormView(EditionPartFormView):
    form_class = RoomForm
    model = Room
    id_kwarg = "room_id"
    titles = (_("New room"), _("Edit room"))
    success_message = _("The room is saved.")

    def perform(self, form):
        return services.save_room(data=form.cleaned_data, **self.service_kwargs())


class SpeakerFormView(EditionPartFormView):
    form_class = SpeakerForm
    model = Speaker
    id_kwarg = "speaker_id"
    titles = (_("New speaker"), _("Edit speaker"))
    success_message = _("The speaker is saved.")

    def perform(self, form):
        return services.save_speaker(data=form.cleaned_data, **self.service_kwargs())


class EventFormView(EditionPartFormView):
    form_class = EventForm
    model = Event
    id_kwarg = "event_id"
    titles = (_("New event"), _("Edit event"))
    success_message = _("The event is saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "edition": self.edition}

    def get_initial(self):
        if self.instance:
            return {}
        # Start a new event on the edition's first morning rather than a blank field.
        return {
            "starts_at": f"{self.edition.starts_on}T09:00",
            "ends_at": f"{self.edition.starts_on}T10:00",
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        speakers = list(data.pop("speakers", []))
        return services.save_event(data=data, speakers=speakers, **self.service_kwargs())


class DeleteView(ProgrammeOrganiserMixin, DetailView):
    """Ask, then delete a themed day or event through its service."""

    template_name = "programme/organiser/confirm_delete.html"
    http_method_names = ["get", "post"]
    model = None
    delete_service = None
    id_kwarg = ""

    def get_object(self, queryset=None):
        return get_object_or_404(
            self.model, pk=self.kwargs["pk"], edition_id=self.kwargs["edition_id"]
        )

    def post(self, request, *args, **kwargs):
        target = self.get_object()
        try:
            type(self).delete_service(actor=request.user, **{self.id_kwarg: target.pk})
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Deleted."))
        return redirect("organiser:edition", target.edition_id)


class ThemedDayDeleteView(DeleteView):
    model = ThemedDay
    id_kwarg = "themed_day_id"
    delete_service = services.delete_themed_day


class EventDeleteView(DeleteView):
    model = Event
    id_kwarg = "event_id"
    delete_service = services.delete_event
