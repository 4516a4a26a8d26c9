"""Routes of the login (with lockout and TOTP) and the TOTP enrolment page."""

from django.urls import path

from budaya.security import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/verifikasi/", views.totp_verify, name="totp_verify"),
    path("akun/dua-langkah/", views.totp_setup, name="totp_setup"),
    path(
        "akun/aktifkan/<str:uidb64>/<str:token>/", views.account_activate, name="account_activate"
    ),
    path("admin/login/", views.admin_login, name="admin_login_redirect"),
]
