from django.urls import path

from . import organiser_views as v

# Part of /organiser/ (namespace "organiser"), see cyberweek/organiser_urls.py.
urlpatterns = [
    path("campaigns/", v.CampaignListView.as_view(), name="campaigns_list"),
    path("campaigns/new/", v.CampaignCreateView.as_view(), name="campaigns_new"),
    path("campaigns/<int:pk>/", v.CampaignDetailView.as_view(), name="campaigns_detail"),
    path("campaigns/<int:pk>/edit/", v.CampaignEditView.as_view(), name="campaigns_edit"),
    path(
        "campaigns/<int:pk>/tasks/<int:task_id>/",
        v.TaskDecisionView.as_view(),
        name="campaigns_task",
    ),
    path(
        "campaigns/<int:pk>/<slug:action>/",
        v.CampaignActionView.as_view(),
        name="campaigns_action",
    ),
]
