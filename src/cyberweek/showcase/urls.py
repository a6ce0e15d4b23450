from django.urls import path

from . import views

app_name = "showcase"
urlpatterns = [
    path("", views.contest_list, name="contests"),
    path("mine/", views.my_entries, name="mine"),
    path("verify/", views.verify_phone, name="verify"),
    path("entries/<str:ref>/", views.entry_page, name="entry"),
    path("entries/<str:ref>/upload/", views.upload, name="upload"),
    path("entries/<str:ref>/edit/", views.edit_entry, name="edit"),
    path("entries/<str:ref>/status/", views.entry_status, name="status"),
    path("entries/<str:ref>/vote/", views.vote, name="vote"),
    path("entries/<str:ref>/played/", views.played, name="played"),
    path("entries/<str:ref>/report/", views.report, name="report"),
    path("entries/<str:ref>/certificate.pdf", views.certificate_pdf, name="certificate"),
    path("certificates/<str:code>/", views.verify_certificate, name="verify_certificate"),
    path("entries/<str:ref>/<str:kind>/", views.media, name="media"),
    path("<slug:slug>/", views.contest_detail, name="contest"),
    path("<slug:slug>/enter/", views.enter, name="enter"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/judging/", views.judging, name="judging"),
    path("<slug:slug>/judging/<str:ref>/", views.judge_entry, name="judge_entry"),
]
