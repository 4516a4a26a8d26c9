"""Back-office routes: the home page per role and the national administrator's period pages."""

from django.urls import path

from budaya.periods import views

urlpatterns = [
    path("", views.home, name="home"),
    path("periode/", views.period_list, name="period_list"),
    path("periode/baru/", views.period_create, name="period_create"),
    path("periode/<str:period_code>/ubah/", views.period_edit, name="period_edit"),
    path("periode/<str:period_code>/buka/", views.period_open, name="period_open"),
]
