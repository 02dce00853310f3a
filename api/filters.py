import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from catalog.models import Product, ProductModel


class StoredDateTimeField(IsoDateTimeField):
    """An ISO 8601 time that the database can compare: within years 1 to 9999 in UTC too
    (``9999-12-31T23:59:59-14:00`` is not, and would overflow when converted)."""

    def to_python(self, value):
        if value == "":
            # Not "no filter": an empty time is a client bug that would return everything.
            raise ValidationError(
                _("Give an ISO 8601 time or leave the parameter out."), code="required"
            )
        value = super().to_python(value)
        if value is not None:
            try:
                # Compared in UTC: PostgreSQL also refuses offsets beyond 15:59 (-21:46).
                value = value.astimezone(datetime.UTC)
            except (OverflowError, ValueError):
                raise ValidationError(
                    _("This time is outside the years 1 to 9999 once converted to UTC."),
                    code="out_of_range",
                ) from None
        return value


class StoredDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = StoredDateTimeField


class ProductFilter(django_filters.FilterSet):
    updated_since = StoredDateTimeFilter(
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
    updated_since = StoredDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    family = django_filters.CharFilter(field_name="family__code")

    class Meta:
        model = ProductModel
        fields = ["updated_since", "family"]
