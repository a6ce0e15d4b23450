from django.urls import path, re_path

from . import organiser_views as v

# Part of /organiser/ (namespace "organiser"), see cyberweek/organiser_urls.py.
urlpatterns = [
    path("activities/", v.ActivityListView.as_view(), name="activities_list"),
    path("activities/new/", v.ActivityCreateView.as_view(), name="activities_new"),
    path("activities/import/", v.ImportView.as_view(), name="activities_import"),
    path(
        "activities/import/template.xlsx",
        v.TemplateDownloadView.as_view(),
        name="activities_template",
    ),
    re_path(
        r"^activities/export\.(?P<kind>csv|xlsx)$",
        v.ExportView.as_view(),
        name="activities_export",
    ),
    path("activities/coverage/", v.CoverageView.as_view(), name="activities_coverage"),
    path("activities/reporting/", v.ReportingView.as_view(), name="activities_reporting"),
    path("activities/<int:pk>/", v.ActivityDetailView.as_view(), name="activities_detail"),
    path("activities/<int:pk>/edit/", v.ActivityEditView.as_view(), name="activities_edit"),
    path("activities/<int:pk>/submit/", v.SubmitView.as_view(), name="activities_submit"),
    path("activities/<int:pk>/review/", v.ReviewView.as_view(), name="activities_review"),
    path("activities/<int:pk>/held/", v.HeldView.as_view(), name="activities_held"),
    path("activities/<int:pk>/outcome/", v.OutcomeView.as_view(), name="activities_outcome"),
    path("activities/<int:pk>/verify/", v.VerifyView.as_view(), name="activities_verify"),
]
