"""Back-office routes: home page per role."""

from django.urls import path

from budaya.periods import views

urlpatterns = [
    path("", views.home, name="home"),
]
