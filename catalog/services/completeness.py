"""Completeness per (channel, locale): computed set-based and stored for fast lists.

A product is measured for each channel it is published to and each locale of that channel.
Requirements come from its family's channel requirement (attributes, translated fields,
asset roles) plus attributes marked "required everywhere".
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from catalog.models import (
    Asset,
    Attribute,
    Channel,
    Completeness,
    FamilyAttribute,
    FamilyChannelRequirement,
    Product,
    ProductModel,
)
from catalog.models.product import INHERITED_TEXT_FIELDS
from catalog.services.values import values_merge

CHUNK_SIZE = 2000


def completeness_recompute(
    *,
    product_ids: Iterable[int] | None = None,
    family_ids: Iterable[int] | None = None,
    channel_ids: Iterable[int] | None = None,
) -> int:
    """Recompute and store completeness; returns the number of products measured.

    With no arguments every product is measured. Queries per chunk are constant.
    """
    queryset = Product.objects.order_by("pk")
    if product_ids is not None:
        queryset = queryset.filter(pk__in=list(product_ids))
    if family_ids is not None:
        queryset = queryset.filter(family_id__in=list(family_ids))
    if channel_ids is not None:
        queryset = queryset.filter(channels__in=list(channel_ids)).distinct()
    rules = _Rules.load()
    count = 0
    last_pk = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last_pk)[:CHUNK_SIZE])
        if not chunk:
            break
        last_pk = chunk[-1].pk
        _recompute_chunk(chunk, rules)
        count += len(chunk)
    return count


class _Rules:
    """Families' requirements and channels, loaded once per recompute."""

    def __init__(self, channels, requirements, required_everywhere, attributes):
        self.channels = channels
        self.requirements = requirements
        self.required_everywhere = required_everywhere
        self.attributes = attributes

    @classmethod
    def load(cls) -> "_Rules":
        channels = {c.pk: c for c in Channel.objects.all()}
        attributes = {a.pk: a for a in Attribute.objects.all()}
        requirements: dict[tuple[int, int], dict] = {}
        for req in FamilyChannelRequirement.objects.prefetch_related("attributes"):
            requirements[(req.family_id, req.channel_id)] = {
                "attributes": [a.pk for a in req.attributes.all()],
                "fields": list(req.translated_fields or []),
                "roles": list(req.asset_roles or []),
            }
        required_everywhere: dict[int, list[int]] = defaultdict(list)
        position: dict[tuple[int, int], tuple[int, int]] = {}
        for family_id, attribute_id, pos, required in FamilyAttribute.objects.values_list(
            "family_id", "attribute_id", "position", "attribute__is_required"
        ).order_by("position", "id"):
            position[(family_id, attribute_id)] = (pos, len(position))
            if required:
                required_everywhere[family_id].append(attribute_id)
        # Missing lists read in the family's attribute order.
        for (family_id, _channel_id), rule in requirements.items():
            rule["attributes"].sort(key=lambda a, f=family_id: position.get((f, a), (1 << 30, a)))
        return cls(channels, requirements, required_everywhere, attributes)


def _recompute_chunk(products: list[Product], rules: _Rules) -> None:
    ids = [p.pk for p in products]
    channel_links = defaultdict(list)
    for product_id, channel_id in Product.channels.through.objects.filter(
        product_id__in=ids
    ).values_list("product_id", "channel_id"):
        channel_links[product_id].append(channel_id)
    model_ids = {p.model_id for p in products if p.model_id}
    models = {m.pk: m for m in ProductModel.objects.filter(pk__in=model_ids)}
    roles = defaultdict(set)  # owner -> {(role, language)}
    for product_id, role, language in Asset.objects.filter(product_id__in=ids).values_list(
        "product_id", "role", "language"
    ):
        roles[("p", product_id)].add((role, language))
    if model_ids:
        for model_id, role, language in Asset.objects.filter(
            product_model_id__in=model_ids
        ).values_list("product_model_id", "role", "language"):
            roles[("m", model_id)].add((role, language))

    rows = []
    for product in products:
        model = models.get(product.model_id)
        values = values_merge(model.values, product.values) if model else product.values
        asset_roles = roles[("p", product.pk)] | (roles[("m", model.pk)] if model else set())
        for channel_id in channel_links.get(product.pk, ()):
            channel = rules.channels.get(channel_id)
            if channel is None:
                continue
            for locale in channel.locales:
                missing, required = _missing_for(
                    product, model, values, asset_roles, channel, locale, rules
                )
                ratio = 100 if required == 0 else (100 * (required - len(missing))) // required
                rows.append(
                    Completeness(
                        product_id=product.pk,
                        channel_id=channel_id,
                        locale=locale,
                        ratio=ratio,
                        required_count=required,
                        missing=missing,
                    )
                )
    with transaction.atomic():
        Completeness.objects.filter(product_id__in=ids).delete()
        Completeness.objects.bulk_create(rows, batch_size=1000)


def _missing_for(product, model, values, asset_roles, channel, locale, rules):
    requirement = rules.requirements.get((product.family_id, channel.pk), {})
    attribute_ids = list(
        dict.fromkeys(
            list(requirement.get("attributes", ())) + rules.required_everywhere[product.family_id]
        )
    )
    missing = []
    required = 0
    for field in requirement.get("fields", ()):
        required += 1
        text = getattr(product, f"{field}_{locale}", None)
        if not text and model is not None and field in INHERITED_TEXT_FIELDS:
            text = getattr(model, f"{field}_{locale}", None)
        if not (text or "").strip():
            missing.append({"type": "field", "code": field})
    for attribute_id in attribute_ids:
        attribute = rules.attributes[attribute_id]
        required += 1
        wanted_locale = locale if attribute.is_localizable else None
        wanted_channel = channel.code if attribute.is_scopable else None
        if not any(
            e.get("locale") == wanted_locale
            and e.get("channel") == wanted_channel
            and e.get("data") not in (None, "", [])
            for e in values.get(attribute.code, ())
        ):
            missing.append({"type": "attribute", "code": attribute.code})
    for role in requirement.get("roles", ()):
        required += 1
        if (role, "") not in asset_roles and (role, locale) not in asset_roles:
            missing.append({"type": "asset", "code": role})
    return missing, required
