from django.urls import path

from . import organiser_views as v

# Part of /organiser/ (namespace "organiser"), see cyberweek/organiser_urls.py.
urlpatterns = [
    path("showcase/", v.ContestsView.as_view(), name="showcase_contests"),
    path("showcase/<int:pk>/screening/", v.ScreeningView.as_view(), name="showcase_screening"),
    path("showcase/<int:pk>/progress/", v.ProgressView.as_view(), name="showcase_progress"),
    path("showcase/<int:pk>/fraud/", v.FraudView.as_view(), name="showcase_fraud"),
]
