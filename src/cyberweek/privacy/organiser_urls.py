from django.urls import path

from . import organiser_views as v

# Part of /organiser/ (namespace "organiser"), see cyberweek/organiser_urls.py.
urlpatterns = [
    path("privacy/requests/", v.RequestListView.as_view(), name="privacy_requests"),
    path("privacy/requests/new/", v.RequestCreateView.as_view(), name="privacy_request_new"),
    path("privacy/requests/<int:pk>/", v.RequestDetailView.as_view(), name="privacy_request"),
    path("privacy/notices/", v.NoticeView.as_view(), name="privacy_notices"),
    path("privacy/access-log/", v.AccessLogView.as_view(), name="privacy_access_log"),
]
