"""Routes of the roster upload."""

from django.urls import path

from budaya.roster import views

urlpatterns = [
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/daftar-pegawai/",
        views.roster_upload,
        name="roster_upload",
    ),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/daftar-pegawai/tugas/"
        "<int:roster_job_id>/",
        views.roster_job,
        name="roster_job",
    ),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/daftar-pegawai/tugas/"
        "<int:roster_job_id>/kemajuan.json",
        views.roster_job_progress,
        name="roster_job_progress",
    ),
]
