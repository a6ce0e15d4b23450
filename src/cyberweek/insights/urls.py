from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.open_data, name="open_data"),
    path("<int:year>/<str:dataset>.csv", views.open_data_csv, name="open_data_csv"),
]
