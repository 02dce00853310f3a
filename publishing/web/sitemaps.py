"""sitemap.xml: every public product and category page, in every language it exists in."""

from django.contrib.sitemaps import Sitemap

from catalog.models import Category
from publishing.links import category_public_url, home_public_url, product_public_url
from publishing.selection import publishable_products
from publishing.web.services import web_channel


class ProductSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        channel = web_channel()
        if channel is None:
            return []
        entries = []
        for locale in channel.locales:
            for slug, updated_at in publishable_products(
                channel=channel, locales=[locale]
            ).values_list(f"slug_{locale}", "updated_at"):
                if slug:
                    entries.append((locale, slug, updated_at))
        return sorted(entries)

    def location(self, item):
        locale, slug, _updated = item
        return product_public_url(locale, slug)

    def lastmod(self, item):
        return item[2]


class PageSitemap(Sitemap):
    """Home and category pages in each web language."""

    changefreq = "daily"
    priority = 0.5

    def items(self):
        channel = web_channel()
        if channel is None:
            return []
        codes = list(Category.objects.order_by("position", "code").values_list("code", flat=True))
        return [(locale, None) for locale in channel.locales] + [
            (locale, code) for locale in channel.locales for code in codes
        ]

    def location(self, item):
        locale, code = item
        return home_public_url(locale) if code is None else category_public_url(locale, code)


SITEMAPS = {"products": ProductSitemap, "pages": PageSitemap}
