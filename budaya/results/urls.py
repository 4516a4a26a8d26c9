"""Routes of participation and results pages."""

from django.urls import path

from budaya.results import views

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
        views.results_page,
        name="results",
    ),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/hasil/hitung/",
        views.compute_now,
        name="compute_now",
    ),
]
