"""Public addresses of catalog content, shared by web pages, feeds, sitemaps and print."""

from django.urls import reverse
from django.utils import translation


def product_public_url(locale: str, slug: str) -> str:
    """Path of a product's public page in one language: ``/{locale}/p/{slug}/``."""
    with translation.override(locale):
        return reverse("web:product", kwargs={"slug": slug})


def category_public_url(locale: str, code: str) -> str:
    with translation.override(locale):
        return reverse("web:category", kwargs={"code": code})


def home_public_url(locale: str) -> str:
    with translation.override(locale):
        return reverse("web:home")
