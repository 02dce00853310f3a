"""CSV (Merchant columns) and JSON Lines (the full view of each product) feeds."""

import csv
import io
from collections.abc import Iterable, Iterator

import orjson

from catalog.cells import cell_safe
from publishing.context import ProductView
from publishing.feeds.base import MERCHANT_FIELDS, absolute, merchant_fields, product_link

_ROWS_PER_CHUNK = 200


def feed_csv(products: Iterable[ProductView]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # A byte-order mark so spreadsheet programs read UTF-8 (Persian, Turkish) correctly.
    buffer.write("\ufeff")
    writer.writerow(MERCHANT_FIELDS)
    for count, view in enumerate(products, 1):
        fields = merchant_fields(view)
        # Titles and descriptions come from editors and imports: a feed opened in a
        # spreadsheet must never run them as formulas.
        writer.writerow(
            [
                cell_safe(",".join(v) if isinstance(v := fields[c], list) else v)
                for c in MERCHANT_FIELDS
            ]
        )
        if count % _ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def product_json(view: ProductView) -> dict:
    price = view.price
    return {
        "sku": view.sku,
        "gtin": view.gtin or None,
        "brand": view.brand,
        "locale": view.locale,
        "direction": view.direction,
        "is_fallback": view.is_fallback,
        "name": view.name,
        "short_description": view.short_description,
        "description": view.description,
        "link": product_link(view),
        "images": [absolute(image.url("web")) for image in view.images],
        "documents": [absolute(d.url) for d in view.documents],
        "price": {
            "amount": str(price.amount),
            "currency": price.currency,
            "sale_amount": str(price.sale_amount) if price.sale_amount is not None else None,
            "formatted": price.formatted,
        }
        if price
        else None,
        "categories": [list(c.path) for c in view.categories],
        "attributes": {
            a.code: {"label": a.label, "value": a.value, "data": a.raw, "unit": a.unit}
            for a in view.attributes
        },
        "item_group_id": view.model_code or None,
        "updated_at": view.updated_at.isoformat(),
    }


def feed_jsonl(products: Iterable[ProductView]) -> Iterator[bytes]:
    lines = []
    for view in products:
        lines.append(orjson.dumps(product_json(view), default=str))
        if len(lines) >= _ROWS_PER_CHUNK:
            yield b"\n".join(lines) + b"\n"
            lines = []
    if lines:
        yield b"\n".join(lines) + b"\n"
