from django.urls import path

from . import views

app_name = "tickets"
urlpatterns = [
    path("", views.MyTicketsView.as_view(), name="mine"),
    path("public-key", views.public_key, name="public_key"),
    path("register/<int:offering_id>/", views.RegisterView.as_view(), name="register"),
    path("<int:pk>/", views.TicketView.as_view(), name="ticket"),
    path("<int:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
]
