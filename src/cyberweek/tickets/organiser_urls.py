from django.urls import path

from . import organiser_views as views

# Part of /organiser/ (namespace "organiser"), see cyberweek/organiser_urls.py.
urlpatterns = [
    path("tickets/", views.OfferingListView.as_view(), name="tickets_list"),
    path("tickets/events/", views.OfficialEventsView.as_view(), name="tickets_events"),
    path(
        "tickets/events/<int:event_id>/",
        views.OpenEventRegistrationView.as_view(),
        name="tickets_open_event",
    ),
    path("tickets/<int:pk>/", views.AttendeesView.as_view(), name="tickets_attendees"),
    path("tickets/<int:pk>/close/", views.CloseRegistrationView.as_view(), name="tickets_close"),
    path("tickets/<int:pk>/check-in/", views.CheckInView.as_view(), name="tickets_check_in"),
    path(
        "tickets/<int:pk>/check-in/worker.js",
        views.CheckInWorkerView.as_view(),
        name="tickets_check_in_worker",
    ),
]
