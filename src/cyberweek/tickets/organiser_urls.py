from django.urls import path  # noqa: F401

# Part of /organiser/ (namespace "organiser"), see cyberweek/organiser_urls.py.
urlpatterns = []
