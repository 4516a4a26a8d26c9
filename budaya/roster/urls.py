"""Routes of the roster upload."""

from django.urls import path

from budaya.roster import views

urlpatterns = [
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/daftar-pegawai/",
        views.roster_upload,
        name="roster_upload",
    ),
]
