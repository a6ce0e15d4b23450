from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("my-data.json", views.export_json, name="export"),
    path("consent/<str:purpose>/<str:action>/", views.consent, name="consent"),
    path("account/", views.CorrectAccountView.as_view(), name="correct"),
    path("delete/", views.DeleteAccountView.as_view(), name="delete"),
    path("check/", views.SelfCheckView.as_view(), name="self_check"),
]
