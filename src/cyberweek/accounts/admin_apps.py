"""Django's admin app with the second-factor site (accounts/admin_site.py). Its own module:
INSTALLED_APPS imports it before any model can be."""

from django.contrib.admin.apps import AdminConfig


class SecondFactorAdminConfig(AdminConfig):
    default_site = "cyberweek.accounts.admin_site.SecondFactorAdminSite"
