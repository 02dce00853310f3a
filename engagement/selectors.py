"""Campaign analytics: where journeys started (scans) and where they completed (redemptions)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from engagement.models import DeviceType, DiscountCode, RedemptionChannel, ScanEvent
from publishing.models import Campaign


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True)
class CampaignAnalytics:
    campaign: Campaign
    scans: int  # human scans (bots excluded)
    bot_scans: int
    per_day: tuple[Bar, ...]
    per_piece: tuple[Bar, ...]
    per_channel: tuple[Bar, ...]
    per_language: tuple[Bar, ...]
    per_device: tuple[Bar, ...]
    codes_issued: int
    codes_redeemed: int
    completed_in: tuple[Bar, ...]  # online / in store
    journeys: tuple[tuple[str, int, int, int], ...]  # (piece, started, online, store)

    @property
    def conversion_rate(self) -> float:
        """Redeemed codes per human scan."""
        return self.codes_redeemed / self.scans if self.scans else 0.0

    @property
    def redemption_rate(self) -> float:
        return self.codes_redeemed / self.codes_issued if self.codes_issued else 0.0


def _piece_label(title: str | None, kind: str | None, pk: int | None) -> str:
    if pk is None:
        return _("No printed piece")
    return title or f"{kind} #{pk}"


def campaign_analytics(
    *, campaign: Campaign, since: datetime.date | None = None, until: datetime.date | None = None
) -> CampaignAnalytics:
    """A fixed number of aggregate queries, whatever the number of scans."""
    scans = ScanEvent.objects.filter(campaign=campaign)
    if since:
        scans = scans.filter(scanned_at__date__gte=since)
    if until:
        scans = scans.filter(scanned_at__date__lte=until)
    human = scans.exclude(device=DeviceType.BOT)
    per_day = [
        Bar(row["day"].isoformat(), row["n"])
        for row in human.annotate(day=TruncDate("scanned_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    ]
    per_piece = [
        Bar(_piece_label(r["publication__title"], r["publication__kind"], r["publication"]), r["n"])
        for r in human.values("publication", "publication__title", "publication__kind")
        .annotate(n=Count("pk"))
        .order_by("-n", "publication")
    ]
    per_channel = [
        Bar(r["channel__code"] or _("none"), r["n"])
        for r in human.values("channel__code").annotate(n=Count("pk")).order_by("-n")
    ]
    per_language = [
        Bar(r["language"], r["n"])
        for r in human.values("language").annotate(n=Count("pk")).order_by("-n", "language")
    ]
    per_device = [
        Bar(str(DeviceType(r["device"]).label), r["n"])
        for r in scans.values("device").annotate(n=Count("pk")).order_by("-n")
    ]
    codes = DiscountCode.objects.filter(offer__campaign=campaign)
    totals = codes.aggregate(
        issued=Count("pk"),
        redeemed=Count("pk", filter=Q(redeemed_at__isnull=False)),
    )
    completed_in = [
        Bar(str(RedemptionChannel(r["redeemed_channel"]).label), r["n"])
        for r in codes.filter(redeemed_at__isnull=False)
        .values("redeemed_channel")
        .annotate(n=Count("pk"))
        .order_by("redeemed_channel")
    ]
    completed = {
        r["scan__publication"]: (r["web"], r["store"])
        for r in codes.filter(redeemed_at__isnull=False)
        .values("scan__publication")
        .annotate(
            web=Count("pk", filter=Q(redeemed_channel=RedemptionChannel.WEB)),
            store=Count("pk", filter=Q(redeemed_channel=RedemptionChannel.STORE)),
        )
    }
    journeys = []
    started = {
        r["publication"]: (r, r["n"])
        for r in human.values("publication", "publication__title", "publication__kind").annotate(
            n=Count("pk")
        )
    }
    for publication_id, (row, count) in sorted(started.items(), key=lambda kv: -kv[1][1]):
        online, store = completed.get(publication_id, (0, 0))
        label = _piece_label(row["publication__title"], row["publication__kind"], publication_id)
        journeys.append((label, count, online, store))
    return CampaignAnalytics(
        campaign=campaign,
        scans=human.count(),
        bot_scans=scans.filter(device=DeviceType.BOT).count(),
        per_day=tuple(per_day),
        per_piece=tuple(per_piece),
        per_channel=tuple(per_channel),
        per_language=tuple(per_language),
        per_device=tuple(per_device),
        codes_issued=totals["issued"],
        codes_redeemed=totals["redeemed"],
        completed_in=tuple(completed_in),
        journeys=tuple(journeys),
    )


@dataclass(frozen=True)
class SvgBar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class SvgChart:
    """Geometry of a server-rendered bar chart (the template draws it; no JavaScript)."""

    title: str
    width: int
    height: int
    bars: tuple[SvgBar, ...]
    max_value: int
    baseline: float


def bar_chart(title: str, bars, *, width: int = 640, height: int = 220) -> SvgChart:
    bars = list(bars)
    top, bottom, side = 20, 40, 10
    max_value = max((b.value for b in bars), default=0) or 1
    slot = (width - 2 * side) / max(len(bars), 1)
    bar_width = max(min(slot * 0.7, 60), 2)
    plot = height - top - bottom
    result = []
    for index, bar in enumerate(bars):
        bar_height = plot * bar.value / max_value
        x = side + index * slot + (slot - bar_width) / 2
        result.append(
            SvgBar(
                label=bar.label,
                value=bar.value,
                x=round(x, 1),
                y=round(top + plot - bar_height, 1),
                width=round(bar_width, 1),
                height=round(bar_height, 1),
                label_x=round(x + bar_width / 2, 1),
                label_y=height - bottom + 15,
            )
        )
    return SvgChart(
        title=title,
        width=width,
        height=height,
        bars=tuple(result),
        max_value=max_value,
        baseline=top + plot,
    )


def analytics_csv_rows(analytics: CampaignAnalytics):
    """(section, key, value) rows for the CSV export."""
    yield ("summary", "scans", analytics.scans)
    yield ("summary", "bot_scans", analytics.bot_scans)
    yield ("summary", "codes_issued", analytics.codes_issued)
    yield ("summary", "codes_redeemed", analytics.codes_redeemed)
    yield ("summary", "conversion_rate", f"{analytics.conversion_rate:.4f}")
    for section, bars in (
        ("scans_per_day", analytics.per_day),
        ("scans_per_piece", analytics.per_piece),
        ("scans_per_channel", analytics.per_channel),
        ("scans_per_language", analytics.per_language),
        ("scans_per_device", analytics.per_device),
        ("completed_in", analytics.completed_in),
    ):
        for bar in bars:
            yield (section, bar.label, bar.value)
    for piece, started, online, store in analytics.journeys:
        yield ("journey_started", piece, started)
        yield ("journey_completed_online", piece, online)
        yield ("journey_completed_in_store", piece, store)
