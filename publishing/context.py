"""Plain, immutable view objects built from a Selection: templates never touch the ORM.

Every output (PDF catalog, sheets, brochure, labels, web pages, feeds) reads these.
Building them costs a constant number of queries, whatever the number of products,
attributes, assets or variants.
"""

import datetime
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db.models import Q
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
    Channel,
    FamilyAttribute,
    Price,
    Product,
    ProductModel,
    ProductStatus,
)
from catalog.models.product import INHERITED_TEXT_FIELDS, PRODUCT_TEXT_FIELDS
from catalog.services.renditions import image_rendition
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
    # The uploaded file's URL: what a rendition not built yet falls back to.
    original_url: str = ""

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


# Text that nh3 would return unchanged (apart from surrounding whitespace): no markup, no
# character references, nothing the HTML parser normalizes (CR, NUL, a leading BOM, lone
# surrogates) and no character the serializer escapes (&, <, >, no-break space).
_NEEDS_SANITIZING = re.compile("[<>&\r\x00\u00a0\ufeff\ud800-\udfff]")


def _sanitized(html: str) -> str:
    """``sanitize_rich_text`` without calling the sanitizer for text that has no markup."""
    if not html:
        return ""
    if _NEEDS_SANITIZING.search(html) is None:
        return html.strip()
    return sanitize_rich_text(html)


def build_product_views(
    selection: Selection, *, image_specs: Sequence[str] = ("web",), build_renditions: bool = False
) -> list[ProductView]:
    """View objects for every selected product, in selection order.

    A rendition not built yet is queued and the original's URL stands in for it, unless
    ``build_renditions`` (for outputs rendered in the worker, e.g. PDFs) builds it here."""
    if not selection.product_ids:
        return []
    builder = ProductViewBuilder(
        channel=selection.channel,
        audience=selection.audience,
        image_specs=image_specs,
        build_renditions=build_renditions,
    )
    return builder.build(selection)


class ProductViewBuilder:
    """Builds the view objects of one channel and audience, one selection (chunk) at a time.

    Keeps what does not change during one output — the reader's audiences, the families'
    attributes, category paths, option labels, formatted values and prices, rendition URLs —
    so that a feed of 100,000 products loads and formats them once, not once per chunk.
    Related rows are read as plain values, not model instances: a chunk costs a constant
    number of queries and no per-product ORM objects.
    """

    def __init__(
        self,
        *,
        channel: Channel,
        audience: Audience | None = None,
        image_specs=("web",),
        build_renditions: bool = False,
    ):
        self.channel = channel
        self.audience = audience
        self.image_specs = tuple(image_specs)
        self.build_renditions = build_renditions
        self.allowed = _reader_audiences(audience)
        self.memo = _Memo()
        self._family_attributes: dict[int, tuple[Attribute, ...]] = {}
        self._attributes: dict[int, Attribute] = {}
        self._categories: dict[int, tuple] | None = None
        self._category_views: dict[tuple[int, str], CategoryView | None] = {}
        self._rendition_urls: dict[tuple[str, str], str] = {}

    def build(self, selection: Selection) -> list[ProductView]:
        """View objects for every product of ``selection``, in selection order."""
        if selection.channel.pk != self.channel.pk or _pk(selection.audience) != _pk(self.audience):
            raise ValueError("The selection is for another channel or audience.")
        ids = selection.product_ids
        if not ids:
            return []
        locales = [selection.locale]
        if selection.fallback_ids and selection.fallback_locale:
            locales.append(selection.fallback_locale)
        codes = language_codes()
        texts = [f"{name}_{locale}" for locale in locales for name in PRODUCT_TEXT_FIELDS]
        slugs = [f"slug_{code}" for code in codes]
        columns = ["pk", "sku", "gtin", "brand", "family_id", "model_id", "updated_at", "values"]
        columns = list(dict.fromkeys(columns + texts + slugs))
        # Plain rows; every translated column is named explicitly, so modeltranslation has
        # nothing to rewrite (its rewriting wraps each row in Python).
        products = {
            row["pk"]: row
            for row in Product.objects.rewrite(False).filter(pk__in=ids).values(*columns)
        }
        model_ids = {row["model_id"] for row in products.values() if row["model_id"]}
        models = self._models(model_ids, locales)
        self._load_family_attributes({row["family_id"] for row in products.values()})
        assets = self._assets(products.keys(), model_ids, locales)
        prices = defaultdict(list)
        for row in (
            Price.objects.filter(
                product_id__in=products.keys(),
                channel_id=self.channel.pk,
                currency=self.channel.currency,
            )
            .order_by()
            .values_list("product_id", "audience_id", "amount", "sale_amount", "currency")
        ):
            prices[row[0]].append(row)
        categories = defaultdict(list)
        for product_id, category_id in Product.categories.through.objects.filter(
            product_id__in=products.keys()
        ).values_list("product_id", "category_id"):
            categories[product_id].append(category_id)
        variants = self._variants(model_ids, locales)
        views = []
        # The reader's language is active while a product is built: once per locale of the
        # chunk, not once per product.
        for locale in locales:
            with translation.override(locale):
                for pk in ids:
                    row = products.get(pk)
                    if row is None or selection.locale_for(pk) != locale:
                        continue  # deleted since it was selected, or built in the other locale
                    view = self._product_view(
                        row,
                        models.get(row["model_id"]),
                        locale=locale,
                        is_fallback=pk in selection.fallback_ids,
                        assets=assets,
                        prices=prices.get(pk, ()),
                        category_ids=categories.get(pk, ()),
                        variants=variants.get(row["model_id"], ()),
                        slug_columns=slugs,
                    )
                    views.append((pk, view))
        if len(locales) > 1:
            order = {pk: index for index, pk in enumerate(ids)}
            views.sort(key=lambda pair: order[pair[0]])
        return [view for _pk, view in views]

    # Loading

    def _models(self, model_ids: set[int], locales: list[str]) -> dict[int, dict]:
        if not model_ids:
            return {}
        columns = ["pk", "code", "brand", "values"]
        columns += [f"{name}_{locale}" for locale in locales for name in INHERITED_TEXT_FIELDS]
        return {
            row["pk"]: row
            for row in ProductModel.objects.rewrite(False).filter(pk__in=model_ids).values(*columns)
        }

    def _load_family_attributes(self, family_ids: set[int]) -> None:
        missing = family_ids - self._family_attributes.keys()
        if not missing:
            return
        found = defaultdict(list)
        for link in (
            FamilyAttribute.objects.filter(family_id__in=missing)
            .select_related("attribute")
            .prefetch_related("attribute__options", "attribute__audiences")
            .order_by("position", "id")
        ):
            attribute = link.attribute
            # Audience rules are decided once per attribute, not once per product.
            if attribute.type != AttributeType.MEDIA and _visible(
                {a.pk for a in attribute.audiences.all()}, self.allowed
            ):
                found[link.family_id].append(attribute)
        for family_id in missing:
            self._family_attributes[family_id] = tuple(found[family_id])

    def _assets(self, product_ids, model_ids: set[int], locales: list[str]) -> dict:
        """Visible assets by owner: ("p", product id) or ("m", model id)."""
        columns = [
            "pk",
            "product_id",
            "product_model_id",
            "kind",
            "role",
            "language",
            "file",
            "url",
            "position",
            "content_hash",
            "size",
            "width",
            "height",
            "original_name",
        ]
        columns += [f"{name}_{locale}" for locale in locales for name in ("alt_text", "caption")]
        rows = list(
            Asset.objects.rewrite(False)
            .filter(Q(product_id__in=product_ids) | Q(product_model_id__in=model_ids))
            .order_by()
            .values(*columns)
        )
        if not rows:
            return {}
        audiences = defaultdict(set)
        for asset_id, audience_id in Asset.audiences.through.objects.filter(
            asset_id__in=[row["pk"] for row in rows]
        ).values_list("asset_id", "audience_id"):
            audiences[asset_id].add(audience_id)
        owned = defaultdict(list)
        for row in rows:
            if not _visible(audiences.get(row["pk"], set()), self.allowed):
                continue
            if row["product_id"] is not None:
                owned["p", row["product_id"]].append(row)
            else:
                owned["m", row["product_model_id"]].append(row)
        return owned

    def _variants(self, model_ids: set[int], locales: list[str]) -> dict[int, list[dict]]:
        """Approved siblings per product model, in SKU order, with their axes' attributes."""
        if not model_ids:
            return {}
        axes = defaultdict(list)
        links = list(
            ProductModel.variant_axes.through.objects.filter(
                productmodel_id__in=model_ids
            ).values_list("productmodel_id", "attribute_id")
        )
        attributes = self._attributes_by_pk({attribute_id for _m, attribute_id in links})
        for model_id, attribute_id in links:
            axes[model_id].append(attributes[attribute_id])
        for model_axes in axes.values():
            model_axes.sort(key=lambda a: (a.position, a.code))
        grouped = defaultdict(list)
        columns = ["pk", "sku", "model_id", "values"] + [f"slug_{locale}" for locale in locales]
        for row in (
            Product.objects.rewrite(False)
            .filter(model_id__in=model_ids, status=ProductStatus.APPROVED)
            .order_by("sku")
            .values(*columns)
        ):
            row["axes"] = axes.get(row["model_id"], ())
            grouped[row["model_id"]].append(row)
        return grouped

    def _attributes_by_pk(self, ids: set[int]) -> dict[int, Attribute]:
        missing = ids - self._attributes.keys()
        if missing:
            for attribute in Attribute.objects.filter(pk__in=missing).prefetch_related("options"):
                self._attributes[attribute.pk] = attribute
        return self._attributes

    def _category_view(self, pk: int, locale: str) -> CategoryView | None:
        key = (pk, locale)
        if key in self._category_views:
            return self._category_views[key]
        if self._categories is None:
            codes = language_codes()
            self._categories = {
                row[0]: row
                for row in Category.objects.values_list(
                    "pk", "parent_id", "position", "code", *[f"name_{code}" for code in codes]
                )
            }
        categories = self._categories
        view = None
        if pk in categories:
            column = 4 + language_codes().index(locale)
            chain, node, seen = [], categories[pk], set()
            while node is not None and node[0] not in seen:
                seen.add(node[0])
                chain.append(node)
                node = categories.get(node[1])
            chain.reverse()
            own = categories[pk]
            view = CategoryView(
                code=own[3],
                name=own[column] or own[3],
                path=tuple(c[column] or c[3] for c in chain),
                position=tuple((c[2], c[3]) for c in chain),
            )
        self._category_views[key] = view
        return view

    def _category_order(self, pk: int) -> tuple:
        row = self._categories.get(pk) if self._categories else None
        return (row[2], row[3]) if row else (0, "")

    def _rendition_url(self, row: dict, spec: str) -> str:
        key = (row["content_hash"], spec)
        url = self._rendition_urls.get(key)
        if url is None:
            path = image_rendition(
                content_hash=row["content_hash"],
                file_name=row["file"],
                spec=spec,
                build=self.build_renditions,
            )
            path = path or row["file"]  # not built yet (queued): the original stands in
            url = self._rendition_urls[key] = default_storage.url(path) if path else ""
        return url

    # Building

    def _product_view(
        self,
        row,
        model,
        *,
        locale,
        is_fallback,
        assets,
        prices,
        category_ids,
        variants,
        slug_columns,
    ) -> ProductView:
        memo = self.memo
        values = values_merge(model["values"], row["values"]) if model else row["values"]
        name = _text(row, model, f"name_{locale}")
        images, documents, links = [], [], []
        owned = assets.get(("p", row["pk"]), [])
        if model is not None:
            owned = owned + assets.get(("m", model["pk"]), [])
        for asset in sorted(owned, key=_asset_order):
            if asset["language"] and asset["language"] != locale:
                continue
            alt = asset[f"alt_text_{locale}"] or ""
            caption = asset[f"caption_{locale}"] or ""
            kind = asset["kind"]
            if kind == AssetKind.IMAGE:
                images.append(
                    ImageView(
                        asset_id=asset["pk"],
                        role=asset["role"],
                        alt=alt or name,
                        caption=caption,
                        width=asset["width"],
                        height=asset["height"],
                        renditions={
                            spec: self._rendition_url(asset, spec) for spec in self.image_specs
                        },
                        original_url=default_storage.url(asset["file"]) if asset["file"] else "",
                    )
                )
            elif kind == AssetKind.DOCUMENT:
                documents.append(
                    DocumentView(
                        asset["pk"],
                        asset["role"],
                        caption or asset["original_name"],
                        default_storage.url(asset["file"]),
                        asset["size"],
                    )
                )
            else:
                links.append(
                    LinkView(asset["pk"], asset["role"], caption or asset["url"], asset["url"])
                )
        attributes = []
        channel_code = self.channel.code
        for attribute in self._family_attributes[row["family_id"]]:
            data = value_lookup(
                values,
                attribute.code,
                locale=locale if attribute.is_localizable else None,
                channel=channel_code if attribute.is_scopable else None,
            )
            if data is not None:
                attributes.append(memo.attribute_view(attribute, data, locale))
        if category_ids:
            category_views = [self._category_view(pk, locale) for pk in category_ids]
            self_order = self._category_order
            categories = tuple(
                view
                for _order, view in sorted(
                    zip((self_order(pk) for pk in category_ids), category_views, strict=True),
                    key=lambda pair: pair[0],
                )
                if view is not None
            )
        else:
            categories = ()
        return ProductView(
            id=row["pk"],
            sku=row["sku"],
            gtin=row["gtin"] or "",
            brand=row["brand"] or (model["brand"] if model else ""),
            locale=locale,
            direction=memo.direction(locale),
            is_fallback=is_fallback,
            name=name,
            short_description=_text(row, model, f"short_description_{locale}"),
            description=_sanitized(_text(row, model, f"description_{locale}")),
            marketing_copy=_sanitized(_text(row, model, f"marketing_copy_{locale}")),
            instructions=_sanitized(_text(row, model, f"instructions_{locale}")),
            label_text=row[f"label_text_{locale}"] or "",
            seo_title=row[f"seo_title_{locale}"] or "",
            seo_description=row[f"seo_description_{locale}"] or "",
            slug=row[f"slug_{locale}"] or "",
            updated_at=row["updated_at"],
            attributes=tuple(attributes),
            images=tuple(images),
            documents=tuple(documents),
            links=tuple(links),
            price=self._price_view(prices, locale),
            categories=categories,
            variants=tuple(_variant_views(row["pk"], variants, locale, memo)),
            model_code=model["code"] if model else "",
            slugs=tuple((column[5:], slug) for column in slug_columns if (slug := row[column])),
        )

    def _price_view(self, prices, locale: str) -> PriceView | None:
        audience = self.audience
        default, specific = None, None
        for price in prices:
            if price[1] is None:
                default = price
            elif audience is not None and price[1] == audience.pk:
                specific = price
        price = specific or default
        if price is None:
            return None
        _product_id, _audience_id, amount, sale_amount, currency = price
        return self.memo.price_view(
            amount, sale_amount, currency, locale, audience.code if specific else None
        )


def _pk(instance) -> int | None:
    return instance.pk if instance is not None else None


def _asset_order(row: dict) -> tuple:
    return (row["position"], row["pk"])


def _text(row: dict, model: dict | None, column: str) -> str:
    """A translated text of the product, or else of its product model."""
    text = row[column] or ""
    if not text and model is not None:
        text = model[column] or ""
    return text


# Formatted values come back for every product: keep at most this many per output, so that
# memory stays flat when values are mostly distinct (free texts).
_MEMO_LIMIT = 20_000


class _Memo:
    """Per-build caches: the same value, option, price or direction is formatted once.

    The cached view objects are immutable, so products with equal values share them.
    """

    def __init__(self):
        self.displays: dict = {}
        self.labels: dict = {}
        self.attribute_views: dict = {}
        self.prices: dict = {}
        self.directions: dict = {}

    def display(self, attribute, data, locale: str) -> str:
        key = (attribute.pk, locale, repr(data))
        text = self.displays.get(key)
        if text is None:
            if len(self.displays) >= _MEMO_LIMIT:
                self.displays.clear()
            text = self.displays[key] = display_value(attribute, data, locale)
        return text

    def label(self, attribute, locale: str) -> str:
        key = (attribute.pk, locale)
        text = self.labels.get(key)
        if text is None:
            text = self.labels[key] = getattr(attribute, f"label_{locale}", None) or attribute.code
        return text

    def attribute_view(self, attribute, data, locale: str) -> "AttributeView":
        # Only immutable data is shared between products (a list could be changed by a caller).
        shareable = isinstance(data, str | int | float | bool)
        if shareable:
            key = (attribute.pk, locale, type(data), data)
            view = self.attribute_views.get(key)
            if view is not None:
                return view
        view = AttributeView(
            code=attribute.code,
            label=self.label(attribute, locale),
            value=self.display(attribute, data, locale),
            type=attribute.type,
            unit=attribute.unit,
            is_technical=attribute.is_technical,
            is_key=attribute.is_key,
            raw=data,
        )
        if shareable:
            if len(self.attribute_views) >= _MEMO_LIMIT:
                self.attribute_views.clear()
            self.attribute_views[key] = view
        return view

    def price_view(self, amount, sale_amount, currency, locale, audience_code) -> PriceView:
        key = (amount, sale_amount, currency, locale, audience_code)
        view = self.prices.get(key)
        if view is None:
            if len(self.prices) >= _MEMO_LIMIT:
                self.prices.clear()
            view = self.prices[key] = PriceView(
                amount=amount,
                currency=currency,
                formatted=format_price(amount, currency, locale),
                sale_amount=sale_amount,
                sale_formatted=(
                    format_price(sale_amount, currency, locale) if sale_amount is not None else ""
                ),
                audience=audience_code,
            )
        return view

    def direction(self, locale: str) -> str:
        direction = self.directions.get(locale)
        if direction is None:
            direction = self.directions[locale] = text_direction(locale)
        return direction


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
        return _sanitized(data)
    return str(data)


def _variant_views(product_id: int, siblings, locale: str, memo: _Memo) -> list[VariantView]:
    views = []
    slug_column = f"slug_{locale}"
    for sibling in siblings:
        axes = []
        for axis in sibling["axes"]:
            data = value_lookup(sibling["values"], axis.code)
            if data is None:
                continue
            axes.append((memo.label(axis, locale), memo.display(axis, data, locale)))
        views.append(
            VariantView(
                sku=sibling["sku"],
                slug=sibling[slug_column] or "",
                axes=tuple(axes),
                is_current=sibling["pk"] == product_id,
                product_id=sibling["pk"],
            )
        )
    return views


def content_checksum(views: Sequence[ProductView], **parameters) -> str:
    """A fingerprint of exactly what an output shows; equal checksums mean equal content."""
    payload = {"parameters": parameters, "products": [asdict(v) for v in views]}
    encoded = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()
