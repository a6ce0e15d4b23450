from django.urls import path

from . import organiser_views as v

# Part of /organiser/ (namespace "organiser"), see cyberweek/organiser_urls.py.
urlpatterns = [
    path("tipline/volunteers/", v.VolunteersView.as_view(), name="tipline_volunteers"),
    path(
        "tipline/volunteers/<int:pk>/dismiss/",
        v.DismissView.as_view(),
        name="tipline_volunteer_dismiss",
    ),
]
