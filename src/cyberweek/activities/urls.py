from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("map/", views.activity_map, name="map"),
    path("map/data.json", views.map_data, name="map_data"),
    path("health/", views.health, name="health"),
    path("photos/<slug:token>/", views.photo, name="photo"),
    path("<int:pk>/", views.activity_detail, name="detail"),
]
