"""Products and product models as an API client of one channel and audience sees them.

Hand-built dicts (no ModelSerializer per row): a page costs a constant number of queries and
little CPU. Values keep Akeneo's shape, ``{code: [{"locale", "channel", "data"}]}``, with
every other channel's entries removed and localizable entries limited to the asked locales.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db.models import Prefetch

from catalog.models import (
    Asset,
    AssetKind,
    Attribute,
    Audience,
    Category,
    Price,
    Product,
    ProductModel,
)
from catalog.models.product import INHERITED_TEXT_FIELDS, PRODUCT_TEXT_FIELDS
from catalog.services.renditions import RENDITIONS, asset_rendition
from catalog.services.values import values_merge


@dataclass
class Scope:
    """What one request may see: the client's channel, audience and the asked locales."""

    channel: object
    audience: Audience | None
    locales: tuple[str, ...]
    allowed_audiences: set[int] = field(default_factory=set)
    hidden_attributes: set[str] = field(default_factory=set)
    category_codes: dict[int, str] = field(default_factory=dict)
    base_url: str = ""

    @classmethod
    def build(cls, *, channel, audience, locales: Sequence[str], base_url: str = "") -> "Scope":
        if audience is not None:
            allowed = {audience.pk}
        else:
            allowed = set(Audience.objects.filter(is_public=True).values_list("pk", flat=True))
        hidden = set()
        limited: dict[str, set[int]] = {}
        for code, audience_id in Attribute.audiences.through.objects.values_list(
            "attribute__code", "audience_id"
        ):
            limited.setdefault(code, set()).add(audience_id)
        for code, audience_ids in limited.items():
            if not audience_ids & allowed:
                hidden.add(code)
        return cls(
            channel=channel,
            audience=audience,
            locales=tuple(locales),
            allowed_audiences=allowed,
            hidden_attributes=hidden,
            category_codes=dict(Category.objects.values_list("pk", "code")),
            base_url=base_url,
        )


def iso(moment) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def values_for_scope(values: dict, scope: Scope) -> dict:
    """Only this channel's (or channel-less) entries, only the asked locales."""
    channel_code = scope.channel.code
    locales = scope.locales
    out = {}
    for code, entries in values.items():
        if code in scope.hidden_attributes:
            continue
        kept = [
            {"locale": e.get("locale"), "channel": e.get("channel"), "data": e.get("data")}
            for e in entries
            if (e.get("channel") is None or e.get("channel") == channel_code)
            and (e.get("locale") is None or e.get("locale") in locales)
        ]
        if kept:
            out[code] = kept
    return out


def texts_for_scope(obj, model, fields: Iterable[str], scope: Scope) -> dict:
    out = {}
    for name in fields:
        by_locale = {}
        for locale in scope.locales:
            text = getattr(obj, f"{name}_{locale}", None) or ""
            if not text and model is not None and name in INHERITED_TEXT_FIELDS:
                text = getattr(model, f"{name}_{locale}", None) or ""
            if text:
                by_locale[locale] = text
        if by_locale:
            out[name] = by_locale
    return out


def _visible(asset: Asset, scope: Scope) -> bool:
    ids = {a.pk for a in asset.audiences.all()}
    if ids and not ids & scope.allowed_audiences:
        return False
    return not asset.language or asset.language in scope.locales


def media_url(path: str | None, scope: Scope) -> str | None:
    if not path:
        return None
    url = default_storage.url(path)
    return url if "://" in url else f"{scope.base_url}{url}"


def asset_to_dict(asset: Asset, scope: Scope) -> dict:
    renditions = {}
    if asset.kind == AssetKind.IMAGE:
        # A rendition not built yet (queued) is stood in for by the original, never null.
        renditions = {
            spec: media_url(asset_rendition(asset=asset, spec=spec) or asset.file.name, scope)
            for spec in RENDITIONS
        }
    return {
        "id": asset.pk,
        "kind": asset.kind,
        "role": asset.role,
        "language": asset.language or None,
        "url": asset.url if asset.kind == AssetKind.LINK else media_url(asset.file.name, scope),
        "mime_type": asset.mime_type or None,
        "width": asset.width,
        "height": asset.height,
        "renditions": renditions,
        "alt_text": {
            locale: text
            for locale in scope.locales
            if (text := getattr(asset, f"alt_text_{locale}", None))
        },
        "position": asset.position,
    }


def price_to_dict(price: Price) -> dict:
    return {
        "currency": price.currency,
        "amount": str(price.amount),
        "sale_amount": str(price.sale_amount) if price.sale_amount is not None else None,
        "audience": price.audience.code if price.audience_id else None,
    }


def products_queryset(queryset, scope: Scope):
    """Prefetch everything a page needs: a constant number of queries per page."""
    audiences_prefetch = Prefetch("audiences", queryset=Audience.objects.only("pk"))
    return queryset.select_related("family", "model").prefetch_related(
        Prefetch("categories", queryset=Category.objects.only("pk")),
        # Filtered by channel in Python: a product has few prices, and filtering in SQL
        # makes SQLite scan the channel's index instead of the product's (40 ms at 100k).
        Prefetch(
            "prices",
            queryset=Price.objects.select_related("audience").order_by("currency", "audience_id"),
        ),
        Prefetch("assets", queryset=Asset.objects.prefetch_related(audiences_prefetch)),
        Prefetch("model__assets", queryset=Asset.objects.prefetch_related(audiences_prefetch)),
    )


def product_to_dict(product: Product, scope: Scope) -> dict:
    model = product.model
    values = values_merge(model.values, product.values) if model else product.values
    allowed = scope.allowed_audiences
    prices = [
        price_to_dict(p)
        for p in product.prices.all()
        if p.channel_id == scope.channel.pk and (p.audience_id is None or p.audience_id in allowed)
    ]
    assets = list(product.assets.all()) + (list(model.assets.all()) if model else [])
    assets.sort(key=lambda a: (a.position, a.pk))
    return {
        "sku": product.sku,
        "gtin": product.gtin or None,
        "family": product.family.code,
        "parent": model.code if model else None,
        "brand": product.brand or (model.brand if model else ""),
        "status": product.status,
        "categories": sorted(
            scope.category_codes[c.pk]
            for c in product.categories.all()
            if c.pk in scope.category_codes
        ),
        "texts": texts_for_scope(product, model, PRODUCT_TEXT_FIELDS, scope),
        "values": values_for_scope(values, scope),
        "prices": prices,
        "assets": [asset_to_dict(a, scope) for a in assets if _visible(a, scope)],
        "version": product.version,
        "created_at": iso(product.created_at),
        "updated_at": iso(product.updated_at),
    }


def product_models_queryset(queryset, scope: Scope):
    audiences_prefetch = Prefetch("audiences", queryset=Audience.objects.only("pk"))
    return queryset.select_related("family").prefetch_related(
        "variant_axes",
        Prefetch("categories", queryset=Category.objects.only("pk")),
        Prefetch("assets", queryset=Asset.objects.prefetch_related(audiences_prefetch)),
    )


def product_model_to_dict(model: ProductModel, scope: Scope, variant_skus: list[str]) -> dict:
    return {
        "code": model.code,
        "family": model.family.code,
        "variant_axes": [a.code for a in model.variant_axes.all()],
        "brand": model.brand,
        "categories": sorted(
            scope.category_codes[c.pk]
            for c in model.categories.all()
            if c.pk in scope.category_codes
        ),
        "texts": texts_for_scope(model, None, INHERITED_TEXT_FIELDS, scope),
        "values": values_for_scope(model.values, scope),
        "assets": [asset_to_dict(a, scope) for a in model.assets.all() if _visible(a, scope)],
        "variants": variant_skus,
        "version": model.version,
        "updated_at": iso(model.updated_at),
    }
