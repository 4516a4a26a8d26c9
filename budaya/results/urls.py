"""Routes of participation and results pages."""

from django.urls import path

from budaya.reports import views as report_views
from budaya.results import pages, views

urlpatterns = [
    path(
        "periode/<str:period_code>/partisipasi/",
        views.national_participation,
        name="national_participation",
    ),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/partisipasi/",
        views.participation,
        name="participation",
    ),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/unit/<str:unit_code>/"
        "partisipasi/",
        views.unit_participation,
        name="unit_participation",
    ),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/hasil/",
        pages.results_page,
        name="results",
    ),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/hasil/unduh.<str:fmt>",
        pages.results_download,
        name="results_download",
    ),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/unit/<str:unit_code>/hasil/",
        pages.unit_results_page,
        name="unit_results",
    ),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/unit/<str:unit_code>/hasil/"
        "unduh.<str:fmt>",
        pages.unit_results_download,
        name="unit_results_download",
    ),
    path("periode/<str:period_code>/hasil/", pages.national_dashboard, name="national_results"),
    path("periode/<str:period_code>/laporan/", report_views.job_list, name="report_jobs"),
    path(
        "periode/<str:period_code>/laporan/buat/", report_views.job_start, name="report_job_start"
    ),
    path(
        "periode/<str:period_code>/laporan/<int:job_id>/batal/",
        report_views.job_cancel,
        name="report_job_cancel",
    ),
    path(
        "periode/<str:period_code>/laporan/<int:job_id>/unduh/",
        report_views.job_download,
        name="report_job_download",
    ),
    path("periode/<str:period_code>/kelola/", views.period_manage, name="period_manage"),
    path("periode/<str:period_code>/kelola/tutup/", views.period_close, name="period_close"),
    path("periode/<str:period_code>/kelola/rilis/", views.period_release, name="period_release"),
    path(
        "periode/<str:period_code>/kelola/buka-kembali/",
        views.period_reopen,
        name="period_reopen",
    ),
]
