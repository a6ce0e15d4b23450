from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.SignUpView.as_view(), name="signup"),
    path("signup/confirm/", views.SignUpConfirmView.as_view(), name="signup_confirm"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("2fa/setup/", views.TotpSetupView.as_view(), name="otp_setup"),
    path("2fa/verify/", views.TotpVerifyView.as_view(), name="otp_verify"),
]
