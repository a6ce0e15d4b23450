from django.urls import path

from . import organiser_views as v

# Part of /organiser/ (namespace "organiser"), see cyberweek/organiser_urls.py.
urlpatterns = [
    path("editions/", v.EditionListView.as_view(), name="editions"),
    path("editions/new/", v.EditionFormView.as_view(), name="edition_new"),
    path("editions/<int:edition_id>/", v.EditionDetailView.as_view(), name="edition"),
    path("editions/<int:edition_id>/edit/", v.EditionFormView.as_view(), name="edition_edit"),
    path("editions/<int:edition_id>/days/new/", v.ThemedDayFormView.as_view(), name="day_new"),
    path(
        "editions/<int:edition_id>/days/<int:themed_day_id>/",
        v.ThemedDayFormView.as_view(),
        name="day_edit",
    ),
    path(
        "editions/<int:edition_id>/days/<int:pk>/delete/",
        v.ThemedDayDeleteView.as_view(),
        name="day_delete",
    ),
    path("editions/<int:edition_id>/rooms/new/", v.RoomFormView.as_view(), name="room_new"),
    path(
        "editions/<int:edition_id>/rooms/<int:room_id>/", v.RoomFormView.as_view(), name="room_edit"
    ),
    path(
        "editions/<int:edition_id>/speakers/new/", v.SpeakerFormView.as_view(), name="speaker_new"
    ),
    path(
        "editions/<int:edition_id>/speakers/<int:speaker_id>/",
        v.SpeakerFormView.as_view(),
        name="speaker_edit",
    ),
    path("editions/<int:edition_id>/events/new/", v.EventFormView.as_view(), name="event_new"),
    path(
        "editions/<int:edition_id>/events/<int:event_id>/",
        v.EventFormView.as_view(),
        name="event_edit",
    ),
    path(
        "editions/<int:edition_id>/events/<int:pk>/delete/",
        v.EventDeleteView.as_view(),
        name="event_delete",
    ),
]
