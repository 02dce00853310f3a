"""What each public page shows, built only from publishing.selection and publishing.context.

Every builder costs a constant number of queries, whatever the number of products on the
page, their attributes, assets or variants.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q, Subquery
from django.utils.translation import gettext as _

from catalog.models import Attribute, AttributeType, Audience, Category, Channel, Product
from catalog.services.renditions import RENDITIONS
from catalog.services.values import value_lookup, values_merge
from publishing.context import ImageView, ProductView, build_product_views
from publishing.models import Theme
from publishing.selection import (
    Selection,
    category_with_descendants,
    publishable_locales,
    publishable_products,
    select_products,
)

FILTER_TYPES = (AttributeType.SELECT, AttributeType.MULTI_SELECT, AttributeType.BOOLEAN)
FILTER_PREFIX = "f-"
CARD_SPECS = ("thumb", "web")
PRODUCT_SPECS = ("thumb", "web")

# Languages whose capital I pairs with dotless ı and whose İ pairs with i (a property of the
# script, not a list of supported languages).
_DOTTED_I_LANGUAGES = frozenset({"tr", "az"})


def search_fold(text: str, locale: str) -> str:
    """Case-folded text for matching; Turkish and Azerbaijani fold I→ı and İ→i."""
    text = unicodedata.normalize("NFC", text or "")
    if locale in _DOTTED_I_LANGUAGES:
        text = text.replace("I", "ı").replace("İ", "i")
    return text.casefold()


def _loose(text: str) -> str:
    """Dots on i ignored, so 'istanbul' still finds 'ISTANBUL' typed without the dot."""
    return text.replace("ı", "i").replace("i\u0307", "i")


def text_matches(query: str, text: str, locale: str) -> bool:
    folded_query, folded_text = search_fold(query, locale), search_fold(text, locale)
    return folded_query in folded_text or _loose(folded_query) in _loose(folded_text)


@dataclass(frozen=True)
class ImageSource:
    """One image with its responsive renditions, ready for <img srcset>."""

    src: str
    srcset: str
    alt: str
    caption: str
    width: int | None
    height: int | None
    role: str


def rendition_size(image: ImageView, spec: str) -> tuple[int | None, int | None]:
    """Pixel size of a rendition: the original shrunk to fit the spec's longest side."""
    width, height = image.width, image.height
    if not width or not height:
        return width, height
    longest = RENDITIONS[spec].max_side
    if max(width, height) <= longest:
        return width, height
    scale = longest / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def image_source(image: ImageView, *, preferred: str = "web") -> ImageSource:
    candidates = []
    for spec, url in image.renditions.items():
        width, _height = rendition_size(image, spec)
        if url == image.original_url:  # rendition not built yet: the original at its own width
            width = image.width
        if url and width:
            candidates.append((width, url))
    seen, parts = set(), []
    for width, url in sorted(candidates):
        if width not in seen:
            seen.add(width)
            parts.append(f"{url} {width}w")
    width, height = rendition_size(image, preferred)
    return ImageSource(
        src=image.url(preferred),
        srcset=", ".join(parts),
        alt=image.alt,
        caption=image.caption,
        width=width,
        height=height,
        role=image.role,
    )


@dataclass(frozen=True)
class Breadcrumb:
    code: str
    name: str


@dataclass(frozen=True)
class VariantLink:
    label: str
    slug: str
    is_current: bool


@dataclass(frozen=True)
class Card:
    """A product in a list: what a category, search or home page shows of it."""

    product: ProductView
    image: ImageSource | None


@dataclass(frozen=True)
class ProductPage:
    product: ProductView
    images: tuple[ImageSource, ...]
    breadcrumbs: tuple[Breadcrumb, ...]
    variants: tuple[VariantLink, ...]
    available_locales: tuple[str, ...]  # where this product has a page
    theme: Theme | None


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    code: str
    label: str
    options: tuple[FacetOption, ...]

    @property
    def param(self) -> str:
        return FILTER_PREFIX + self.code


@dataclass(frozen=True)
class ListPage:
    """A category or search result: one page of cards, facets and paging."""

    cards: tuple[Card, ...]
    page: Page
    facets: tuple[Facet, ...] = ()
    category: Breadcrumb | None = None
    breadcrumbs: tuple[Breadcrumb, ...] = ()
    subcategories: tuple[Breadcrumb, ...] = ()
    total: int = 0
    query: str = ""


@dataclass(frozen=True)
class CategoryLink:
    code: str
    name: str
    children: tuple["CategoryLink", ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class HomePage:
    categories: tuple[CategoryLink, ...]
    featured: tuple[Card, ...]


def page_size() -> int:
    return getattr(settings, "PIM_WEB_PAGE_SIZE", 24)


def default_theme() -> Theme | None:
    return Theme.objects.filter(is_default=True).first() or Theme.objects.first()


def _cards(views: Sequence[ProductView]) -> tuple[Card, ...]:
    return tuple(
        Card(product=v, image=image_source(v.main_image) if v.main_image else None) for v in views
    )


def _views(channel: Channel, locale: str, audience: Audience | None, ids: list[int], specs):
    selection = Selection(
        channel=channel, locale=locale, audience=audience, fallback_locale=None, product_ids=ids
    )
    return build_product_views(selection, image_specs=specs)


def _category_name(category: Category, locale: str) -> str:
    return getattr(category, f"name_{locale}", None) or category.code


def product_page(
    *, channel: Channel, locale: str, slug: str, audience: Audience | None
) -> ProductPage | None:
    """The product whose slug in ``locale`` is ``slug``, if the web may show it there."""
    if locale not in channel.locales:
        return None
    row = Product.objects.filter(**{f"slug_{locale}": slug}).values_list("sku", flat=True).first()
    if row is None:
        return None
    selection = select_products(channel=channel, locale=locale, audience=audience, skus=[row])
    if not selection.product_ids:
        return None
    (view,) = build_product_views(selection, image_specs=PRODUCT_SPECS)
    ids = [view.id] + [v.product_id for v in view.variants if v.product_id]
    locales = publishable_locales(channel=channel, product_ids=ids)
    variants = tuple(
        VariantLink(
            label=", ".join(f"{axis}: {option}" for axis, option in variant.axes) or variant.sku,
            slug=variant.slug,
            is_current=variant.is_current,
        )
        for variant in view.variants
        if variant.slug and locale in locales.get(variant.product_id, ())
    )
    breadcrumbs = ()
    if view.categories:
        first = min(view.categories, key=lambda c: c.position)
        breadcrumbs = tuple(
            Breadcrumb(code=code, name=name)
            for (_position, code), name in zip(first.position, first.path, strict=True)
        )
    return ProductPage(
        product=view,
        images=tuple(image_source(image) for image in view.images),
        breadcrumbs=breadcrumbs,
        variants=variants if len(variants) > 1 else (),
        available_locales=tuple(
            code for code in channel.locales if code in locales.get(view.id, ())
        ),
        theme=default_theme(),
    )


@dataclass(frozen=True)
class _Row:
    pk: int
    name: str
    values: Mapping


def _filter_rows(rows: list[_Row], selected: Mapping[str, set[str]], skip: str | None = None):
    kept = []
    for row in rows:
        ok = True
        for code, wanted in selected.items():
            if code == skip or not wanted:
                continue
            if not (_facet_values(row.values.get(code)) & wanted):
                ok = False
                break
        if ok:
            kept.append(row)
    return kept


def _facet_values(data) -> set[str]:
    if data is None:
        return set()
    if isinstance(data, bool):
        return {"true" if data else "false"}
    if isinstance(data, list):
        return {str(item) for item in data}
    return {str(data)}


def _row_values(values, model_values, attributes: Sequence[Attribute], locale, channel_code):
    merged = values_merge(model_values or {}, values or {}) if model_values else (values or {})
    return {
        a.code: value_lookup(
            merged,
            a.code,
            locale=locale if a.is_localizable else None,
            channel=channel_code if a.is_scopable else None,
        )
        for a in attributes
    }


def _visible_to(attribute: Attribute, allowed: set[int]) -> bool:
    ids = {a.pk for a in attribute.audiences.all()}
    return not ids or bool(ids & allowed)


def _allowed_audiences(audience: Audience | None) -> set[int]:
    if audience is not None:
        return {audience.pk}
    return set(Audience.objects.filter(is_public=True).values_list("pk", flat=True))


def _list_page(
    *,
    channel: Channel,
    locale: str,
    audience: Audience | None,
    queryset,
    filters: Mapping[str, set[str]],
    page_number: str | int | None,
    query: str = "",
) -> tuple[ListPage, list[_Row]]:
    raw = list(
        queryset.values_list("pk", "family_id", "values", "model__values", f"name_{locale}")
        .order_by()
        .distinct()
    )
    family_ids = {family_id for _pk, family_id, *_rest in raw}
    allowed = _allowed_audiences(audience)
    attributes = [
        a
        for a in Attribute.objects.filter(families__in=family_ids, type__in=FILTER_TYPES)
        .distinct()
        .prefetch_related("options", "audiences")
        .order_by("position", "code")
        if _visible_to(a, allowed)
    ]
    rows = [
        _Row(
            pk=pk,
            name=name or "",
            values=_row_values(values, model_values, attributes, locale, channel.code),
        )
        for pk, _family_id, values, model_values, name in raw
    ]
    known = {a.code for a in attributes}
    selected = {code: set(v) for code, v in filters.items() if code in known and v}
    facets = []
    for attribute in attributes:
        pool = _filter_rows(rows, selected, skip=attribute.code)
        counts: dict[str, int] = defaultdict(int)
        for row in pool:
            for item in _facet_values(row.values.get(attribute.code)):
                counts[item] += 1
        if attribute.type == AttributeType.BOOLEAN:
            labels = [("true", _("Yes")), ("false", _("No"))]
        else:
            labels = [
                (o.code, getattr(o, f"label_{locale}", None) or o.code)
                for o in attribute.options.all()
            ]
        options = tuple(
            FacetOption(
                value=value,
                label=label,
                count=counts[value],
                selected=value in selected.get(attribute.code, ()),
            )
            for value, label in labels
            if counts[value] or value in selected.get(attribute.code, ())
        )
        if options:
            facets.append(
                Facet(
                    code=attribute.code,
                    label=getattr(attribute, f"label_{locale}", None) or attribute.code,
                    options=options,
                )
            )
    matching = sorted(
        _filter_rows(rows, selected), key=lambda r: (search_fold(r.name, locale), r.pk)
    )
    paginator = Paginator([row.pk for row in matching], page_size())
    page = paginator.get_page(page_number)
    views = _views(channel, locale, audience, list(page.object_list), CARD_SPECS)
    return (
        ListPage(
            cards=_cards(views), page=page, facets=tuple(facets), total=len(matching), query=query
        ),
        matching,
    )


def category_page(
    *,
    channel: Channel,
    locale: str,
    code: str,
    audience: Audience | None,
    filters: Mapping[str, set[str]],
    page_number=None,
) -> ListPage | None:
    if locale not in channel.locales:
        return None
    categories = {c.pk: c for c in Category.objects.all()}
    current = next((c for c in categories.values() if c.code == code), None)
    if current is None:
        return None
    ids = category_with_descendants([code])
    queryset = publishable_products(channel=channel, locales=[locale]).filter(
        pk__in=Subquery(
            Product.categories.through.objects.filter(category_id__in=ids).values("product_id")
        )
    )
    listing, _rows = _list_page(
        channel=channel,
        locale=locale,
        audience=audience,
        queryset=queryset,
        filters=filters,
        page_number=page_number,
    )
    chain, node = [], current
    while node is not None and node not in chain:
        chain.append(node)
        node = categories.get(node.parent_id)
    chain.reverse()
    children = sorted(
        (c for c in categories.values() if c.parent_id == current.pk),
        key=lambda c: (c.position, c.code),
    )
    return ListPage(
        cards=listing.cards,
        page=listing.page,
        facets=listing.facets,
        total=listing.total,
        category=Breadcrumb(current.code, _category_name(current, locale)),
        breadcrumbs=tuple(Breadcrumb(c.code, _category_name(c, locale)) for c in chain[:-1]),
        subcategories=tuple(Breadcrumb(c.code, _category_name(c, locale)) for c in children),
    )


def search_page(
    *,
    channel: Channel,
    locale: str,
    query: str,
    audience: Audience | None,
    filters: Mapping[str, set[str]],
    page_number=None,
) -> ListPage | None:
    """Products whose name in ``locale`` contains the query, or whose SKU or GTIN matches."""
    if locale not in channel.locales:
        return None
    query = query.strip()[:100]
    base = publishable_products(channel=channel, locales=[locale])
    if not query:
        ids: list[int] = []
    else:
        digits = "".join(ch for ch in query if ch.isdigit())
        candidates = base.values_list("pk", f"name_{locale}", f"model__name_{locale}", "sku")
        ids = [
            pk
            for pk, name, model_name, sku in candidates
            if text_matches(query, name or model_name or "", locale)
            or text_matches(query, sku, locale)
        ]
        if digits and len(digits) == len(query.replace(" ", "")):
            ids += list(base.filter(gtin__contains=digits).values_list("pk", flat=True))
    listing, _rows = _list_page(
        channel=channel,
        locale=locale,
        audience=audience,
        queryset=base.filter(pk__in=set(ids)) if ids else base.filter(Q(pk__in=[])),
        filters=filters,
        page_number=page_number,
        query=query,
    )
    return listing


def home_page(*, channel: Channel, locale: str, audience: Audience | None) -> HomePage | None:
    if locale not in channel.locales:
        return None
    categories = sorted(Category.objects.all(), key=lambda c: (c.position, c.code))
    children = defaultdict(list)
    for category in categories:
        children[category.parent_id].append(category)
    tree = tuple(
        CategoryLink(
            code=root.code,
            name=_category_name(root, locale),
            children=tuple(
                CategoryLink(code=child.code, name=_category_name(child, locale))
                for child in children[root.pk]
            ),
        )
        for root in children[None]
    )
    count = getattr(settings, "PIM_WEB_FEATURED", 8)
    ids = list(
        publishable_products(channel=channel, locales=[locale])
        .order_by("-updated_at", "pk")
        .values_list("pk", flat=True)[:count]
    )
    return HomePage(
        categories=tree, featured=_cards(_views(channel, locale, audience, ids, CARD_SPECS))
    )
