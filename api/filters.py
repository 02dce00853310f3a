import django_filters
from django.utils.translation import gettext_lazy as _

from catalog.models import Product, ProductModel


class ProductFilter(django_filters.FilterSet):
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=_("Only products changed at or after this ISO 8601 time (delta sync)."),
    )
    family = django_filters.CharFilter(field_name="family__code")
    category = django_filters.CharFilter(field_name="categories__code", distinct=True)
    parent = django_filters.CharFilter(field_name="model__code")

    class Meta:
        model = Product
        fields = ["updated_since", "family", "category", "parent"]


class ProductModelFilter(django_filters.FilterSet):
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    family = django_filters.CharFilter(field_name="family__code")

    class Meta:
        model = ProductModel
        fields = ["updated_since", "family"]
