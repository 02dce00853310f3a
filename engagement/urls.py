"""Landing pages, mounted inside i18n_patterns: /fi/l/<code>/."""

from django.urls import path

from engagement import views

app_name = "engagement"

urlpatterns = [
    path("l/<str:code>/", views.landing, name="landing"),
]
