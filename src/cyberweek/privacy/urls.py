from django.urls import path

from cyberweek.core.request_guards import body_limit

from . import views
from .self_check import SELF_CHECK_MAX_BODY

app_name = "privacy"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("my-data.json", views.export_json, name="export"),
    path("consent/<str:purpose>/<str:action>/", views.consent, name="consent"),
    path("account/", views.CorrectAccountView.as_view(), name="correct"),
    path("delete/", views.DeleteAccountView.as_view(), name="delete"),
    # The declared size is refused before the CSRF check reads (and spools) the body.
    path(
        "check/",
        body_limit(SELF_CHECK_MAX_BODY)(views.SelfCheckView.as_view()),
        name="self_check",
    ),
]
