"""The organiser area, /organiser/: each app adds its pages under one namespace."""

from django.urls import path

from cyberweek.accounts import organiser_urls as accounts_pages
from cyberweek.core.views import DashboardView
from cyberweek.programme import organiser_urls as programme_pages

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    *accounts_pages.urlpatterns,
    *programme_pages.urlpatterns,
]
