"""The organiser area, /organiser/: each app adds its pages under one namespace."""

from django.urls import path

from cyberweek.accounts import organiser_urls as accounts_pages
from cyberweek.activities import organiser_urls as activities_pages
from cyberweek.campaigns import organiser_urls as campaigns_pages
from cyberweek.core.organiser_views import OutboxView
from cyberweek.core.views import DashboardView
from cyberweek.ctf import organiser_urls as ctf_pages
from cyberweek.insights import organiser_urls as insights_pages
from cyberweek.privacy import organiser_urls as privacy_pages
from cyberweek.programme import organiser_urls as programme_pages
from cyberweek.quiz import organiser_urls as quiz_pages
from cyberweek.showcase import organiser_urls as showcase_pages
from cyberweek.tickets import organiser_urls as tickets_pages
from cyberweek.tipline import organiser_urls as tipline_pages

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("outbox/", OutboxView.as_view(), name="outbox"),
    *accounts_pages.urlpatterns,
    *programme_pages.urlpatterns,
    *privacy_pages.urlpatterns,
    *activities_pages.urlpatterns,
    *quiz_pages.urlpatterns,
    *tickets_pages.urlpatterns,
    *ctf_pages.urlpatterns,
    *tipline_pages.urlpatterns,
    *showcase_pages.urlpatterns,
    *campaigns_pages.urlpatterns,
    *insights_pages.urlpatterns,
]
