from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("volunteering/", views.volunteering, name="volunteering"),
    path("volunteering/<int:pk>/tasks/", views.record_task, name="record_task"),
    path("volunteering/<int:pk>/certificate/", views.ask_certificate, name="ask_certificate"),
    path("volunteering/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate"),
    path("volunteering/<int:pk>/<slug:answer>/", views.respond, name="respond"),
    path("certificates/<str:code>/", views.verify_certificate, name="verify"),
    path("<int:year>/<slug:slug>/", views.campaign_detail, name="detail"),
]
