"""Writing products: the one validation and save path used by the admin, the API and imports."""

import contextlib
import dataclasses
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from modeltranslation.fields import TranslationField
from simple_history.models import HistoricalRecords
from stdnum import ean

from catalog.languages import language_codes
from catalog.models import AttributeType, Product, ProductModel
from catalog.models.product import PRODUCT_TEXT_FIELDS, RICH_TEXT_FIELDS
from catalog.services.completeness import completeness_recompute
from catalog.services.permissions import ChannelScope, user_editable_languages
from catalog.services.prices import prices_build, prices_create
from catalog.services.values import (
    ValueSchema,
    localized_texts_clean,
    sanitize_rich_text,
    text_fields_check,
    value_lookup,
    value_schema_for_family,
    values_clean,
)
from catalog.signals import products_bulk_created

CORE_FIELDS = ("sku", "gtin", "family_id", "model_id", "brand")
# Values per IN (...) lookup: below every backend's bound-parameter limit.
_IN_BATCH = 900


class EditConflict(Exception):
    """Someone else saved the product after this editor loaded it."""

    def __init__(self, product, expected_version: int, current_version: int):
        self.product = product
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            _(
                "%(name)s was changed by someone else while you were editing it "
                "(you edited version %(expected)s, it is now at version %(current)s). "
                "Reload it, re-apply your changes and save again."
            )
            % {
                "name": getattr(product, "sku", None) or getattr(product, "code", ""),
                "expected": expected_version,
                "current": current_version,
            }
        )


# Characters that keep /products/{sku} (API) and admin URLs reachable without escaping:
# no slash, no spaces, no "?" or "#"; starting with a letter or digit, so "." and ".."
# (which clients and proxies resolve as path segments) are not SKUs either.
_SKU_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def sku_clean(raw) -> str:
    """The SKU trimmed, or ValidationError: letters, digits, "-", "_" and "." only."""
    sku = (raw or "").strip() if isinstance(raw, str) or raw is None else str(raw).strip()
    if not sku:
        raise ValidationError(_("A SKU is required."), code="required")
    if not _SKU_PATTERN.fullmatch(sku):
        raise ValidationError(
            _(
                "A SKU may contain only letters A–Z, digits, “-”, “_” and “.”, and starts "
                "with a letter or digit; “%(sku)s” does not."
            )
            % {"sku": sku[:80]},
            code="sku_characters",
        )
    return sku


def gtin_clean(raw: str | None) -> str | None:
    """Digits only; GTIN-8, -12, -13 or -14 with a valid check digit."""
    if raw is None:
        return None
    digits = "".join(ch for ch in str(raw) if not ch.isspace() and ch != "-")
    if not digits:
        return None
    if not digits.isdigit():
        raise ValidationError(
            _("A GTIN contains digits only; got “%(gtin)s”.") % {"gtin": raw}, code="gtin_digits"
        )
    if len(digits) not in (8, 12, 13, 14):
        raise ValidationError(
            _("A GTIN has 8, 12, 13 or 14 digits; “%(gtin)s” has %(count)s.")
            % {"gtin": digits, "count": len(digits)},
            code="gtin_length",
        )
    if not ean.is_valid(digits):
        expected = ean.calc_check_digit(digits[:-1])
        raise ValidationError(
            _("GTIN %(gtin)s has a wrong check digit (expected %(expected)s).")
            % {"gtin": digits, "expected": expected},
            code="gtin_check_digit",
        )
    return digits


class ProductKeysInUse:
    """SKUs, GTINs and per-language slugs already taken, for validating many new products.

    Loaded for a batch in a few queries instead of several per product and language. Each
    product that passes validation claims its keys, so later products of the batch are
    checked against it exactly as if it had been saved; products claimed as variants are
    compared with their siblings the same way. The database constraints stay the last
    line of defence against concurrent writers.
    """

    def __init__(self, products: Iterable[Product]):
        products = list(products)
        self.skus = _taken(Product, "sku", {(p.sku or "").strip() for p in products})
        gtins = set()
        for product in products:
            with contextlib.suppress(ValidationError):  # reported when the product is validated
                gtins.add(gtin_clean(product.gtin))
        self.gtins = _taken(Product, "gtin", gtins - {None})
        self.slugs: dict[str, set[str]] = {}
        for code in language_codes():
            candidates = set()
            for product in products:
                candidates.update(_slug_candidates(product, code))
            self.slugs[code] = _taken(Product, f"slug_{code}", candidates)
        self.variants: dict[int, list[Product]] = defaultdict(list)

    def claim(self, product: Product) -> None:
        self.skus.add(product.sku)
        if product.gtin:
            self.gtins.add(product.gtin)
        for code in language_codes():
            slug = getattr(product, f"slug_{code}")
            if slug:
                self.slugs[code].add(slug)
        if product.model_id is not None:
            self.variants[product.model_id].append(product)


def _taken(model, column: str, candidates: set) -> set:
    candidates = sorted(c for c in candidates if c)
    taken = set()
    for start in range(0, len(candidates), _IN_BATCH):
        part = candidates[start : start + _IN_BATCH]
        taken.update(
            model.objects.filter(**{f"{column}__in": part})
            .order_by()
            .values_list(column, flat=True)
        )
    return taken


def _slug_candidates(product: Product, code: str) -> list[str]:
    """Every slug _fill_slugs may try for this product in this language."""
    slug = getattr(product, f"slug_{code}") or ""
    if slug:
        return [slugify(slug, allow_unicode=True)]
    base = slugify(getattr(product, f"name_{code}") or "", allow_unicode=True)[:200]
    if not base:
        return []
    sku = slugify((product.sku or "").strip(), allow_unicode=True)
    return [base, f"{base}-{sku}"[:255]]


def product_validate(
    *,
    product: Product,
    media_ids: Iterable[int] | None = None,
    check_unique: bool = True,
    keys: ProductKeysInUse | None = None,
    schema: ValueSchema | None = None,
) -> None:
    """Normalize the product in place, or raise ValidationError keyed by field.

    Called by Product.clean(), so ModelForms (admin), serializers and importers share it.
    ``check_unique=False`` when the caller (Model.full_clean) checks uniqueness itself.
    Batch callers creating many new products pass the ``keys`` in use (instead of a few
    queries per product) and the family's value ``schema``; the rules and messages are the
    same.
    """
    if keys is not None and product.pk is not None:
        raise ValueError("ProductKeysInUse only checks new products.")
    errors: dict[str, list] = {}
    try:
        product.gtin = gtin_clean(product.gtin)
    except ValidationError as exc:
        errors["gtin"] = exc.error_list
    try:
        product.sku = sku_clean(product.sku)
    except ValidationError as exc:
        product.sku = (product.sku or "").strip() if isinstance(product.sku, str) else ""
        errors["sku"] = exc.error_list
    for name, field_errors in text_fields_check(instance=product).items():
        errors.setdefault(name, []).extend(field_errors)
    for field in RICH_TEXT_FIELDS:
        for code in language_codes():
            name = f"{field}_{code}"
            setattr(product, name, sanitize_rich_text(getattr(product, name) or ""))
    _fill_slugs(product, errors, keys)
    if product.family_id is None:
        errors.setdefault("family", []).append(
            ValidationError(_("A family is required."), code="required")
        )
    else:
        if media_ids is None and product.pk:
            media_ids = list(product.assets.values_list("id", flat=True))
        try:
            product.values = values_clean(
                schema=schema or value_schema_for_family(product.family),
                values=product.values,
                media_ids=media_ids,
            )
        except ValidationError as exc:
            errors.setdefault("values", []).extend(exc.error_dict["values"])
        if product.model_id is not None and "values" not in errors:
            pending = keys.variants.get(product.model_id, ()) if keys is not None else ()
            _check_variant(product, errors, pending)
    if check_unique and keys is not None:
        for name, taken in (("sku", keys.skus), ("gtin", keys.gtins)):
            if getattr(product, name) and getattr(product, name) in taken:
                error = product.unique_error_message(Product, (name,))
                errors.setdefault(name, []).append(error)
    elif check_unique:
        try:
            product.validate_unique()
        except ValidationError as exc:
            for field, field_errors in exc.error_dict.items():
                errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)


def _fill_slugs(product: Product, errors: dict, keys: ProductKeysInUse | None = None) -> None:
    """Blank slugs follow the name in each language; taken slugs are refused by name."""

    def taken(code, slug):
        return slug in keys.slugs[code] if keys is not None else _slug_taken(product, code, slug)

    for code in language_codes():
        field = f"slug_{code}"
        slug = getattr(product, field) or ""
        if not slug:
            name = getattr(product, f"name_{code}") or ""
            slug = slugify(name, allow_unicode=True)[:200]
            if slug and taken(code, slug):
                slug = f"{slug}-{slugify(product.sku, allow_unicode=True)}"[:255]
        else:
            slug = slugify(slug, allow_unicode=True)
        setattr(product, field, slug or None)
        if slug and taken(code, slug):
            errors.setdefault(field, []).append(
                ValidationError(
                    _("The %(language)s slug “%(slug)s” is already used by another product.")
                    % {"language": code, "slug": slug},
                    code="slug_taken",
                )
            )


def _slug_taken(product: Product, code: str, slug: str) -> bool:
    return Product.objects.filter(**{f"slug_{code}": slug}).exclude(pk=product.pk).exists()


def _check_variant(product: Product, errors: dict, pending: Iterable[Product] = ()) -> None:
    model: ProductModel = product.model
    if model.family_id != product.family_id:
        errors.setdefault("model", []).append(
            ValidationError(
                _("A variant must have its product model's family (%(family)s).")
                % {"family": model.family},
                code="variant_family",
            )
        )
        return
    axes = list(model.variant_axes.all())
    combination = []
    for axis in axes:
        data = value_lookup(product.values, axis.code)
        if data is None:
            errors.setdefault("values", []).append(
                ValidationError(
                    _("%(attribute)s: a variant needs a value for the variant axis.")
                    % {"attribute": axis.code},
                    code="missing_axis",
                    params={"attribute": axis.code, "locale": None, "channel": None},
                )
            )
            return
        combination.append((axis.code, data))
    siblings = Product.objects.filter(model=model).exclude(pk=product.pk).only("sku", "values")
    for sibling in [*siblings, *pending]:
        if all(value_lookup(sibling.values, code) == data for code, data in combination):
            errors.setdefault("values", []).append(
                ValidationError(
                    _("Variant %(sku)s already has %(combination)s.")
                    % {
                        "sku": sibling.sku,
                        "combination": ", ".join(f"{c}={d}" for c, d in combination),
                    },
                    code="duplicate_variant",
                )
            )
            return


def product_check_edit_rights(*, user, before: Product | None, after: Product) -> None:
    """A translator changes only the text and localizable values of their own languages."""
    if user is None:
        return
    if not user.has_perm("catalog.add_product" if before is None else "catalog.change_product"):
        raise PermissionDenied(_("You may not edit products."))
    allowed = user_editable_languages(user)
    if allowed >= set(language_codes()):
        return
    if before is None:
        raise PermissionDenied(_("Only editors may create products."))
    problems = []
    for field in CORE_FIELDS + ("status",):
        if getattr(before, field) != getattr(after, field):
            problems.append(field)
    for field in PRODUCT_TEXT_FIELDS:
        for code in language_codes():
            name = f"{field}_{code}"
            if code not in allowed and (getattr(before, name) or "") != (
                getattr(after, name) or ""
            ):
                problems.append(name)
    for code, locale, channel in _changed_value_keys(before.values, after.values):
        if locale is None or locale not in allowed:
            problems.append(f"{code}[{locale or '-'}/{channel or '-'}]")
    if problems:
        raise PermissionDenied(
            _("You may edit only %(languages)s; not allowed to change: %(fields)s.")
            % {"languages": ", ".join(sorted(allowed)) or "-", "fields": ", ".join(problems)}
        )


def _changed_value_keys(before: Mapping, after: Mapping) -> set[tuple]:
    def flatten(values):
        return {
            (code, e.get("locale"), e.get("channel")): e.get("data")
            for code, entries in (values or {}).items()
            for e in entries
        }

    old, new = flatten(before), flatten(after)
    return {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


# Columns a save changes by itself: equal content means nothing to save, whatever these say.
_BOOKKEEPING_FIELDS = frozenset({"id", "version", "created_at", "updated_at"})


def product_content_equal(before: Product, after: Product) -> bool:
    """Whether ``after`` stores exactly what ``before`` does (bookkeeping columns aside).

    Every concrete column is compared by attname, so each language's column of a
    translated field counts on its own, and JSON values as the decoded structures the
    database round-trips (values are normalized by product_validate before this).
    """
    return all(
        getattr(before, field.attname) == getattr(after, field.attname)
        for field in Product._meta.concrete_fields
        if field.attname not in _BOOKKEEPING_FIELDS
    )


@transaction.atomic
def product_save(
    *,
    product: Product,
    user=None,
    expected_version: int | None = None,
    validate: bool = True,
    skip_unchanged: bool = False,
) -> Product:
    """Validate, check rights and the edit version, save, and refresh completeness.

    ``skip_unchanged``: an existing product whose content equals the stored one is not
    saved (no version bump, no updated_at change, no history entry) and is returned as
    stored; the caller knows its relations did not change either.
    """
    before = None
    if product.pk:
        before = Product.objects.select_for_update().filter(pk=product.pk).first()
    if before is not None and expected_version is not None and before.version != expected_version:
        raise EditConflict(product, expected_version, before.version)
    if validate:
        product_validate(product=product)
    product_check_edit_rights(user=user, before=before, after=product)
    if skip_unchanged and before is not None and product_content_equal(before, product):
        product.version, product.updated_at = before.version, before.updated_at
        return product
    product.version = (before.version + 1) if before is not None else 1
    if user is not None:
        product._history_user = user  # read by django-simple-history
    product.save()
    completeness_recompute(product_ids=[product.pk])
    return product


def product_build(
    *,
    sku: str,
    family,
    texts: Mapping[str, Mapping[str, str]] | None = None,
    values: Mapping | None = None,
    **fields,
) -> Product:
    """An unsaved product from plain data; ``texts`` is {field: {language: text}}."""
    product = Product(sku=sku, family=family, **{**_translated_defaults(), **fields})
    _apply_texts(product, texts or {})
    product.values = dict(values or {})
    return product


@functools.cache
def _translated_defaults() -> dict:
    """The per-language fields' defaults, given to Product() so it need not compute them.

    modeltranslation computes each under translation.override(): 45 fields, about half the
    cost of creating a product instance in a bulk import. They are constants.
    """
    return {
        f.attname: f.get_default()
        for f in Product._meta.concrete_fields
        if isinstance(f, TranslationField) and not (f.has_default() and callable(f.default))
    }


def product_create(
    *,
    sku: str,
    family,
    user=None,
    texts: Mapping[str, Mapping[str, str]] | None = None,
    values: Mapping | None = None,
    categories: Iterable = (),
    channels: Iterable = (),
    scope: ChannelScope | None = None,
    **fields,
) -> Product:
    """Create a product from plain data; ``texts`` is {field: {language: text}}.

    With a ``scope`` (an API client's channel) the product is put in that channel and in
    no other.
    """
    if scope is not None:
        channels = list(channels)
        scope.check_channels(current=(), wanted=channels)
        channels = [scope.channel]
    product = product_build(sku=sku, family=family, texts=texts, values=values, **fields)
    with transaction.atomic():
        product_save(product=product, user=user)
        product.categories.set(categories)
        product.channels.set(channels)
        completeness_recompute(product_ids=[product.pk])
    return product


@dataclass
class NewProduct:
    """One product for products_create_many: an unsaved product_build() and its relations.

    ``prices`` are dicts as product_prices_set takes them.
    """

    product: Product
    categories: Sequence = ()
    channels: Sequence = ()
    prices: Sequence[Mapping] = dataclasses.field(default_factory=list)


def products_create_many(
    *, items: Sequence[NewProduct], user=None
) -> dict[int, ValidationError | PermissionDenied]:
    """Create many products with product_create's rules, in a few queries per batch.

    Every product is validated by product_validate and checked by product_check_edit_rights,
    its prices by the price service's rules. Returns the problems by index in ``items``;
    the others are saved, in order, with version 1, one history entry each (categories and
    channels included) and their prices, as if created one by one. Completeness is
    recomputed once for all of them (or when an enclosing completeness_deferred() ends).
    """
    keys = ProductKeysInUse(item.product for item in items)
    schemas: dict[int, ValueSchema] = {}
    problems: dict[int, ValidationError | PermissionDenied] = {}
    accepted: list[tuple[NewProduct, list]] = []
    for index, item in enumerate(items):
        product = item.product
        family_id = product.family_id
        if family_id is not None and family_id not in schemas:
            schemas[family_id] = value_schema_for_family(product.family)
        try:
            product_validate(product=product, keys=keys, schema=schemas.get(family_id))
            product_check_edit_rights(user=user, before=None, after=product)
            prices = prices_build(product=product, prices=item.prices, user=user)
        except (ValidationError, PermissionDenied) as exc:
            problems[index] = exc
            continue
        keys.claim(product)
        accepted.append((item, prices))
    if accepted:
        _products_insert(accepted, user)
    return problems


@transaction.atomic
def _products_insert(accepted: list[tuple[NewProduct, list]], user) -> None:
    products = [item.product for item, _prices in accepted]
    for product in products:
        product.version = 1
    Product.objects.bulk_create(products, batch_size=_IN_BATCH)
    history = Product.history.bulk_history_create(products, default_user=user, batch_size=_IN_BATCH)
    for name in ("categories", "channels"):
        relation = Product._meta.get_field(name)
        through = relation.remote_field.through
        target = relation.m2m_reverse_field_name()  # "category" / "channel"
        rows, owners = [], []
        for (item, _prices), record in zip(accepted, history, strict=True):
            for related in dict.fromkeys(getattr(item, name)):
                rows.append(through(product_id=item.product.pk, **{f"{target}_id": related.pk}))
                owners.append(record)
        through.objects.bulk_create(rows, batch_size=_IN_BATCH)
        # The history entry lists the relations as simple_history's m2m tracking would.
        history_through = HistoricalRecords.m2m_models[relation]
        history_through.objects.bulk_create(
            [
                history_through(
                    history=record,
                    id=row.pk,
                    product_id=row.product_id,
                    **{f"{target}_id": getattr(row, f"{target}_id")},
                )
                for row, record in zip(rows, owners, strict=True)
            ],
            batch_size=_IN_BATCH,
        )
    prices_create(prices=[price for _item, prices in accepted for price in prices], user=user)
    ids = [product.pk for product in products]
    completeness_recompute(product_ids=ids)
    products_bulk_created.send(sender=Product, product_ids=ids)


def product_update(
    *,
    product: Product,
    user=None,
    expected_version: int | None = None,
    texts: Mapping[str, Mapping[str, str]] | None = None,
    values: Mapping | None = None,
    categories: Iterable | None = None,
    channels: Iterable | None = None,
    scope: ChannelScope | None = None,
    **fields,
) -> Product:
    """Apply plain-data changes; ``values`` replaces the given attributes' entries only.

    Changes that leave the product as it is write nothing (no version, history or
    completeness). With a ``scope`` (an API client's channel) the product's membership of
    other channels may not change.
    """
    for name, value in fields.items():
        setattr(product, name, value)
    _apply_texts(product, texts or {})
    if values is not None and not isinstance(values, Mapping):
        raise ValidationError(
            {
                "values": ValidationError(
                    _("Attribute values must be an object keyed by attribute code."),
                    code="invalid_shape",
                )
            }
        )
    if values is not None:
        merged = dict(product.values or {})
        for code, entries in values.items():
            if entries in (None, []):
                merged.pop(code, None)
            else:
                merged[code] = entries
        product.values = merged
    categories = _changed_relation(product, "categories", categories)
    channels = _changed_relation(product, "channels", channels)
    if scope is not None and channels is not None:
        scope.check_channels(current=product.channels.values_list("pk", flat=True), wanted=channels)
    with transaction.atomic():
        product_save(
            product=product,
            user=user,
            expected_version=expected_version,
            skip_unchanged=categories is None and channels is None,
        )
        _check_relation_rights(product, user, categories=categories, channels=channels)
        if categories is not None:
            product.categories.set(categories)
        if channels is not None:
            product.channels.set(channels)
        if categories is not None or channels is not None:
            completeness_recompute(product_ids=[product.pk])
    return product


def _changed_relation(product: Product, name: str, wanted: Iterable | None) -> list | None:
    """``wanted`` as a list, or None when it is not given or equals the stored relation."""
    if wanted is None:
        return None
    wanted = list(wanted)
    if product.pk is None:
        return wanted
    current = set(getattr(product, name).values_list("pk", flat=True))
    return None if {getattr(item, "pk", item) for item in wanted} == current else wanted


def _check_relation_rights(product: Product, user, **relations) -> None:
    """Categories and channels are not language content: translators may not change them."""
    if user is None or user_editable_languages(user) >= set(language_codes()):
        return
    for name, wanted in relations.items():
        if wanted is None:
            continue
        current = set(getattr(product, name).values_list("pk", flat=True))
        if {getattr(item, "pk", item) for item in wanted} != current:
            raise PermissionDenied(
                _("Only editors may change the %(relation)s of products.") % {"relation": name}
            )


def _apply_texts(product: Product, texts: Mapping[str, Mapping[str, str]]) -> None:
    cleaned = localized_texts_clean(texts=texts, fields=PRODUCT_TEXT_FIELDS)
    for field, by_language in cleaned.items():
        for code, text in by_language.items():
            setattr(product, f"{field}_{code}", text)


def media_attribute_codes(product: Product) -> list[str]:
    return [a.code for a in product.family.attributes.all() if a.type == AttributeType.MEDIA]


@transaction.atomic
@transaction.atomic
def product_assign_categories(
    *, products: Iterable[Product], categories: Iterable, user=None, replace: bool = False
) -> int:
    """Add categories to many products (or replace theirs); each product gets a new version
    and a history entry. Returns the number of products changed."""
    if user is not None:
        if not user.has_perm("catalog.change_product"):
            raise PermissionDenied(_("You may not edit products."))
        if not user_editable_languages(user) >= set(language_codes()):
            raise PermissionDenied(_("Only editors may change the categories of products."))
    categories = list(categories)
    count = 0
    for product in products:
        if replace:
            product.categories.set(categories)
        else:
            product.categories.add(*categories)
        product.version += 1
        product.save(update_fields=["version", "updated_at"])
        count += 1
    return count
