"""Routes of the public employer-branding survey (no login) and of its links' back-office
page."""

from django.urls import path

from budaya.public import links, views

app_name = "public"

urlpatterns = [
    path("eb/selesai/", views.thanks, name="thanks"),
    path("eb/<str:link_slug>/", views.survey, name="survey"),
    path("periode/<str:period_code>/tautan-eb/", links.national_link, name="national_link"),
    path(
        "periode/<str:period_code>/instansi/<str:institution_code>/tautan-eb/",
        links.institution_link,
        name="institution_link",
    ),
]
