"""Routes of participation pages and the national results dashboard."""

from django.urls import path

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
    path("periode/<str:period_code>/hasil/", pages.national_dashboard, name="national_results"),
]
