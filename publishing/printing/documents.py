"""From a publication's parameters to print HTML and a PDF file.

Every kind reads the one selection (publishing.selection) and the one set of view objects
(publishing.context); templates under templates/publishing/print/ share one stylesheet family
(static/publishing/print/) and take colours and logo from the publication's Theme.
"""

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML

from publishing.context import ProductView, build_product_views, content_checksum
from publishing.formatting import format_date, format_number, text_direction
from publishing.models import Publication, PublicationKind, Theme
from publishing.printing.codes import barcode_image, qr_code_url
from publishing.printing.fetcher import PRINT_BASE_URL, ProjectFilesFetcher
from publishing.printing.labels import DEFAULT_LABEL_FORMAT, LABEL_FORMATS
from publishing.selection import Selection, select_products

# Raise when templates or styles change, so that unchanged content is rendered again once.
LAYOUT_VERSION = "2"
IMAGE_SPEC = "web"
_COUNTER_STYLES = {"arabext": "persian", "arab": "arabic-indic"}
_DEFAULT_THEME = {"primary": "#1a5fb4", "accent": "#e66100", "logo": ""}

Progress = Callable[[int, str], None]


@dataclass
class PrintSource:
    """What a publication shows: the selection, its view objects and their checksum."""

    selection: Selection
    views: list[ProductView]
    checksum: str
    log: list[str] = field(default_factory=list)


def _theme_for(publication: Publication) -> Theme | None:
    if publication.theme_id:
        return publication.theme
    if publication.campaign_id and publication.campaign.theme_id:
        return publication.campaign.theme
    return Theme.objects.filter(is_default=True).first()


def _theme_data(theme: Theme | None) -> dict:
    if theme is None:
        return dict(_DEFAULT_THEME)
    return {
        "primary": theme.primary_colour,
        "accent": theme.accent_colour,
        "logo": theme.logo.url if theme.logo else "",
    }


def _campaign_text(publication: Publication, name: str, log: list[str]) -> str:
    campaign = publication.campaign
    if campaign is None:
        return ""
    text = getattr(campaign, f"{name}_{publication.locale}", None) or ""
    if not text and publication.fallback_locale:
        text = getattr(campaign, f"{name}_{publication.fallback_locale}", None) or ""
        if text:
            log.append(
                _("Campaign %(field)s shown in %(fallback)s: missing in %(locale)s")
                % {
                    "field": name,
                    "fallback": publication.fallback_locale,
                    "locale": publication.locale,
                }
            )
    if not text and name == "title":
        log.append(_("Campaign title missing in %(locale)s") % {"locale": publication.locale})
    return text


def print_parameters(publication: Publication) -> dict:
    """Everything besides product content that changes what is printed."""
    log: list[str] = []
    return {
        "layout": LAYOUT_VERSION,
        "kind": publication.kind,
        "channel": publication.channel.code,
        "locale": publication.locale,
        "fallback_locale": publication.fallback_locale,
        "audience": publication.audience.code if publication.audience_id else None,
        "title": publication.title,
        "paper": publication.paper_size,
        "label_format": publication.label_format,
        "show_prices": publication.show_prices,
        "theme": _theme_data(_theme_for(publication)),
        "campaign": [
            publication.campaign.code if publication.campaign_id else None,
            _campaign_text(publication, "title", log),
            _campaign_text(publication, "message", log),
        ],
    }


def print_selection(publication: Publication) -> Selection:
    """The one selection, with the publication's categories, products or campaign."""
    skus = list(publication.products.values_list("sku", flat=True))
    if not skus and publication.kind == PublicationKind.BROCHURE and publication.campaign_id:
        skus = list(publication.campaign.products.values_list("sku", flat=True))
    single = publication.kind in (
        PublicationKind.TECHNICAL_SHEET,
        PublicationKind.INSTRUCTION_SHEET,
    )
    if single and not skus:
        raise ValidationError(
            _("Choose the product(s) for a %(kind)s.") % {"kind": publication.get_kind_display()}
        )
    if publication.kind == PublicationKind.BROCHURE and not skus:
        raise ValidationError(_("An offer brochure needs a campaign with products, or products."))
    return select_products(
        channel=publication.channel,
        locale=publication.locale,
        audience=publication.audience,
        category_codes=list(publication.categories.values_list("code", flat=True)),
        skus=skus,
        fallback_locale=publication.fallback_locale or None,
    )


def print_source(publication: Publication, *, build_renditions: bool = False) -> PrintSource:
    """What a publication prints; ``build_renditions`` when rendering (in the worker), so the
    PDF never embeds a full-size original in place of a rendition not built yet."""
    selection = print_selection(publication)
    views = build_product_views(
        selection, image_specs=(IMAGE_SPEC,), build_renditions=build_renditions
    )
    parameters = print_parameters(publication)
    log = list(selection.log_lines())
    _campaign_text(publication, "title", log)
    return PrintSource(
        selection=selection,
        views=views,
        checksum=content_checksum(views, **parameters),
        log=log,
    )


def counter_style(locale: str) -> str:
    """The CSS counter style for page numbers in the locale's own digits."""
    return _COUNTER_STYLES.get(Locale.parse(locale).default_numbering_system, "decimal")


def _absolute(url: str) -> str:
    return url if "://" in url else settings.PIM_PUBLIC_BASE_URL.rstrip("/") + url


def _product_links(publication: Publication, views: list[ProductView]) -> dict[int, str]:
    """The short link URL of every product printed, by product id (one query, one insert)."""
    from publishing.services.short_links import short_link_url, short_links_get_or_create

    links = short_links_get_or_create(
        product_ids=[view.id for view in views],
        publication=publication if publication.pk else None,
        channel=publication.channel,
        locale=publication.locale,
    )
    return {pk: short_link_url(link) for pk, link in links.items()}


def _instructions_target(view: ProductView) -> tuple[str, str] | None:
    """(URL, kind) of the manual or video a printed instruction sheet points to, if any."""
    for link in view.links:
        if link.role == "video":
            return link.url, "video"
    for document in view.documents:
        if document.role == "manual":
            return _absolute(document.url), "manual"
    return None


def _item(url: str, view: ProductView, *, barcode: bool = False) -> dict:
    item = {"product": view, "qr": qr_code_url(url), "url": url}
    if barcode:
        item["barcode"] = barcode_image(view.gtin)
    return item


def _document_size(size: int, locale: str) -> str:
    if size >= 1024 * 1024:
        return f"{format_number(round(size / 1048576, 1), locale)}\u00a0MB"
    return f"{format_number(max(1, round(size / 1024)), locale)}\u00a0kB"


def _sections(items: list[dict]) -> list[dict]:
    """One section per category (a product's first category), in category tree order."""
    sections: dict[str, dict] = {}
    for item in items:
        categories = item["product"].categories
        category = min(categories, key=lambda c: c.position) if categories else None
        key = category.code if category else ""
        if key not in sections:
            sections[key] = {
                "id": f"section-{key or 'other'}",
                "title": " › ".join(category.path) if category else _("Other products"),
                "depth": len(category.path) - 1 if category else 0,
                "order": category.position if category else ((10**9, ""),),
                "items": [],
            }
        sections[key]["items"].append(item)
    return sorted(sections.values(), key=lambda s: s["order"])


_BATCH = 200


def _print_item(
    publication: Publication, view: ProductView, links: dict[int, str], log: list[str]
) -> dict:
    """What one product's block, sheet or label needs besides its view: codes and lists."""
    kind, locale = publication.kind, publication.locale
    if kind == PublicationKind.INSTRUCTION_SHEET:
        url, target = _instructions_target(view) or (links[view.id], "product")
        item = {"product": view, "qr": qr_code_url(url), "url": url, "target": target}
        item["images"] = [i for i in view.images if i.role in ("main", "gallery", "drawing")]
        return item
    needs_barcode = kind in (PublicationKind.TECHNICAL_SHEET, PublicationKind.LABELS)
    item = _item(links[view.id], view, barcode=needs_barcode)
    if needs_barcode and view.gtin and item["barcode"] is None:
        log.append(
            _("%(sku)s: GTIN %(gtin)s has no retail barcode") % {"sku": view.sku, "gtin": view.gtin}
        )
    if kind == PublicationKind.TECHNICAL_SHEET:
        item["documents"] = [
            {"title": d.title, "size": _document_size(d.size, locale)} for d in view.documents
        ]
        item["drawings"] = [i for i in view.images if i.role == "drawing"]
    return item


def print_context(
    publication: Publication, source: PrintSource, *, progress: Progress | None = None
) -> dict:
    locale = publication.locale
    kind = publication.kind
    log: list[str] = []
    label_format = LABEL_FORMATS.get(publication.label_format or DEFAULT_LABEL_FORMAT)
    if kind == PublicationKind.LABELS and label_format is None:
        raise ValidationError(
            _("Unknown label format %(code)s (known: %(known)s).")
            % {"code": publication.label_format, "known": ", ".join(LABEL_FORMATS)}
        )
    items = []
    total = len(source.views)
    # An instruction sheet points at its manual or video; only a fallback needs a short link.
    # All links are made first, in one short write; what follows (QR codes, barcodes) writes
    # files only, so no transaction is held while they are drawn (on SQLite a transaction
    # holds the one write lock that scans and edits wait for).
    linked = source.views
    if kind == PublicationKind.INSTRUCTION_SHEET:
        linked = [view for view in source.views if _instructions_target(view) is None]
    links = _product_links(publication, linked) if linked else {}
    for start in range(0, total, _BATCH):
        for view in source.views[start : start + _BATCH]:
            items.append(_print_item(publication, view, links, log))
        if progress:
            done = min(total, start + _BATCH)
            progress(40 + 15 * done // total, _("Codes for %(n)s products") % {"n": done})
    campaign_log: list[str] = []
    context = {
        "publication": publication,
        "kind": kind,
        "lang": locale,
        "dir": text_direction(locale),
        "counter_style": counter_style(locale),
        "paper": "letter" if publication.paper_size == "letter" else "A4",
        "theme": _theme_data(_theme_for(publication)),
        "title": publication.title or str(publication.get_kind_display()),
        "channel": publication.channel,
        "channel_name": getattr(publication.channel, f"name_{locale}", None)
        or publication.channel.code,
        "date": format_date(timezone.localdate(), locale),
        "show_prices": publication.show_prices,
        "items": items,
        "log": log,
        "label_format": label_format,
        "campaign_title": _campaign_text(publication, "title", campaign_log),
        "campaign_message": _campaign_text(publication, "message", campaign_log),
    }
    if kind == PublicationKind.CATALOG:
        context["sections"] = _sections(items)
    if kind == PublicationKind.LABELS and label_format.is_sheet:
        per_page, columns = label_format.per_page, label_format.columns
        for index, item in enumerate(items):
            row, column = divmod(index % per_page, columns)
            if context["dir"] == "rtl":
                column = columns - 1 - column
            item["left"] = column * label_format.label_width
            item["top"] = row * label_format.label_height
        context["sheets"] = [items[i : i + per_page] for i in range(0, len(items), per_page)]
        context["sheet_height"] = label_format.rows * label_format.label_height
    if kind == PublicationKind.BROCHURE and publication.campaign_id:
        from publishing.services.short_links import short_link_get_or_create, short_link_url

        link = short_link_get_or_create(
            campaign=publication.campaign,
            publication=publication if publication.pk else None,
            channel=publication.channel,
            locale=locale,
        )
        context["campaign_url"] = short_link_url(link)
        context["campaign_qr"] = qr_code_url(context["campaign_url"])
    return context


_TEMPLATES = {
    PublicationKind.CATALOG: "publishing/print/catalog.html",
    PublicationKind.TECHNICAL_SHEET: "publishing/print/technical_sheet.html",
    PublicationKind.INSTRUCTION_SHEET: "publishing/print/instruction_sheet.html",
    PublicationKind.BROCHURE: "publishing/print/brochure.html",
    PublicationKind.LABELS: "publishing/print/labels.html",
}


def print_html(publication: Publication, context: dict) -> str:
    """The HTML that is printed (also what "preview" shows in a browser)."""
    with translation.override(publication.locale):
        return render_to_string(_TEMPLATES[publication.kind], context)


# Below this many labels per part, forking and a part's fixed cost (stylesheets, fonts,
# a second font subset in the PDF) outweigh laying out in parallel.
_MIN_LABELS_PER_PART = 96


def print_workers() -> int:
    """How many processes lay out one document: PIM_PRINT_WORKERS, or one per usable CPU."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # parts are laid out in forked children (not available on Windows)
    configured = getattr(settings, "PIM_PRINT_WORKERS", 0)
    if configured > 0:
        return configured
    return len(os.sched_getaffinity(0))


def print_html_parts(publication: Publication, context: dict, *, parts: int) -> list[str]:
    """The printed HTML as up to ``parts`` documents of whole pages, to lay out in parallel.

    Only labels split: their pages are independent (no page numbers, contents or running
    headers flow between them, Kozea/WeasyPrint#1060). Every other kind comes back whole.
    """
    if publication.kind != PublicationKind.LABELS or parts < 2:
        return [print_html(publication, context)]
    label_format = context["label_format"]
    key = "sheets" if label_format.is_sheet else "items"
    pages = context[key]
    parts = min(parts, len(pages) * label_format.per_page // _MIN_LABELS_PER_PART)
    if parts < 2:
        return [print_html(publication, context)]
    size = -(-len(pages) // parts)
    return [
        print_html(publication, {**context, key: pages[start : start + size]})
        for start in range(0, len(pages), size)
    ]


@dataclass(frozen=True)
class PdfResult:
    pages: int
    refused: tuple[str, ...]
    seconds_layout: float
    seconds_write: float
    parts: int = 1


def pdf_write(html: str, target: Path, *, progress: Progress | None = None) -> PdfResult:
    """Lay out ``html`` and write the PDF to ``target``, reading local files only."""
    fetcher = ProjectFilesFetcher()
    started = time.monotonic()
    document = HTML(
        string=html, base_url=PRINT_BASE_URL, url_fetcher=fetcher, encoding="utf-8"
    ).render()
    laid_out = time.monotonic()
    if progress:
        progress(85, _("Laid out %(n)s pages") % {"n": len(document.pages)})
    document.write_pdf(target)
    return PdfResult(
        pages=len(document.pages),
        refused=tuple(fetcher.refused),
        seconds_layout=laid_out - started,
        seconds_write=time.monotonic() - laid_out,
    )


def _write_part(html: str, target: str) -> PdfResult:
    return pdf_write(html, Path(target))


def pdf_write_parts(
    parts: list[str], target: Path, *, progress: Progress | None = None
) -> PdfResult:
    """Lay out each part in its own process and merge the PDFs, in order, into ``target``.

    Children are forked: they inherit settings and loaded code, get only an HTML string and
    never touch the database. Layout and PDF seconds are the slowest part's; the merge counts
    as PDF time.
    """
    if len(parts) == 1:
        return pdf_write(parts[0], target, progress=progress)
    # A connection open at fork time is shared with the children; close what can be closed
    # (not inside a transaction, which closing would lose). Children never use it.
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()
    files = [target.with_name(f"{target.name}.{number}") for number in range(len(parts))]
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=len(parts), mp_context=context) as pool:
            futures = [
                pool.submit(_write_part, html, str(file))
                for html, file in zip(parts, files, strict=True)
            ]
            for done, future in enumerate(as_completed(futures), start=1):
                future.result()
                if progress:
                    progress(
                        60 + 30 * done // len(parts),
                        _("Laid out part %(n)s of %(total)s") % {"n": done, "total": len(parts)},
                    )
            results = [future.result() for future in futures]
        started = time.monotonic()
        _merge_pdfs(files, target)
        merged = time.monotonic() - started
    finally:
        for file in files:
            file.unlink(missing_ok=True)
    return PdfResult(
        pages=sum(r.pages for r in results),
        refused=tuple(line for r in results for line in r.refused),
        seconds_layout=max(r.seconds_layout for r in results),
        seconds_write=max(r.seconds_write for r in results) + merged,
        parts=len(parts),
    )


def _merge_pdfs(files: list[Path], target: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for file in files:
        writer.append(PdfReader(file))
    metadata = PdfReader(files[0]).metadata
    if metadata:
        writer.add_metadata(dict(metadata))
    with open(target, "wb") as handle:
        writer.write(handle)
