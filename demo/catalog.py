"""A realistic demo catalog (Lumora lighting), built through the catalog services.

``demo_load()`` is idempotent: everything is looked up by its code, SKU or username first
and only missing objects are created, so a second run writes nothing.
"""

import datetime
import os
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from stdnum import ean

from catalog.languages import language_codes
from catalog.models import (
    Asset,
    Attribute,
    AttributeOption,
    Audience,
    Category,
    Channel,
    EditorProfile,
    Family,
    FamilyAttribute,
    FamilyChannelRequirement,
    Price,
    Product,
    ProductModel,
    ProductStatus,
)
from catalog.services.assets import asset_create
from catalog.services.product_models import product_model_save
from catalog.services.products import product_create, product_update
from catalog.services.roles import roles_ensure_groups
from catalog.services.status import product_set_status
from demo import content
from demo.media import manual_pdf, product_picture, technical_drawing

DEFAULT_PASSWORD = "demo"
PASSWORD_ENV = "PIM_DEMO_PASSWORD"
GTIN_PREFIX = "6430123"  # GS1 Finland range; 7 + 5 item digits + check digit = GTIN-13
PREFIXES = {
    "table-lamps": "TL",
    "pendants": "PD",
    "outdoor-lights": "OW",
    "led-bulbs": "BU",
    "led-strips": "ST",
    "headlamps": "HL",
}


@dataclass
class DemoSummary:
    """What a load created, and how big the demo catalog now is."""

    created: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    admin_username: str = "admin"
    password_from_env: bool = False
    api_tokens: dict[str, str] = field(default_factory=dict)  # demo API client -> token

    def add(self, kind: str, count: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + count


@dataclass
class ProductSpec:
    """One demo product before it exists: identity, figures and deliberate gaps."""

    index: int
    sku: str
    family: str
    series: str
    figures: dict
    materials: list[str]
    channels: list[str]
    model: str | None = None
    axis_value: str | None = None
    colour: str | None = None
    price: Decimal = Decimal("0")
    target: str = ProductStatus.APPROVED
    skip_languages: tuple[str, ...] = ()
    main_image: bool = True

    @property
    def gtin(self) -> str:
        digits = f"{GTIN_PREFIX}{self.index + 1:05d}"
        return digits + ean.calc_check_digit(digits)


@dataclass
class ModelSpec:
    code: str
    family: str
    series: str
    axis: str
    figures: dict
    materials: list[str]
    colour: str | None
    variants: list[ProductSpec] = field(default_factory=list)


# --- entry point ------------------------------------------------------------------------------


def demo_load(*, products: int | None = None, password: str | None = None) -> DemoSummary:
    """Create the demo catalog (or the missing part of it); return what was created.

    ``products`` limits how many of the 65 demo products are loaded (tests use a few).
    The password of new demo users is ``password``, else $PIM_DEMO_PASSWORD, else "demo".
    """
    summary = DemoSummary()
    summary.password_from_env = password is None and bool(os.environ.get(PASSWORD_ENV))
    password = demo_password(password)
    languages = [code for code in language_codes() if code in content.NAME_PATTERNS]
    with transaction.atomic():
        _users(password, summary)
        channels = _channels(languages, summary)
        audiences = _audiences(languages, summary)
        categories = _categories(languages, summary)
        attributes = _attributes(languages, audiences, summary)
        families = _families(languages, attributes, channels, summary)
        loader = _ProductLoader(
            languages=languages,
            channels=channels,
            audiences=audiences,
            categories=categories,
            families=families,
            summary=summary,
        )
        models, specs = demo_product_specs()
        if products is not None:
            specs = specs[:products]
        for spec in specs:
            loader.load(spec, models.get(spec.model))
    summary.totals = {
        "products": Product.objects.count(),
        "product models": ProductModel.objects.count(),
        "families": Family.objects.count(),
        "attributes": Attribute.objects.count(),
        "categories": Category.objects.count(),
        "channels": Channel.objects.count(),
        "audiences": Audience.objects.count(),
        "assets": Asset.objects.count(),
        "prices": Price.objects.count(),
        "approved": Product.objects.approved().count(),
    }
    return summary


def demo_password(password: str | None = None) -> str:
    """The demo users' password: ``password``, else $PIM_DEMO_PASSWORD, else "demo"."""
    return password or os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD


# --- people, channels, structure --------------------------------------------------------------


def _users(password: str, summary: DemoSummary) -> None:
    groups = roles_ensure_groups()
    user_model = get_user_model()
    if not user_model.objects.filter(username="admin").exists():
        user_model.objects.create_superuser("admin", "admin@lumora.example.com", password)
        summary.add("users")
    for username, role, profile_languages in content.USERS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_user(
                username, f"{username}@lumora.example.com", password, is_staff=True
            )
            user.groups.add(groups[role])
            summary.add("users")
        if profile_languages is not None and not hasattr(user, "pim_profile"):
            languages = [code for code in profile_languages if code in language_codes()]
            EditorProfile.objects.create(user=user, languages=languages)


def _names(field_name: str, texts: dict, languages: list[str]) -> dict:
    return {f"{field_name}_{code}": texts[code] for code in languages if code in texts}


def _create(model, summary: DemoSummary, counted_as: str, /, **fields):
    instance = model(**fields)
    instance.full_clean()
    instance.save()
    summary.add(counted_as)
    return instance


def _channels(languages, summary) -> dict[str, Channel]:
    channels = {c.code: c for c in Channel.objects.all()}
    for position, row in enumerate(content.CHANNELS):
        if row["code"] in channels:
            continue
        channels[row["code"]] = _create(
            Channel,
            summary,
            "channels",
            code=row["code"],
            kind=row["kind"],
            currency=row["currency"],
            locales=[code for code in row["locales"] if code in languages],
            position=position,
            **_names("name", row["name"], languages),
        )
    return channels


def _audiences(languages, summary) -> dict[str, Audience]:
    audiences = {a.code: a for a in Audience.objects.all()}
    for position, row in enumerate(content.AUDIENCES):
        if row["code"] not in audiences:
            audiences[row["code"]] = _create(
                Audience,
                summary,
                "audiences",
                code=row["code"],
                is_public=row["is_public"],
                position=position,
                **_names("name", row["name"], languages),
            )
    return audiences


def _categories(languages, summary) -> dict[str, Category]:
    categories = {c.code: c for c in Category.objects.all()}
    for position, (code, parent, names) in enumerate(content.CATEGORIES):
        if code not in categories:
            categories[code] = _create(
                Category,
                summary,
                "categories",
                code=code,
                parent=categories[parent] if parent else None,
                position=position,
                **_names("name", names, languages),
            )
    return categories


def _option_rows(spec) -> list[dict]:
    source = spec.get("options") or []
    if isinstance(source, str):
        table = getattr(content, source)
        return [{"code": code, "label": row["label"]} for code, row in table.items()]
    return source


def _attributes(languages, audiences, summary) -> dict[str, Attribute]:
    attributes = {a.code: a for a in Attribute.objects.all()}
    for position, spec in enumerate(content.ATTRIBUTES):
        if spec["code"] in attributes:
            continue
        fields = {
            key: spec[key]
            for key in (
                "unit",
                "decimal_places",
                "min_value",
                "max_value",
                "max_length",
                "is_localizable",
                "is_scopable",
                "is_technical",
                "is_key",
            )
            if key in spec
        }
        attribute = _create(
            Attribute,
            summary,
            "attributes",
            code=spec["code"],
            type=spec["type"],
            position=position,
            **fields,
            **_names("label", spec["label"], languages),
        )
        if spec.get("audience"):
            attribute.audiences.set([audiences[spec["audience"]]])
        for option_position, option in enumerate(_option_rows(spec)):
            _create(
                AttributeOption,
                summary,
                "options",
                attribute=attribute,
                code=option["code"],
                position=option_position,
                **_names("label", option["label"], languages),
            )
        attributes[attribute.code] = attribute
    return attributes


def _families(languages, attributes, channels, summary) -> dict[str, Family]:
    families = {f.code: f for f in Family.objects.all()}
    for code, spec in content.FAMILIES.items():
        if code in families:
            continue
        family = _create(
            Family, summary, "families", code=code, **_names("name", spec["name"], languages)
        )
        FamilyAttribute.objects.bulk_create(
            FamilyAttribute(family=family, attribute=attributes[a], position=position)
            for position, a in enumerate(spec["attributes"])
        )
        for channel_code, rule in content.CHANNEL_REQUIREMENTS.items():
            requirement = _create(
                FamilyChannelRequirement,
                summary,
                "channel requirements",
                family=family,
                channel=channels[channel_code],
                translated_fields=list(rule["fields"]),
                asset_roles=list(rule["roles"]),
            )
            requirement.attributes.set([attributes[a] for a in spec["require"][channel_code]])
        families[code] = family
    return families


# --- product specs ----------------------------------------------------------------------------


def demo_product_specs() -> tuple[dict[str, ModelSpec], list[ProductSpec]]:
    """The 65 demo products in load order (families interleaved), and their product models."""
    rng = random.Random(2026)
    groups: dict[str, list[list[ProductSpec]]] = {code: [] for code in content.FAMILIES}
    models: dict[str, ModelSpec] = {}

    def standalone(family, series, figures, materials, colour=None, suffix=""):
        sku = f"LUM-{PREFIXES[family]}-{series.upper()}{suffix}"
        return ProductSpec(
            index=-1,
            sku=sku,
            family=family,
            series=series,
            figures=figures,
            materials=materials,
            channels=[],
            colour=colour,
        )

    def model(code, family, series, axis, figures, materials, colour, axis_values):
        spec = ModelSpec(code, family, series, axis, figures, materials, colour)
        for value in axis_values:
            variant_figures = dict(figures)
            if axis == "size":
                variant_figures["size"] = value
                scale = {"s": Decimal("0.6"), "m": Decimal("1"), "l": Decimal("1.5")}[value]
                variant_figures["power"] = (figures["power"] * scale).quantize(Decimal("0.1"))
                variant_figures["lumen"] = int(figures["lumen"] * scale)
                variant_figures["weight"] = (figures["weight"] * scale).quantize(Decimal("0.01"))
            spec.variants.append(
                ProductSpec(
                    index=-1,
                    sku=f"LUM-{PREFIXES[family]}-{series.upper()}-{value.upper()}",
                    family=family,
                    series=series,
                    figures=variant_figures,
                    materials=materials,
                    channels=[],
                    model=code,
                    axis_value=value,
                    colour=value if axis == "colour" else colour,
                )
            )
        models[code] = spec
        groups[family].append(spec.variants)

    def lamp_figures(power_choices, per_watt, kelvins):
        power = Decimal(str(rng.choice(power_choices)))
        return {
            "power": power,
            "lumen": int(power * per_watt // 10 * 10),
            "kelvin": rng.choice(kelvins),
            "cri": rng.choice([90, 95]),
            "energy": rng.choice(["e", "f"]),
            "lifetime": rng.choice([25000, 30000, 50000]),
            "warranty": rng.choice([3, 5]),
            "launch": datetime.date(2024, 1, 15) + datetime.timedelta(days=rng.randrange(700)),
            "weight": Decimal(rng.randrange(80, 340)) / 100,
            "cable": Decimal(rng.choice(["1.8", "2.0", "2.5"])),
        }

    model(
        "aalto",
        "table-lamps",
        "Aalto",
        "colour",
        lamp_figures([6, 7.5], 95, [2700]),
        ["oak", "linen"],
        None,
        ["black", "white", "forest-green", "terracotta"],
    )
    model(
        "kivi",
        "table-lamps",
        "Kivi",
        "colour",
        lamp_figures([4.5, 6], 90, [2700, 3000]),
        ["ceramic"],
        None,
        ["white", "brass", "graphite"],
    )
    for series, material in zip(
        ["Luna", "Halo", "Mira", "Ilta", "Kide", "Hetki"],
        ["brass", "steel", "ceramic", "oak", "glass", "aluminium"],
        strict=True,
    ):
        colour = rng.choice(["black", "white", "brass", "terracotta", "forest-green"])
        groups["table-lamps"].append(
            [
                standalone(
                    "table-lamps",
                    series,
                    lamp_figures([4.5, 6, 7.5, 9], 95, [2700, 3000]),
                    [material],
                    colour,
                )
            ]
        )

    sora = lamp_figures([15], 90, [2700])
    sora["cable"] = Decimal("3.0")
    model("sora", "pendants", "Sora", "size", sora, ["aluminium"], "graphite", ["s", "m", "l"])
    for series, material in zip(
        ["Pilvi", "Nimbus", "Kajo", "Lumi", "Aurora", "Lyra", "Vela"],
        ["glass", "linen", "aluminium", "glass", "brass", "ceramic", "aluminium"],
        strict=True,
    ):
        figures = lamp_figures([9, 12, 15, 18], 90, [2700, 3000])
        colour = rng.choice(["white", "black", "forest-green", "terracotta", "graphite"])
        groups["pendants"].append([standalone("pendants", series, figures, [material], colour)])

    for series in [
        "Fjord",
        "Ranta",
        "Routa",
        "Usva",
        "Kaste",
        "Polar",
        "Zenit",
        "Atlas",
        "Vuono",
        "Terra",
        "Kaamos",
        "Ridge",
    ]:
        figures = lamp_figures([6, 8, 10, 12, 14], 85, [3000, 4000])
        figures.update(ip=rng.choice(["ip44", "ip54", "ip65"]), sensor=rng.random() < 0.4)
        material = rng.choice(["aluminium", "steel", "polycarbonate"])
        colour = rng.choice(["black", "graphite", "white"])
        groups["outdoor-lights"].append(
            [standalone("outdoor-lights", series, figures, [material], colour)]
        )

    bulbs = [
        ("Nova", "e27", "8.5", 806, 60),
        ("Nova", "e27", "11", 1055, 75),
        ("Nova", "e27", "4.9", 470, 40),
        ("Nova", "e14", "4.9", 470, 40),
        ("Nova", "e14", "2.2", 250, 25),
        ("Glow", "e27", "5.9", 806, 60),
        ("Glow", "e27", "7.2", 1055, 75),
        ("Glow", "e14", "3.8", 470, 40),
        ("Kide", "e27", "4", 470, 40),
        ("Kide", "e27", "7", 806, 60),
        ("Kide", "e14", "2.5", 250, 25),
        ("Beam", "gu10", "4.7", 345, 35),
        ("Beam", "gu10", "3.6", 230, 25),
        ("Beam", "gu10", "6.2", 460, 50),
    ]
    for series, base, power, lumen, equiv in bulbs:
        figures = {
            "power": Decimal(power),
            "lumen": lumen,
            "equiv": equiv,
            "base": base,
            "kelvin": 2200 if series == "Kide" else rng.choice([2700, 2700, 4000]),
            "cri": rng.choice([80, 90]),
            "energy": rng.choice(["d", "e", "f"]),
            "lifetime": rng.choice([15000, 25000]),
            "warranty": rng.choice([2, 3]),
            "dimmable": series in ("Glow", "Kide"),
            "launch": datetime.date(2023, 9, 1) + datetime.timedelta(days=rng.randrange(700)),
        }
        suffix = f"-{base.upper()}-{power.replace('.', '')}"
        groups["led-bulbs"].append([standalone("led-bulbs", series, figures, [], "brass", suffix)])

    strips = [
        ("Line", 2),
        ("Line", 5),
        ("Flux", 5),
        ("Flux", 10),
        ("Ribbon", 2),
        ("Ribbon", 5),
        ("Arc", 10),
    ]
    for series, length in strips:
        per_metre = rng.choice([400, 500, 600])
        figures = {
            "length": Decimal(length),
            "per_metre": per_metre,
            "lumen": per_metre * length,
            "power": Decimal("4.8") * length,
            "kelvin": rng.choice([2700, 3000, 4000]),
            "ip": rng.choice(["ip20", "ip65"]),
            "cri": 90,
            "energy": rng.choice(["f", "g"]),
            "lifetime": 30000,
            "warranty": 2,
            "launch": datetime.date(2024, 3, 1) + datetime.timedelta(days=rng.randrange(500)),
        }
        colour = rng.choice(["arctic-blue", "terracotta", "brass", "white"])
        groups["led-strips"].append(
            [standalone("led-strips", series, figures, [], colour, f"-{length}M")]
        )

    def headlamp_figures():
        lumen = rng.choice([200, 350, 450, 600])
        return {
            "lumen": lumen,
            "power": Decimal(lumen) / 130 // Decimal("0.1") / 10,
            "battery": rng.choice([1200, 1800, 2400, 3000]),
            "runtime": Decimal(rng.choice([20, 35, 50, 80])),
            "ip": rng.choice(["ip54", "ip67"]),
            "kelvin": 5700,
            "warranty": 3,
            "weight": Decimal(rng.randrange(7, 13)) / 100,
            "launch": datetime.date(2024, 5, 1) + datetime.timedelta(days=rng.randrange(400)),
        }

    model(
        "tundra",
        "headlamps",
        "Tundra",
        "colour",
        headlamp_figures(),
        ["polycarbonate", "silicone"],
        None,
        ["signal-orange", "forest-green", "black"],
    )
    for series in ["Summit", "Trail", "Comet", "Meteor", "Pulse", "Ember"]:
        colour = rng.choice(["signal-orange", "arctic-blue", "black", "forest-green"])
        groups["headlamps"].append(
            [standalone("headlamps", series, headlamp_figures(), ["polycarbonate"], colour)]
        )

    ordered = _interleave(groups)
    for index, spec in enumerate(ordered):
        spec.index = index
        _assign_story(spec, rng)
    return models, ordered


def _interleave(groups: dict[str, list[list[ProductSpec]]]) -> list[ProductSpec]:
    """Round-robin over families so that any prefix covers every family."""
    ordered: list[ProductSpec] = []
    queues = {family: list(items) for family, items in groups.items()}
    while any(queues.values()):
        for queue in queues.values():
            if queue:
                ordered.extend(queue.pop(0))
    return ordered


def _assign_story(spec: ProductSpec, rng: random.Random) -> None:
    """Channels, price and the editorial state: most approved, some deliberately unfinished."""
    spec.channels = ["web", "print"]
    if spec.family in ("led-bulbs", "led-strips", "headlamps") or spec.index % 2 == 0:
        spec.channels.append("marketplace")
    low, high = {
        "table-lamps": (89, 249),
        "pendants": (129, 389),
        "outdoor-lights": (59, 189),
        "led-bulbs": (4, 15),
        "led-strips": (25, 79),
        "headlamps": (29, 89),
    }[spec.family]
    spec.price = Decimal(rng.randrange(low, high)) + Decimal("0.90")
    i = spec.index
    if i % 11 == 4:  # the Persian translation has not been written yet
        spec.skip_languages = ("fa",)
        spec.target = ProductStatus.DRAFT if i % 2 else ProductStatus.IN_REVIEW
    elif i % 16 == 9:  # waiting for the photo shoot
        spec.main_image = False
        spec.target = ProductStatus.IN_REVIEW
    elif i % 20 == 13:
        spec.target = ProductStatus.DRAFT
    elif i % 20 == 17:
        spec.target = ProductStatus.IN_REVIEW
    elif i == 2:
        spec.target = ProductStatus.RETIRED


# --- texts ------------------------------------------------------------------------------------

DECIMAL_SEPARATOR = {"en": ".", "tr": ",", "fi": ",", "az": ",", "fa": "٫"}
GROUP_SEPARATOR = {"en": ",", "tr": ".", "fi": "\u00a0", "az": "\u00a0", "fa": "٬"}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _num(value, lang: str, *, group: bool = True) -> str:
    """A number written the way the language writes it (Persian digits in Persian)."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        whole, fraction = str(int(number)), ""
    else:
        text = format(number.normalize(), "f")
        whole, fraction = text.split(".")
    if group and len(whole) > 3:
        parts = []
        while len(whole) > 3:
            parts.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = GROUP_SEPARATOR.get(lang, ",").join([whole, *parts])
    text = whole + (DECIMAL_SEPARATOR.get(lang, ".") + fraction if fraction else "")
    return text.translate(PERSIAN_DIGITS) if lang == "fa" else text


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:،؛")
    return cut + "…"


def _series(series: str, lang: str) -> str:
    return content.SERIES_FA.get(series, series) if lang == "fa" else series


def _base_name(family: str, series: str, lang: str, figures: dict) -> str:
    noun = content.FAMILIES[family]["noun"][lang]
    name = content.NAME_PATTERNS[lang].format(series=_series(series, lang), noun=noun)
    if family == "led-bulbs":
        unit = content.UNITS["W"][lang]
        name += f" {figures['base'].upper()} {_num(figures['power'], lang)} {unit}"
    elif family == "led-strips":
        length = _num(figures["length"], lang)
        name += f" {length} متری" if lang == "fa" else f" {length} m"
    return name


def _variant_suffix(spec: ProductSpec, model: ModelSpec, lang: str) -> str:
    comma = "، " if lang == "fa" else ", "
    if model.axis == "size":
        diameter = _num(content.SIZES[spec.axis_value]["diameter"], lang)
        if lang == "fa":
            return f"{comma}قطر {diameter} سانتی‌متر"
        return f"{comma}Ø {diameter} {content.UNITS['cm'][lang]}"
    label = content.COLOURS[spec.axis_value]["label"][lang]
    return comma + (label.lower() if lang in ("fi", "az") else label)


def _fill(template: str, figures: dict, materials: list[str], lang: str) -> str:
    material = content.MATERIALS[materials[0]]["text"][lang] if materials else ""
    values = {
        "material": material,
        "lumen": _num(figures.get("per_metre", figures.get("lumen", 0)), lang),
        "kelvin": _num(figures.get("kelvin", 0), lang, group=False),
        "power": _num(figures.get("power", 0), lang),
        "equiv": _num(figures.get("equiv", 0), lang),
        "lifetime": _num(figures.get("lifetime", 0), lang),
        "cable": _num(figures.get("cable", 0), lang),
        "length": _num(figures.get("length", 0), lang),
        "battery": _num(figures.get("battery", 0), lang),
        "runtime": _num(figures.get("runtime", 0), lang),
        "ip": figures.get("ip", "").upper(),
        "base": figures.get("base", "").upper(),
    }
    return template.format(**values)


def _features(family: str, figures, materials, lang: str, index: int) -> list[str]:
    pool = content.FAMILIES[family]["features"][lang]
    picked = [pool[(index + k) % len(pool)] for k in range(3)]
    return [_fill(item, figures, materials, lang) for item in picked]


def _texts(family, series, figures, materials, lang, index, name) -> dict[str, str]:
    spec = content.FAMILIES[family]
    short = _fill(spec["short"][lang], figures, materials, lang)
    intro = content.INTRO[lang].format(series=_series(series, lang))
    warranty = content.WARRANTY[lang].format(warranty=_num(figures.get("warranty", 2), lang))
    items = "".join(f"<li>{f}</li>" for f in _features(family, figures, materials, lang, index))
    steps = "".join(f"<li>{s}</li>" for s in spec["instructions"][lang])
    line = content.MARKETING[lang][index % len(content.MARKETING[lang])]
    dash = " – "
    unit_w, unit_lm = content.UNITS["W"][lang], content.UNITS["lm"][lang]
    return {
        "name": name,
        "short_description": short,
        "description": f"<p>{intro} {short}</p><ul>{items}</ul><p>{warranty}</p>",
        "marketing_copy": f"<p><strong>{_series(series, lang)}</strong>{dash}{line}</p>",
        "instructions": f"<ol>{steps}</ol>",
        "label_text": _cut(
            f"{name} · {_num(figures.get('power', 0), lang)} {unit_w}"
            f" · {_num(figures.get('lumen', 0), lang)} {unit_lm}",
            255,
        ),
        "seo_title": _cut(f"{name} | {content.BRAND}", 70),
        "seo_description": _cut(short, 170),
    }


# --- values -----------------------------------------------------------------------------------


def _v(data, locale=None, channel=None) -> list[dict]:
    return [{"locale": locale, "channel": channel, "data": data}]


def _values(family, series, figures, materials, colour, languages, channels, index, skip=()):
    """Attribute values in the family's schema, from the product's figures."""
    attributes = set(content.FAMILIES[family]["attributes"])
    texts = [code for code in languages if code not in skip]
    candidates = {
        "power_w": figures.get("power"),
        "luminous_flux": figures.get("lumen"),
        "colour_temperature": figures.get("kelvin"),
        "cri": figures.get("cri"),
        "energy_class": figures.get("energy"),
        "dimmable": figures.get("dimmable", family in ("table-lamps", "pendants", "led-strips")),
        "lifetime_hours": figures.get("lifetime"),
        "warranty_years": figures.get("warranty"),
        "launch_date": figures.get("launch"),
        "weight": figures.get("weight"),
        "cable_length": figures.get("cable"),
        "lamp_base": figures.get("base", "integrated"),
        "ip_rating": figures.get("ip"),
        "voltage": 24 if family == "led-strips" else 230,
        "beam_angle": 36 if figures.get("base") == "gu10" else 300,
        "strip_length": figures.get("length"),
        "battery_capacity": figures.get("battery"),
        "runtime": figures.get("runtime"),
        "motion_sensor": figures.get("sensor", False),
        "materials": list(materials) or None,
        "colour": colour,
        "size": figures.get("size"),
        "mounting": {
            "table-lamps": "table",
            "pendants": "ceiling",
            "outdoor-lights": "wall",
            "headlamps": "portable",
        }.get(family),
        "installation_guide": f"https://lumora.example.com/install/{family}/{series.lower()}",
    }
    values = {
        code: _v(str(data) if isinstance(data, Decimal) else data)
        for code, data in candidates.items()
        if code in attributes and data is not None
    }
    if "launch_date" in values:
        values["launch_date"] = _v(figures["launch"].isoformat())
    if "tagline" in attributes:
        values["tagline"] = [
            {
                "locale": code,
                "channel": None,
                "data": content.MARKETING[code][index % len(content.MARKETING[code])],
            }
            for code in texts
        ]
    if "highlights" in attributes:
        values["highlights"] = [
            {
                "locale": code,
                "channel": None,
                "data": "<ul>"
                + "".join(
                    f"<li>{f}</li>" for f in _features(family, figures, materials, code, index)[:2]
                )
                + "</ul>",
            }
            for code in texts
        ]
    if "search_keywords" in attributes and "marketplace" in channels:
        marketplace = channels["marketplace"]
        values["search_keywords"] = [
            {
                "locale": code,
                "channel": marketplace.code,
                "data": ", ".join(
                    [
                        content.FAMILIES[family]["noun"][code],
                        _series(series, code),
                        content.FAMILIES[family]["name"][code],
                        content.BRAND,
                        "LED",
                    ]
                ),
            }
            for code in marketplace.locales
            if code in texts
        ]
    return values


# --- products ---------------------------------------------------------------------------------


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


class _ProductLoader:
    """Creates one spec's product (and its product model, assets and prices) if missing."""

    def __init__(self, *, languages, channels, audiences, categories, families, summary):
        self.languages = languages
        self.channels = channels
        self.audiences = audiences
        self.categories = categories
        self.families = families
        self.summary = summary
        self.existing = set(Product.objects.values_list("sku", flat=True))
        self._drawings: dict[str, bytes] = {}
        self._manuals: dict[tuple[str, str], bytes] = {}

    # product models ---------------------------------------------------------------------

    def _model(self, spec: ModelSpec) -> ProductModel:
        existing = ProductModel.objects.filter(code=spec.code).first()
        if existing is not None:
            return existing
        family = self.families[spec.family]
        product_model = ProductModel(code=spec.code, family=family, brand=content.BRAND)
        for lang in self.languages:
            name = _base_name(spec.family, spec.series, lang, spec.figures)
            texts = _texts(spec.family, spec.series, spec.figures, spec.materials, lang, 0, name)
            for field_name in (
                "name",
                "short_description",
                "description",
                "marketing_copy",
                "instructions",
            ):
                setattr(product_model, f"{field_name}_{lang}", texts[field_name])
        shared = _values(
            spec.family,
            spec.series,
            spec.figures,
            spec.materials,
            spec.colour,
            self.languages,
            {},
            0,
        )
        shared.pop(spec.axis, None)
        product_model.values = shared
        axis = Attribute.objects.get(code=spec.axis)
        product_model_save(product_model=product_model, axes=[axis])
        product_model.categories.set([self.categories[content.FAMILIES[spec.family]["category"]]])
        self.summary.add("product models")
        colour = content.COLOURS[spec.colour or spec.variants[0].axis_value]["rgb"]
        picture = product_picture(family=spec.family, body=colour, accent=(196, 160, 82), variant=1)
        self._asset(
            product_model,
            "gallery",
            f"{spec.code}-gallery.jpg",
            picture,
            alt=lambda lang: _base_name(spec.family, spec.series, lang, spec.figures),
        )
        asset_create(
            owner=product_model, role="video", url=f"https://lumora.example.com/video/{spec.code}"
        )
        self.summary.add("assets")
        return product_model

    # products ---------------------------------------------------------------------------

    def load(self, spec: ProductSpec, model_spec: ModelSpec | None) -> None:
        if spec.sku in self.existing:
            return
        family = self.families[spec.family]
        product_model = self._model(model_spec) if model_spec else None
        names, texts = {}, {}
        for lang in self.languages:
            name = _base_name(spec.family, spec.series, lang, spec.figures)
            if model_spec is not None:
                name += _variant_suffix(spec, model_spec, lang)
            names[lang] = name
            if lang in spec.skip_languages:
                continue
            written = _texts(
                spec.family, spec.series, spec.figures, spec.materials, lang, spec.index, name
            )
            for field_name, text in written.items():
                texts.setdefault(field_name, {})[lang] = text
        channels = [self.channels[code] for code in spec.channels if code in self.channels]
        channel_map = {c.code: c for c in channels}
        values = _values(
            spec.family,
            spec.series,
            spec.figures,
            spec.materials,
            spec.colour,
            self.languages,
            channel_map,
            spec.index,
            spec.skip_languages,
        )
        if product_model is not None:
            # A variant keeps only its axis and what differs from its model.
            own = {model_spec.axis: values[model_spec.axis]}
            if model_spec.axis == "size":
                for code in ("power_w", "luminous_flux", "weight"):
                    own[code] = values[code]
            own["search_keywords"] = values.get("search_keywords", [])
            values = {code: entries for code, entries in own.items() if entries}
        categories = [self.categories[content.FAMILIES[spec.family]["category"]]]
        if spec.family == "table-lamps" and spec.index % 2:
            categories.append(self.categories["reading-lamps"])
        product = product_create(
            sku=spec.sku,
            family=family,
            gtin=spec.gtin,
            brand=content.BRAND,
            model=product_model,
            texts=texts,
            values=values,
            categories=categories,
            channels=channels,
        )
        self.existing.add(spec.sku)
        self.summary.add("products")
        self._assets(product, spec, names)
        self._prices(product, spec, channels)
        self._status(product, spec)

    def _asset(self, owner, role, filename, data, *, alt=None, language="", audience=None):
        texts = {"alt_text": {lang: alt(lang) for lang in self.languages}} if alt else None
        asset = asset_create(
            owner=owner, role=role, upload=_upload(filename, data), texts=texts, language=language
        )
        if audience is not None:
            asset.audiences.set([self.audiences[audience]])
        self.summary.add("assets")
        return asset

    def _assets(self, product: Product, spec: ProductSpec, names: dict[str, str]) -> None:
        body = content.COLOURS[spec.colour or "graphite"]["rgb"]
        accent = content.COLOURS["brass"]["rgb"] if spec.colour != "brass" else (60, 60, 64)
        slug = spec.sku.lower()
        if spec.main_image:
            picture = product_picture(family=spec.family, body=body, accent=accent)
            self._asset(product, "main", f"{slug}-main.jpg", picture, alt=names.get)
        if spec.model is None and spec.index % 3 == 0:
            picture = product_picture(family=spec.family, body=body, accent=accent, variant=1)
            self._asset(product, "gallery", f"{slug}-gallery.jpg", picture, alt=names.get)
        if spec.family in ("pendants", "outdoor-lights", "led-strips"):
            drawing = self._asset(
                product,
                "drawing",
                f"{spec.family}-drawing.png",
                self._drawing(spec),
                alt=names.get,
                audience="technician",
            )
            product_update(product=product, values={"wiring_diagram": _v(drawing.pk)})
        if spec.family != "led-bulbs" and spec.model is None:
            for lang in ("en", "fi"):
                if lang in self.languages:
                    self._asset(
                        product,
                        "manual",
                        f"{spec.family}-manual-{lang}.pdf",
                        self._manual(spec.family, lang),
                        language=lang,
                    )
        if spec.model is None and spec.index % 4 == 1:
            asset_create(
                owner=product, role="video", url=f"https://lumora.example.com/video/{slug}"
            )
            self.summary.add("assets")

    def _drawing(self, spec: ProductSpec) -> bytes:
        if spec.family not in self._drawings:
            title = _base_name(spec.family, spec.series, "en", spec.figures)
            dimensions = {
                "pendants": [("Ø", "450 mm"), ("H", "320 mm")],
                "outdoor-lights": [("W", "110 mm"), ("H", "260 mm")],
                "led-strips": [("W", "10 mm"), ("Cut", "50 mm")],
            }[spec.family]
            self._drawings[spec.family] = technical_drawing(
                family=spec.family,
                title=content.FAMILIES[spec.family]["name"]["en"] or title,
                dimensions=dimensions,
            )
        return self._drawings[spec.family]

    def _manual(self, family: str, lang: str) -> bytes:
        key = (family, lang)
        if key not in self._manuals:
            data = content.FAMILIES[family]
            headings = {"en": ("Use", "Features"), "fi": ("Käyttö", "Ominaisuudet")}[lang]
            features = [
                f.replace("{lifetime}", "25 000").replace("{cable}", "2")
                for f in data["features"][lang]
            ]
            self._manuals[key] = manual_pdf(
                title=f"{content.BRAND} · {data['name'][lang]}",
                sections=[(headings[0], data["instructions"][lang]), (headings[1], features)],
            )
        return self._manuals[key]

    def _prices(self, product: Product, spec: ProductSpec, channels) -> None:
        dealer = self.audiences["dealer"]
        for channel in channels:
            amount = spec.price
            if channel.kind == "marketplace":
                amount = (spec.price * Decimal("1.05")).quantize(Decimal("1")) - Decimal("0.10")
            sale = None
            if channel.kind == "web" and spec.index % 7 == 0:
                sale = (amount * Decimal("0.85")).quantize(Decimal("0.01"), ROUND_HALF_UP)
            rows = [(None, amount, sale)]
            if channel.kind in ("web", "print"):
                rows.append((dealer, (spec.price * Decimal("0.6")).quantize(Decimal("0.01")), None))
            for audience, price, sale_amount in rows:
                _create(
                    Price,
                    self.summary,
                    "prices",
                    product=product,
                    channel=channel,
                    currency=channel.currency,
                    audience=audience,
                    amount=price,
                    sale_amount=sale_amount,
                )

    def _status(self, product: Product, spec: ProductSpec) -> None:
        S = ProductStatus
        if spec.target == S.DRAFT:
            return
        if spec.target == S.IN_REVIEW:
            product_set_status(product=product, status=S.IN_REVIEW)
            return
        product_set_status(product=product, status=S.APPROVED)
        if spec.target == S.RETIRED:
            product_set_status(product=product, status=S.RETIRED)
