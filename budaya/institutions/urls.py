"""Routes of the audit log pages (national administrators only; the log itself is
budaya.audit, the layer below institutions) and of the institution, unit and staff pages."""

from django.urls import path

from budaya.institutions import audit_views, views

urlpatterns = [
    path("log-audit/", audit_views.audit_log, name="audit_log"),
    path("log-audit/ekspor.csv", audit_views.audit_export, name="audit_export"),
    path("instansi/", views.institution_list, name="institution_list"),
    path("instansi/impor/", views.institution_import, name="institution_import"),
    path("instansi/<str:institution_code>/ubah/", views.institution_edit, name="institution_edit"),
    path(
        "instansi/impor/tugas/<int:institution_job_id>/",
        views.institution_import_job,
        name="institution_import_job",
    ),
    path(
        "instansi/impor/tugas/<int:institution_job_id>/kemajuan.json",
        views.institution_import_progress,
        name="institution_import_progress",
    ),
    path("instansi/<str:institution_code>/unit/", views.unit_list, name="unit_list"),
    path("instansi/<str:institution_code>/unit/impor/", views.unit_import, name="unit_import"),
    path(
        "instansi/<str:institution_code>/unit/impor/tugas/<int:import_job_id>/",
        views.unit_import_job,
        name="unit_import_job",
    ),
    path(
        "instansi/<str:institution_code>/unit/impor/tugas/<int:import_job_id>/kemajuan.json",
        views.unit_import_progress,
        name="unit_import_progress",
    ),
    path(
        "instansi/<str:institution_code>/unit/<str:unit_code>/ubah/",
        views.unit_edit,
        name="unit_edit",
    ),
    path("instansi/<str:institution_code>/petugas/", views.staff_list, name="staff_list"),
    path(
        "instansi/<str:institution_code>/petugas/<int:user_id>/",
        views.staff_edit,
        name="staff_edit",
    ),
]
