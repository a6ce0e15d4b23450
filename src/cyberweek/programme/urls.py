from django.urls import path

from . import views

app_name = "programme"
urlpatterns = [
    path("", views.home, name="home"),
    path("editions/", views.edition_list, name="editions"),
    path("editions/<int:year>/", views.programme, name="programme"),
    path("editions/<int:year>/programme.ics", views.programme_ics, name="programme_ics"),
    path("editions/<int:year>/events/<slug:slug>/", views.event_detail, name="event"),
    path("editions/<int:year>/events/<slug:slug>.ics", views.event_ics, name="event_ics"),
]
