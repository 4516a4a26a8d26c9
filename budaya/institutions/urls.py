"""Back-office routes: home page per role."""

from django.urls import path

from budaya.institutions import views

urlpatterns = [
    path("", views.home, name="home"),
]
