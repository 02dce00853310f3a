"""Plain, immutable view objects built from a Selection: templates never touch the ORM.

Every output (PDF catalog, sheets, brochure, labels, web pages, feeds) reads these.
Building them costs a constant number of queries, whatever the number of products,
attributes, assets or variants.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _

from catalog.languages import language_codes
from catalog.models import (
    Asset,
    AssetKind,
    Attribute,
    AttributeType,
    Audience,
    Category,
    FamilyAttribute,
    Price,
    Product,
)
from catalog.services.assets import rendition_url
from catalog.services.values import sanitize_rich_text, value_lookup, values_merge
from publishing.formatting import format_date, format_number, format_price, text_direction
from publishing.selection import Selection


@dataclass(frozen=True)
class AttributeView:
    code: str
    label: str
    value: str
    type: str
    unit: str
    is_technical: bool
    is_key: bool
    raw: object = None


@dataclass(frozen=True)
class ImageView:
    asset_id: int
    role: str
    alt: str
    caption: str
    width: int | None
    height: int | None
    renditions: dict = field(default_factory=dict)  # spec -> URL (under MEDIA_URL)

    def url(self, spec: str = "web") -> str:
        return self.renditions.get(spec) or next(iter(self.renditions.values()), "")


@dataclass(frozen=True)
class DocumentView:
    asset_id: int
    role: str
    title: str
    url: str
    size: int


@dataclass(frozen=True)
class LinkView:
    asset_id: int
    role: str
    title: str
    url: str


@dataclass(frozen=True)
class PriceView:
    amount: Decimal
    currency: str
    formatted: str
    sale_amount: Decimal | None = None
    sale_formatted: str = ""
    audience: str | None = None


@dataclass(frozen=True)
class CategoryView:
    code: str
    name: str
    path: tuple[str, ...]
    position: tuple


@dataclass(frozen=True)
class VariantView:
    sku: str
    slug: str
    axes: tuple[tuple[str, str], ...]  # (axis label, option label)
    is_current: bool
    product_id: int = 0


@dataclass(frozen=True)
class ProductView:
    """One product as a reader in one locale, channel and audience sees it."""

    id: int
    sku: str
    gtin: str
    brand: str
    locale: str
    direction: str
    is_fallback: bool
    name: str
    short_description: str
    description: str  # sanitized HTML
    marketing_copy: str  # sanitized HTML
    instructions: str  # sanitized HTML
    label_text: str
    seo_title: str
    seo_description: str
    slug: str
    updated_at: datetime.datetime
    attributes: tuple[AttributeView, ...] = ()
    images: tuple[ImageView, ...] = ()
    documents: tuple[DocumentView, ...] = ()
    links: tuple[LinkView, ...] = ()
    price: PriceView | None = None
    categories: tuple[CategoryView, ...] = ()
    variants: tuple[VariantView, ...] = ()
    model_code: str = ""
    slugs: tuple[tuple[str, str], ...] = ()  # (locale, slug) in every language that has one

    def slug_for(self, locale: str) -> str:
        return dict(self.slugs).get(locale, "")

    @property
    def main_image(self) -> ImageView | None:
        for image in self.images:
            if image.role == "main":
                return image
        return self.images[0] if self.images else None

    @property
    def key_attributes(self) -> tuple[AttributeView, ...]:
        return tuple(a for a in self.attributes if a.is_key)

    @property
    def technical_attributes(self) -> tuple[AttributeView, ...]:
        return tuple(a for a in self.attributes if a.is_technical)


def _visible(audience_ids: set[int], allowed: set[int]) -> bool:
    """Content limited to audiences is shown only to those audiences."""
    return not audience_ids or bool(audience_ids & allowed)


def _reader_audiences(audience: Audience | None) -> set[int]:
    if audience is not None:
        return {audience.pk}
    return set(Audience.objects.filter(is_public=True).values_list("pk", flat=True))


def _text(product: Product, model, name: str, locale: str) -> str:
    text = getattr(product, f"{name}_{locale}", None) or ""
    if not text and model is not None:
        text = getattr(model, f"{name}_{locale}", None) or ""
    return text


def build_product_views(
    selection: Selection, *, image_specs: Sequence[str] = ("web",)
) -> list[ProductView]:
    """View objects for every selected product, in selection order."""
    ids = selection.product_ids
    if not ids:
        return []
    channel = selection.channel
    allowed = _reader_audiences(selection.audience)
    products = {
        p.pk: p
        for p in Product.objects.filter(pk__in=ids)
        .select_related("model")
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.order_by("position", "code")),
            "assets",
            Prefetch(
                "prices",
                queryset=Price.objects.filter(channel=channel, currency=channel.currency),
            ),
            "model__assets",
        )
    }
    family_ids = {p.family_id for p in products.values()}
    family_attributes = defaultdict(list)
    for link in (
        FamilyAttribute.objects.filter(family_id__in=family_ids)
        .select_related("attribute")
        .prefetch_related("attribute__options", "attribute__audiences")
        .order_by("position", "id")
    ):
        attribute = link.attribute
        # Audience rules are decided once per attribute, not once per product.
        if _visible({a.pk for a in attribute.audiences.all()}, allowed):
            family_attributes[link.family_id].append(attribute)
    asset_ids = [a.pk for p in products.values() for a in _assets_of(p)]
    asset_audiences = defaultdict(set)
    for asset_id, audience_id in Asset.audiences.through.objects.filter(
        asset_id__in=asset_ids
    ).values_list("asset_id", "audience_id"):
        asset_audiences[asset_id].add(audience_id)
    variants = _variants_by_model(products.values())
    category_paths = _category_paths()
    memo = _Memo()
    views = []
    for pk in ids:
        product = products[pk]
        locale = selection.locale_for(pk)
        with translation.override(locale):
            views.append(
                _product_view(
                    product,
                    locale=locale,
                    is_fallback=pk in selection.fallback_ids,
                    channel_code=channel.code,
                    allowed=allowed,
                    asset_audiences=asset_audiences,
                    memo=memo,
                    attributes=family_attributes[product.family_id],
                    variants=variants,
                    category_paths=category_paths,
                    image_specs=image_specs,
                    audience=selection.audience,
                )
            )
    return views


class _Memo:
    """Per-build caches: the same value, option or rendition is formatted once."""

    def __init__(self):
        self.displays: dict = {}
        self.labels: dict = {}

    def display(self, attribute, data, locale: str) -> str:
        key = (attribute.pk, locale, repr(data))
        text = self.displays.get(key)
        if text is None:
            text = self.displays[key] = display_value(attribute, data, locale)
        return text

    def label(self, attribute, locale: str) -> str:
        key = (attribute.pk, locale)
        text = self.labels.get(key)
        if text is None:
            text = self.labels[key] = getattr(attribute, f"label_{locale}", None) or attribute.code
        return text


def _assets_of(product) -> list:
    model = product.model
    return list(product.assets.all()) + (list(model.assets.all()) if model else [])


def _product_view(
    product, *, locale, is_fallback, channel_code, allowed, asset_audiences, memo, attributes,
    variants, category_paths, image_specs, audience,
) -> ProductView:  # fmt: skip
    model = product.model
    values = values_merge(model.values, product.values) if model else product.values
    assets = [
        a
        for a in sorted(_assets_of(product), key=lambda a: (a.position, a.pk))
        if (not a.language or a.language == locale)
        and _visible(asset_audiences.get(a.pk, set()), allowed)
    ]
    images, documents, links = [], [], []
    for asset in assets:
        alt = getattr(asset, f"alt_text_{locale}", None) or ""
        caption = getattr(asset, f"caption_{locale}", None) or ""
        if asset.kind == AssetKind.IMAGE:
            images.append(
                ImageView(
                    asset_id=asset.pk,
                    role=asset.role,
                    alt=alt or _text(product, model, "name", locale),
                    caption=caption,
                    width=asset.width,
                    height=asset.height,
                    renditions={
                        spec: rendition_url(asset=asset, spec=spec) for spec in image_specs
                    },
                )
            )
        elif asset.kind == AssetKind.DOCUMENT:
            documents.append(
                DocumentView(
                    asset.pk,
                    asset.role,
                    caption or asset.original_name,
                    default_storage.url(asset.file.name),
                    asset.size,
                )
            )
        else:
            links.append(LinkView(asset.pk, asset.role, caption or asset.url, asset.url))
    return ProductView(
        id=product.pk,
        sku=product.sku,
        gtin=product.gtin or "",
        brand=product.brand or (model.brand if model else ""),
        locale=locale,
        direction=text_direction(locale),
        is_fallback=is_fallback,
        name=_text(product, model, "name", locale),
        short_description=_text(product, model, "short_description", locale),
        description=sanitize_rich_text(_text(product, model, "description", locale)),
        marketing_copy=sanitize_rich_text(_text(product, model, "marketing_copy", locale)),
        instructions=sanitize_rich_text(_text(product, model, "instructions", locale)),
        label_text=_text(product, None, "label_text", locale),
        seo_title=_text(product, None, "seo_title", locale),
        seo_description=_text(product, None, "seo_description", locale),
        slug=_text(product, None, "slug", locale),
        updated_at=product.updated_at,
        attributes=tuple(
            view
            for attribute in attributes
            if (view := _attribute_view(attribute, values, locale, channel_code, memo)) is not None
        ),
        images=tuple(images),
        documents=tuple(documents),
        links=tuple(links),
        price=_price_view(product.prices.all(), audience, locale),
        categories=tuple(
            category_paths[c.pk][locale] for c in product.categories.all() if c.pk in category_paths
        ),
        variants=tuple(
            _variant_views(product, variants.get(product.model_id, ()), locale) if model else ()
        ),
        model_code=model.code if model else "",
        slugs=tuple(
            (code, slug) for code in language_codes() if (slug := getattr(product, f"slug_{code}"))
        ),
    )


def _attribute_view(attribute: Attribute, values, locale: str, channel_code: str, memo: _Memo):
    if attribute.type == AttributeType.MEDIA:
        return None
    data = value_lookup(
        values,
        attribute.code,
        locale=locale if attribute.is_localizable else None,
        channel=channel_code if attribute.is_scopable else None,
    )
    if data is None:
        return None
    return AttributeView(
        code=attribute.code,
        label=memo.label(attribute, locale),
        value=memo.display(attribute, data, locale),
        type=attribute.type,
        unit=attribute.unit,
        is_technical=attribute.is_technical,
        is_key=attribute.is_key,
        raw=data,
    )


def display_value(attribute: Attribute, data, locale: str) -> str:
    """The value as a reader of ``locale`` reads it: localized numbers, option labels."""
    kind = attribute.type
    if kind in (AttributeType.INTEGER, AttributeType.DECIMAL):
        text = format_number(Decimal(str(data)), locale)
        return f"{text}\u00a0{attribute.unit}" if attribute.unit else text
    if kind == AttributeType.BOOLEAN:
        with translation.override(locale):
            return _("Yes") if data else _("No")
    if kind == AttributeType.DATE:
        return format_date(datetime.date.fromisoformat(data), locale)
    if kind in (AttributeType.SELECT, AttributeType.MULTI_SELECT):
        labels = {
            o.code: getattr(o, f"label_{locale}", None) or o.code for o in attribute.options.all()
        }
        codes = data if isinstance(data, list) else [data]
        return ", ".join(labels.get(code, code) for code in codes)
    if kind == AttributeType.RICH_TEXT:
        return sanitize_rich_text(data)
    return str(data)


def _price_view(prices, audience: Audience | None, locale: str) -> PriceView | None:
    default, specific = None, None
    for price in prices:
        if price.audience_id is None:
            default = price
        elif audience is not None and price.audience_id == audience.pk:
            specific = price
    price = specific or default
    if price is None:
        return None
    return PriceView(
        amount=price.amount,
        currency=price.currency,
        formatted=format_price(price.amount, price.currency, locale),
        sale_amount=price.sale_amount,
        sale_formatted=(
            format_price(price.sale_amount, price.currency, locale)
            if price.sale_amount is not None
            else ""
        ),
        audience=audience.code if specific else None,
    )


def _category_paths() -> dict[int, dict[str, CategoryView]]:
    """Every category's path from the root, in every language (one query)."""
    by_pk = {c.pk: c for c in Category.objects.all()}
    result = {}
    for pk, category in by_pk.items():
        chain, node, seen = [], category, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = by_pk.get(node.parent_id)
        chain.reverse()
        result[pk] = {
            code: CategoryView(
                code=category.code,
                name=getattr(category, f"name_{code}", None) or category.code,
                path=tuple(getattr(c, f"name_{code}", None) or c.code for c in chain),
                position=tuple((c.position, c.code) for c in chain),
            )
            for code in language_codes()
        }
    return result


def _variants_by_model(products) -> dict[int, list[Product]]:
    model_ids = {p.model_id for p in products if p.model_id}
    if not model_ids:
        return {}
    grouped = defaultdict(list)
    siblings = (
        Product.objects.filter(model_id__in=model_ids, status="approved")
        .select_related("model")
        .prefetch_related("model__variant_axes__options")
        .order_by("sku")
    )
    for sibling in siblings:
        grouped[sibling.model_id].append(sibling)
    return grouped


def _variant_views(product: Product, siblings, locale: str) -> list[VariantView]:
    views = []
    for sibling in siblings:
        axes = []
        for axis in sibling.model.variant_axes.all():
            data = value_lookup(sibling.values, axis.code)
            if data is None:
                continue
            axes.append(
                (
                    getattr(axis, f"label_{locale}", None) or axis.code,
                    display_value(axis, data, locale),
                )
            )
        views.append(
            VariantView(
                sku=sibling.sku,
                slug=getattr(sibling, f"slug_{locale}", None) or "",
                axes=tuple(axes),
                is_current=sibling.pk == product.pk,
                product_id=sibling.pk,
            )
        )
    return views


def content_checksum(views: Sequence[ProductView], **parameters) -> str:
    """A fingerprint of exactly what an output shows; equal checksums mean equal content."""
    payload = {"parameters": parameters, "products": [asdict(v) for v in views]}
    encoded = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()
