"""Routes of the login (with lockout and TOTP), the TOTP enrolment page, and the administrator's
help for a staff member who cannot sign in."""

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
    path(
        "instansi/<str:institution_code>/petugas/<int:user_id>/masuk/",
        views.staff_sign_in,
        name="staff_sign_in",
    ),
]
