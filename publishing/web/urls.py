"""Public pages, mounted inside i18n_patterns: /en/…, /fa/…"""

from django.urls import path
from django.utils.translation import pgettext_lazy

from publishing.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("p/<str:slug>/", views.product, name="product"),
    path("c/<slug:code>/", views.category, name="category"),
    path(pgettext_lazy("URL path", "search/"), views.search, name="search"),
    path("account/login/", views.DealerLoginView.as_view(), name="login"),
    path("account/logout/", views.DealerLogoutView.as_view(), name="logout"),
]
