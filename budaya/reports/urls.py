"""Routes of results pages of an institution or unit and their downloads, report jobs, and a
period's management page (close, release, reopen)."""

from django.urls import path

from budaya.reports import export_views, pages, trend, views

urlpatterns = [
    path("hasil/cara-membaca/", pages.glossary_page, name="results_glossary"),
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
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/hasil/ekspor/<str:fmt>/",
        export_views.results_export_start,
        name="results_export_start",
    ),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/unit/<str:unit_code>/hasil/"
        "ekspor/<str:fmt>/",
        export_views.unit_results_export_start,
        name="unit_results_export_start",
    ),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/hasil/unduhan/<int:export_id>/",
        export_views.results_export_job,
        name="results_export_job",
    ),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/hasil/unduhan/"
        "<int:export_id>/kemajuan.json",
        export_views.results_export_progress,
        name="results_export_progress",
    ),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/hasil/unduhan/"
        "<int:export_id>/berkas/",
        export_views.results_export_download,
        name="results_export_download",
    ),
    path("instansi/<str:institution_code>/tren/", trend.institution_trend, name="trend"),
    path(
        "instansi/<str:institution_code>/unit/<str:unit_code>/tren/",
        trend.unit_trend,
        name="unit_trend",
    ),
    path("periode/<str:period_code>/laporan/", views.job_list, name="report_jobs"),
    path("periode/<str:period_code>/laporan/buat/", views.job_start, name="report_job_start"),
    path("periode/<str:period_code>/laporan/<int:job_id>/", views.job_detail, name="report_job"),
    path(
        "periode/<str:period_code>/laporan/<int:job_id>/kemajuan.json",
        views.job_progress,
        name="report_job_progress",
    ),
    path(
        "periode/<str:period_code>/laporan/<int:job_id>/ulangi/",
        views.job_retry,
        name="report_job_retry",
    ),
    path(
        "periode/<str:period_code>/laporan/<int:job_id>/batal/",
        views.job_cancel,
        name="report_job_cancel",
    ),
    path(
        "periode/<str:period_code>/laporan/<int:job_id>/unduh/",
        views.job_download,
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
