"""Routes of the API (/api/v1/), the token page and the open-data page."""

from django.urls import path

from budaya.api import views
from budaya.api.routes import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("akun/token-api/", views.tokens, name="api_tokens"),
    path("akun/token-api/<int:token_id>/cabut/", views.token_revoke, name="api_token_revoke"),
    path("data-terbuka/", views.open_data, name="open_data"),
]
