"""Routes of the action-plan pages (Rencana aksi)."""

from django.urls import path

from budaya.actions import views

app_name = "actions"

_INSTITUTION = "rencana-aksi/<str:institution_code>/"

urlpatterns = [
    path("rencana-aksi/bukti/<uuid:evidence_id>/", views.evidence_file, name="evidence"),
    path(_INSTITUTION, views.overview, name="overview"),
    path(_INSTITUTION + "baru/", views.plan_new, name="plan_new"),
    path(_INSTITUTION + "rencana/<int:plan_id>/", views.plan_detail, name="plan"),
    path(_INSTITUTION + "tindakan/<int:action_id>/", views.action_detail, name="action"),
    path(_INSTITUTION + "agen-perubahan/", views.agents, name="agents"),
    path(_INSTITUTION + "internalisasi/", views.activities, name="activities"),
    path(_INSTITUTION + "internalisasi/<int:activity_id>/", views.activity_detail, name="activity"),
    path(_INSTITUTION + "ekspor.xlsx", views.export, name="export"),
]
