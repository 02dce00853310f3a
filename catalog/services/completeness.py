"""Completeness per (channel, locale): computed set-based and stored for fast lists.

A product is measured for each channel it is published to and each locale of that channel.
Requirements come from its family's channel requirement (attributes, translated fields,
asset roles) plus attributes marked "required everywhere".

Only rows whose result changed are rewritten: a recompute after an edit that did not change
a score writes nothing, and a full recompute of an unchanged catalog is read-only.

Each chunk of products is written in its own short transaction when the caller has none
(a full recompute, the worker, a command). Called inside a caller's transaction, a recompute of
at most one chunk joins it; a bigger one (a family's or a channel's products after an admin
save) runs after the commit, chunk by chunk, so no transaction holds the write lock for long.

Bulk writers (the spreadsheet import) wrap their work in ``completeness_deferred()``: the
services and signals inside it only note what to recompute, and one set-based recompute runs
when the block ends.
"""

import dataclasses
import json
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast

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

# Products measured and written per transaction. On SQLite a transaction holds the database's
# only write lock: 200 products (~3,000 rows) write in well under 200 ms on the 2-core bench
# machine (2,000 took up to 1 s), so scans and edits never wait long. Reads happen outside.
CHUNK_SIZE = 200
# Rows deleted per statement: stays below every backend's bound-parameter limit.
DELETE_BATCH = 900
INSERT_BATCH = 2000
_EMPTY = (None, "", [])


@dataclass
class _Pending:
    """What a ``completeness_deferred()`` block has been asked to recompute."""

    product_ids: set[int] = dataclasses.field(default_factory=set)
    # (product_ids, family_ids, channel_ids) of calls that are not by product only
    scopes: list[tuple] = dataclasses.field(default_factory=list)
    everything: bool = False

    def add(self, product_ids, family_ids, channel_ids) -> None:
        if product_ids is None and family_ids is None and channel_ids is None:
            self.everything = True
        elif family_ids is None and channel_ids is None:
            self.product_ids.update(product_ids)
        else:
            self.scopes.append((product_ids, family_ids, channel_ids))

    def run(self) -> None:
        rules = _Rules.load()
        if self.everything:
            _recompute(rules=rules)
            return
        ids = sorted(self.product_ids)
        for start in range(0, len(ids), CHUNK_SIZE):
            _recompute(product_ids=ids[start : start + CHUNK_SIZE], rules=rules)
        for product_ids, family_ids, channel_ids in self.scopes:
            _recompute(
                product_ids=product_ids, family_ids=family_ids, channel_ids=channel_ids, rules=rules
            )


_state = threading.local()


@contextmanager
def completeness_deferred() -> Iterator[None]:
    """Collect recomputes inside the block and run them once, set-based, when it ends.

    Nested blocks join the outermost one. If the block raises, nothing is recomputed (the
    caller's transaction is expected to roll the writes back). Per thread, so concurrent
    requests are not affected. Code that reads completeness inside the block must ask for
    it with ``completeness_recompute(..., immediate=True)``.
    """
    if getattr(_state, "pending", None) is not None:
        yield
        return
    pending = _state.pending = _Pending()
    try:
        yield
    finally:
        _state.pending = None
    pending.run()


def completeness_recompute(
    *,
    product_ids: Iterable[int] | None = None,
    family_ids: Iterable[int] | None = None,
    channel_ids: Iterable[int] | None = None,
    immediate: bool = False,
) -> int:
    """Recompute and store completeness; returns the number of products measured.

    With no arguments every product is measured. Queries per chunk are constant. Inside
    ``completeness_deferred()`` the work is only noted (and 0 returned) unless
    ``immediate``.
    """
    product_ids = None if product_ids is None else list(product_ids)
    family_ids = None if family_ids is None else list(family_ids)
    channel_ids = None if channel_ids is None else list(channel_ids)
    pending = getattr(_state, "pending", None)
    if pending is not None and not immediate:
        pending.add(product_ids, family_ids, channel_ids)
        return 0
    if (
        not immediate
        and connection.in_atomic_block
        and _more_than_a_chunk(product_ids, family_ids, channel_ids)
    ):
        # A family's or channel's products, measured inside the caller's transaction (an admin
        # save), would hold SQLite's write lock for seconds: run after the commit instead,
        # one short transaction per chunk. Nothing reads these scores inside that transaction.
        transaction.on_commit(
            lambda: _recompute(
                product_ids=product_ids, family_ids=family_ids, channel_ids=channel_ids
            ),
            robust=True,
        )
        return 0
    return _recompute(product_ids=product_ids, family_ids=family_ids, channel_ids=channel_ids)


def _more_than_a_chunk(product_ids, family_ids, channel_ids) -> bool:
    if family_ids is None and channel_ids is None and product_ids is not None:
        return len(product_ids) > CHUNK_SIZE
    queryset = _scope(product_ids, family_ids, channel_ids)
    return queryset is not None and queryset[: CHUNK_SIZE + 1].count() > CHUNK_SIZE


def _scope(product_ids, family_ids, channel_ids):
    """The products a recompute measures, or None when there are none."""
    queryset = Product.objects.order_by("pk")
    if product_ids is not None:
        if not product_ids:
            return None
        queryset = queryset.filter(pk__in=product_ids)
    if family_ids is not None:
        queryset = queryset.filter(family_id__in=family_ids)
    if channel_ids is not None:
        queryset = queryset.filter(channels__in=channel_ids).distinct()
    return queryset


def _recompute(*, product_ids=None, family_ids=None, channel_ids=None, rules=None) -> int:
    queryset = _scope(product_ids, family_ids, channel_ids)
    if queryset is None:
        return 0
    rules = rules or _Rules.load()
    columns = ["pk", "family_id", "model_id", "values", *rules.text_columns]
    count = 0
    last_pk = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last_pk).values(*columns)[:CHUNK_SIZE])
        if not chunk:
            break
        last_pk = chunk[-1]["pk"]
        _recompute_chunk(chunk, rules)
        count += len(chunk)
        if len(chunk) < CHUNK_SIZE:
            break
    return count


@dataclass(frozen=True)
class _Requirement:
    """What one family needs in one channel, ready to check without further lookups."""

    fields: tuple[str, ...]
    # (attribute code, localizable, channel code the value must carry or None)
    attributes: tuple[tuple[str, bool, str | None], ...]
    roles: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.fields) + len(self.attributes) + len(self.roles)


class _Rules:
    """Families' requirements and channels, loaded once per recompute (a few small queries)."""

    def __init__(self, channels, attributes, requirements, required_everywhere, text_columns):
        self.channels = channels  # pk -> (code, locales)
        self.attributes = attributes  # pk -> (code, localizable, scopable)
        self.requirements = requirements  # (family_id, channel_id) -> _Requirement
        self.required_everywhere = required_everywhere  # family_id -> [attribute pk]
        self.text_columns = text_columns
        self._cache: dict[tuple[int, int], _Requirement] = {}
        self._codes: dict[int, frozenset[str]] = {}

    @classmethod
    def load(cls) -> "_Rules":
        channels = {
            pk: (code, list(locales or []))
            for pk, code, locales in Channel.objects.values_list("pk", "code", "locales")
        }
        attributes = {
            pk: (code, localizable, scopable)
            for pk, code, localizable, scopable in Attribute.objects.values_list(
                "pk", "code", "is_localizable", "is_scopable"
            )
        }
        through = FamilyChannelRequirement.attributes.through
        required_attributes = defaultdict(list)
        for requirement_id, attribute_id in through.objects.order_by("pk").values_list(
            "familychannelrequirement_id", "attribute_id"
        ):
            required_attributes[requirement_id].append(attribute_id)
        requirements: dict[tuple[int, int], tuple] = {}
        fields_used: set[str] = set()
        for (
            pk,
            family_id,
            channel_id,
            fields,
            roles,
        ) in FamilyChannelRequirement.objects.values_list(
            "pk", "family_id", "channel_id", "translated_fields", "asset_roles"
        ):
            fields = list(fields or [])
            fields_used.update(fields)
            requirements[(family_id, channel_id)] = (
                fields,
                required_attributes.get(pk, []),
                list(roles or []),
            )
        everywhere: dict[int, list[int]] = defaultdict(list)
        for family_id, attribute_id in FamilyAttribute.objects.filter(
            attribute__is_required=True
        ).values_list("family_id", "attribute_id"):
            everywhere[family_id].append(attribute_id)
        compiled = {}
        for (family_id, channel_id), (fields, attribute_ids, roles) in requirements.items():
            ids = list(dict.fromkeys(attribute_ids + everywhere.get(family_id, [])))
            compiled[(family_id, channel_id)] = _compile(
                fields, ids, roles, attributes, channels.get(channel_id, ("", []))[0]
            )
        locales = sorted({code for _code, codes in channels.values() for code in codes})
        text_columns = [f"{field}_{code}" for field in sorted(fields_used) for code in locales]
        return cls(channels, attributes, compiled, dict(everywhere), text_columns)

    def required_codes(self, family_id: int) -> frozenset[str]:
        """Codes of every attribute the family requires in any channel."""
        if family_id not in self._codes:
            codes = {
                check[0]
                for (family, _channel), requirement in self.requirements.items()
                if family == family_id
                for check in requirement.attributes
            }
            codes.update(
                self.attributes[pk][0] for pk in self.required_everywhere.get(family_id, ())
            )
            self._codes[family_id] = frozenset(codes)
        return self._codes[family_id]

    def requirement(self, family_id: int, channel_id: int) -> _Requirement:
        """The family's channel requirement, or only its "required everywhere" attributes."""
        found = self.requirements.get((family_id, channel_id))
        if found is not None:
            return found
        key = (family_id, channel_id)
        if key not in self._cache:
            self._cache[key] = _compile(
                [],
                self.required_everywhere.get(family_id, []),
                [],
                self.attributes,
                self.channels.get(channel_id, ("", []))[0],
            )
        return self._cache[key]


def _compile(fields, attribute_ids, roles, attributes, channel_code) -> _Requirement:
    checks = []
    for attribute_id in attribute_ids:
        code, localizable, scopable = attributes[attribute_id]
        checks.append((code, localizable, channel_code if scopable else None))
    return _Requirement(tuple(fields), tuple(checks), tuple(roles))


def _present(values, codes) -> set[tuple]:
    """(code, locale, channel) of every entry of the given attributes that holds data."""
    values = values or {}
    return {
        (code, entry.get("locale"), entry.get("channel"))
        for code in codes
        for entry in values.get(code, ())
        if entry.get("data") not in _EMPTY
    }


def _recompute_chunk(products: list[dict], rules: _Rules) -> None:
    ids = [p["pk"] for p in products]
    channel_links = defaultdict(list)
    for product_id, channel_id in Product.channels.through.objects.filter(
        product_id__in=ids
    ).values_list("product_id", "channel_id"):
        channel_links[product_id].append(channel_id)
    model_ids = {p["model_id"] for p in products if p["model_id"]}
    model_columns = [c for c in rules.text_columns if c.rsplit("_", 1)[0] in INHERITED_TEXT_FIELDS]
    models = {
        m["pk"]: m
        for m in ProductModel.objects.filter(pk__in=model_ids).values(
            "pk", "values", *model_columns
        )
    }
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

    computed: dict[tuple[int, int, str], tuple[int, int, list]] = {}
    for product in products:
        model = models.get(product["model_id"])
        values = values_merge(model["values"], product["values"]) if model else product["values"]
        present = _present(values, rules.required_codes(product["family_id"]))
        asset_roles = roles[("p", product["pk"])]
        if model:
            asset_roles = asset_roles | roles[("m", model["pk"])]
        for channel_id in channel_links.get(product["pk"], ()):
            channel = rules.channels.get(channel_id)
            if channel is None:
                continue
            requirement = rules.requirement(product["family_id"], channel_id)
            required = requirement.size
            for locale in channel[1]:
                missing = _missing_for(product, model, present, asset_roles, requirement, locale)
                ratio = 100 if required == 0 else (100 * (required - len(missing))) // required
                computed[(product["pk"], channel_id, locale)] = (ratio, required, missing)
    _store(ids, computed)


def _missing_for(product, model, present, asset_roles, requirement: _Requirement, locale):
    missing = []
    for field in requirement.fields:
        column = f"{field}_{locale}"
        text = product.get(column)
        if not text and model is not None and field in INHERITED_TEXT_FIELDS:
            text = model.get(column)
        if not (text or "").strip():
            missing.append({"type": "field", "code": field})
    for code, localizable, channel_code in requirement.attributes:
        if (code, locale if localizable else None, channel_code) not in present:
            missing.append({"type": "attribute", "code": code})
    for role in requirement.roles:
        if (role, "") not in asset_roles and (role, locale) not in asset_roles:
            missing.append({"type": "asset", "code": role})
    return missing


def _store(ids: list[int], computed: dict) -> None:
    """Write only what changed: replace changed rows, add new ones, drop stale ones."""
    stale = []
    decoded: dict[str, list] = {}  # a catalog has few distinct "missing" lists: parse each once
    for pk, product_id, channel_id, locale, ratio, required, text in (
        Completeness.objects.filter(product_id__in=ids)
        .order_by()
        .annotate(missing_text=Cast("missing", TextField()))
        .values_list(
            "pk", "product_id", "channel_id", "locale", "ratio", "required_count", "missing_text"
        )
    ):
        missing = decoded.get(text)
        if missing is None:
            missing = decoded[text] = json.loads(text) if text else []
        key = (product_id, channel_id, locale)
        if computed.get(key) == (ratio, required, missing):
            del computed[key]  # unchanged: keep the stored row
        else:
            stale.append(pk)
    if not stale and not computed:
        return
    with transaction.atomic():
        for start in range(0, len(stale), DELETE_BATCH):
            Completeness.objects.filter(pk__in=stale[start : start + DELETE_BATCH]).delete()
        _insert(computed)


def _insert(computed: dict) -> None:
    """Multi-row INSERTs: ORM bulk_create spends most of a full recompute compiling SQL.

    No model signals are lost: bulk_create sends none either.
    """
    if not computed:
        return
    meta = Completeness._meta
    quote = connection.ops.quote_name
    names = ("product", "channel", "locale", "ratio", "required_count", "missing")
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)
    row_sql = "(" + ", ".join(["%s"] * len(names)) + ")"
    prefix = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
    if connection.vendor == "postgresql":
        # psycopg 3 parses a large multi-row INSERT slowly; COPY streams the rows instead.
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for (product_id, channel_id, locale), (ratio, required, missing) in computed.items():
                copy.write_row(
                    (product_id, channel_id, locale, ratio, required, json.dumps(missing))
                )
        return
    missing_field = meta.get_field("missing")
    adapted: dict[tuple, object] = {}  # most rows share a handful of "missing" lists

    def prepare(missing):
        key = tuple((item["type"], item["code"]) for item in missing)
        if key not in adapted:
            adapted[key] = missing_field.get_db_prep_save(missing, connection)
        return adapted[key]

    rows = [
        (product_id, channel_id, locale, ratio, required, prepare(missing))
        for (product_id, channel_id, locale), (ratio, required, missing) in computed.items()
    ]
    fields = [meta.get_field(name) for name in names]
    batch = max(1, min(INSERT_BATCH, connection.ops.bulk_batch_size(fields, rows)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            cursor.execute(
                prefix + ", ".join([row_sql] * len(part)),
                [value for row in part for value in row],
            )
