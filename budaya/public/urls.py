"""Routes of the public employer-branding survey (no login)."""

from django.urls import path

from budaya.public import views

app_name = "public"

urlpatterns = [
    path("eb/selesai/", views.thanks, name="thanks"),
    path("eb/<str:link_slug>/", views.survey, name="survey"),
]
