from django.urls import path

from . import organiser_views as v

# Part of /organiser/ (namespace "organiser"), see cyberweek/organiser_urls.py.
urlpatterns = [
    path("organisers/", v.RoleListView.as_view(), name="roles"),
    path("organisers/appoint/", v.GrantRoleView.as_view(), name="grant_role"),
    path(
        "organisers/<int:user_id>/reset-second-factor/",
        v.ResetSecondFactorView.as_view(),
        name="reset_second_factor",
    ),
]
