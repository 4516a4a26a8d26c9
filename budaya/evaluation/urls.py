"""Routes of the evaluation pages (Evaluasi Budaya Kerja)."""

from django.urls import path

from budaya.evaluation import schedule, views

app_name = "evaluation"

_INSTITUTION = "evaluasi/<str:period_code>/<str:institution_code>/"
_UNIT = _INSTITUTION + "unit/<str:unit_code>/"

urlpatterns = [
    path("evaluasi/bukti/<uuid:evidence_id>/", views.evidence_file, name="evidence"),
    path("evaluasi/<str:period_code>/", views.national, name="national"),
    path("evaluasi/<str:period_code>/antrean/", views.queue, name="queue"),
    path("evaluasi/<str:period_code>/batas/", schedule.deadline, name="deadline"),
    path(_INSTITUTION, views.overview, name="overview"),
    path(_INSTITUTION + "instansi/", views.detail, name="institution"),
    path(_INSTITUTION + "instansi/aksi/", views.act, name="institution_action"),
    path(_UNIT, views.detail, name="unit"),
    path(_UNIT + "aksi/", views.act, name="unit_action"),
]
