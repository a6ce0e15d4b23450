from django.urls import path

from . import organiser_views as views

urlpatterns = [
    path("insights/", views.DashboardView.as_view(), name="insights"),
    path("insights/data.json", views.DashboardDataView.as_view(), name="insights_data"),
    path("insights/reports/", views.ReportRequestView.as_view(), name="insights_report_request"),
    path("insights/reports/<int:pk>/", views.ReportStatusView.as_view(), name="insights_report"),
    path(
        "insights/reports/<int:pk>/download",
        views.ReportDownloadView.as_view(),
        name="insights_report_download",
    ),
    path("insights/subscriptions/", views.SubscriptionView.as_view(), name="insights_subscribe"),
    path(
        "insights/subscriptions/<int:pk>/delete",
        views.UnsubscribeView.as_view(),
        name="insights_unsubscribe",
    ),
]
