"""Routes of the respondent flow (at the site root) and the invitation pages of administrators."""

from django.urls import path

from budaya.survey import admin_views, views

app_name = "survey"

urlpatterns = [
    path("s/<str:token>/", views.landing, name="landing"),
    path("s/<str:token>/langkah/<int:number>/", views.step_page, name="step"),
    path("s/<str:token>/tersimpan/", views.saved, name="saved"),
    path("selesai/", views.thanks, name="thanks"),
    path("i/<str:slug>/", views.shared_entry, name="shared"),
    path("i/<str:slug>/mulai/", views.shared_landing, name="shared_landing"),
    path("i/<str:slug>/langkah/<int:number>/", views.shared_step, name="shared_step"),
    path("i/<str:slug>/tersimpan/", views.shared_saved, name="shared_saved"),
    path(
        "undangan/<str:period_code>/<str:institution_code>/",
        admin_views.invitations,
        name="invitations",
    ),
    path(
        "undangan/<str:period_code>/<str:institution_code>/kelompok/<int:number>/surat/",
        admin_views.letters_start,
        name="letters_start",
    ),  # before <fmt>, which "surat" matches
    path(
        "undangan/<str:period_code>/<str:institution_code>/kelompok/<int:number>/<str:fmt>/",
        admin_views.download,
        name="invitations_download",
    ),
    path(
        "undangan/<str:period_code>/<str:institution_code>/surat/<int:letters_id>/",
        admin_views.letters_job,
        name="letters_job",
    ),
    path(
        "undangan/<str:period_code>/<str:institution_code>/surat/<int:letters_id>/kemajuan.json",
        admin_views.letters_progress,
        name="letters_progress",
    ),
    path(
        "undangan/<str:period_code>/<str:institution_code>/surat/<int:letters_id>/unduh/",
        admin_views.letters_download,
        name="letters_download",
    ),
    path(
        "undangan/<str:period_code>/<str:institution_code>/terbitkan-ulang/",
        admin_views.reissue,
        name="invitations_reissue",
    ),
]
