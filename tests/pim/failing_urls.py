"""The project's URLs plus addresses that fail, to see the 500 pages."""

from django.db import OperationalError
from django.urls import path

from pim.urls import handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("a bug")


def database_busy(request):
    raise OperationalError("database is locked")


urlpatterns = [
    path("en/boom/", boom),
    path("fa/boom/", boom),
    path("en/busy/", database_busy),
    path("api/v1/boom", boom),
    *urlpatterns,
]
