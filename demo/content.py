"""Demo catalog content for Lumora, a (fictional) Helsinki lighting brand.

This is fixture data: every text is written per language, so language codes appear here
by design. The loader only writes the languages configured in settings.LANGUAGES.
Phrases are templates filled with product figures; they avoid inflecting the filled-in
words so that Turkish, Finnish, Azerbaijani and Persian sentences stay grammatical.
"""

BRAND = "Lumora"

CHANNELS = [
    {
        "code": "web",
        "kind": "web",
        "currency": "EUR",
        "locales": ["en", "tr", "fi", "az", "fa"],
        "name": {
            "en": "Web shop",
            "tr": "Web mağazası",
            "fi": "Verkkokauppa",
            "az": "Onlayn mağaza",
            "fa": "فروشگاه اینترنتی",
        },
    },
    {
        "code": "print",
        "kind": "print",
        "currency": "EUR",
        "locales": ["en", "tr", "fi", "az", "fa"],
        "name": {
            "en": "Print catalogue",
            "tr": "Basılı katalog",
            "fi": "Painettu tuoteluettelo",
            "az": "Çap kataloqu",
            "fa": "کاتالوگ چاپی",
        },
    },
    {
        # A Nordic/Turkish marketplace that lists in three languages and settles in euros.
        "code": "marketplace",
        "kind": "marketplace",
        "currency": "EUR",
        "locales": ["en", "tr", "fi"],
        "name": {
            "en": "Marketplace",
            "tr": "Pazaryeri",
            "fi": "Markkinapaikka",
            "az": "Onlayn bazar",
            "fa": "بازار آنلاین",
        },
    },
]

AUDIENCES = [
    {
        "code": "end-customer",
        "is_public": True,
        "name": {
            "en": "End customers",
            "tr": "Son kullanıcılar",
            "fi": "Kuluttajat",
            "az": "Son istifadəçilər",
            "fa": "مصرف‌کنندگان",
        },
    },
    {
        "code": "technician",
        "is_public": False,
        "name": {
            "en": "Technicians",
            "tr": "Teknisyenler",
            "fi": "Asentajat",
            "az": "Texniklər",
            "fa": "تکنسین‌ها",
        },
    },
    {
        "code": "dealer",
        "is_public": False,
        "name": {
            "en": "Dealers",
            "tr": "Bayiler",
            "fi": "Jälleenmyyjät",
            "az": "Dilerlər",
            "fa": "نمایندگان فروش",
        },
    },
]

# (code, parent code, names). Three levels: area > group > leaf.
CATEGORIES = [
    (
        "indoor",
        None,
        {
            "en": "Indoor lighting",
            "tr": "İç mekân aydınlatması",
            "fi": "Sisävalaistus",
            "az": "Daxili işıqlandırma",
            "fa": "روشنایی داخلی",
        },
    ),
    (
        "table-floor",
        "indoor",
        {
            "en": "Table and floor lamps",
            "tr": "Masa lambaları ve lambaderler",
            "fi": "Pöytä- ja lattiavalaisimet",
            "az": "Stolüstü və döşəmə lampaları",
            "fa": "چراغ‌های رومیزی و ایستاده",
        },
    ),
    (
        "table-lamps",
        "table-floor",
        {
            "en": "Table lamps",
            "tr": "Masa lambaları",
            "fi": "Pöytävalaisimet",
            "az": "Stolüstü lampalar",
            "fa": "چراغ‌های رومیزی",
        },
    ),
    (
        "reading-lamps",
        "table-floor",
        {
            "en": "Reading lamps",
            "tr": "Okuma lambaları",
            "fi": "Lukuvalaisimet",
            "az": "Oxu lampaları",
            "fa": "چراغ‌های مطالعه",
        },
    ),
    (
        "ceiling",
        "indoor",
        {
            "en": "Ceiling lighting",
            "tr": "Tavan aydınlatması",
            "fi": "Kattovalaisimet",
            "az": "Tavan işıqlandırması",
            "fa": "روشنایی سقفی",
        },
    ),
    (
        "pendants",
        "ceiling",
        {
            "en": "Pendant lights",
            "tr": "Sarkıt avizeler",
            "fi": "Riippuvalaisimet",
            "az": "Asma çilçıraqlar",
            "fa": "چراغ‌های آویز",
        },
    ),
    (
        "outdoor",
        None,
        {
            "en": "Outdoor lighting",
            "tr": "Dış mekân aydınlatması",
            "fi": "Ulkovalaistus",
            "az": "Açıq hava işıqlandırması",
            "fa": "روشنایی فضای باز",
        },
    ),
    (
        "facade",
        "outdoor",
        {
            "en": "Wall and facade",
            "tr": "Duvar ve cephe",
            "fi": "Seinä ja julkisivu",
            "az": "Divar və fasad",
            "fa": "دیوار و نما",
        },
    ),
    (
        "wall-lights",
        "facade",
        {
            "en": "Outdoor wall lights",
            "tr": "Dış mekân aplikleri",
            "fi": "Ulkoseinävalaisimet",
            "az": "Açıq hava divar lampaları",
            "fa": "چراغ‌های دیواری بیرونی",
        },
    ),
    (
        "portable",
        "outdoor",
        {
            "en": "Portable light",
            "tr": "Taşınabilir ışık",
            "fi": "Kannettavat valot",
            "az": "Portativ işıq",
            "fa": "نور قابل حمل",
        },
    ),
    (
        "headlamps",
        "portable",
        {
            "en": "Headlamps",
            "tr": "Kafa lambaları",
            "fi": "Otsalamput",
            "az": "Baş fənərləri",
            "fa": "چراغ‌های پیشانی",
        },
    ),
    (
        "light-sources",
        None,
        {
            "en": "Light sources",
            "tr": "Işık kaynakları",
            "fi": "Valonlähteet",
            "az": "İşıq mənbələri",
            "fa": "منابع نور",
        },
    ),
    (
        "bulbs",
        "light-sources",
        {"en": "Bulbs", "tr": "Ampuller", "fi": "Lamput", "az": "Lampalar", "fa": "لامپ‌ها"},
    ),
    (
        "led-bulbs",
        "bulbs",
        {
            "en": "LED bulbs",
            "tr": "LED ampuller",
            "fi": "LED-lamput",
            "az": "LED lampalar",
            "fa": "لامپ‌های ال‌ای‌دی",
        },
    ),
    (
        "strips",
        "light-sources",
        {
            "en": "Strips and profiles",
            "tr": "Şeritler ve profiller",
            "fi": "Nauhat ja profiilit",
            "az": "Lentlər və profillər",
            "fa": "نوارها و پروفیل‌ها",
        },
    ),
    (
        "led-strips",
        "strips",
        {
            "en": "LED strip kits",
            "tr": "LED şerit setleri",
            "fi": "LED-nauhasarjat",
            "az": "LED lent dəstləri",
            "fa": "کیت‌های نوار ال‌ای‌دی",
        },
    ),
]


def _opts(*rows):
    return [{"code": code, "label": label} for code, label in rows]


def _same(text):
    return dict.fromkeys(("en", "tr", "fi", "az", "fa"), text)


# Attribute definitions. "audience": limited to that audience (technical detail).
ATTRIBUTES = [
    {
        "code": "power_w",
        "type": "decimal",
        "unit": "W",
        "decimal_places": 1,
        "min_value": 0,
        "max_value": 500,
        "is_technical": True,
        "is_key": True,
        "label": {"en": "Power", "tr": "Güç", "fi": "Teho", "az": "Güc", "fa": "توان"},
    },
    {
        "code": "luminous_flux",
        "type": "integer",
        "unit": "lm",
        "min_value": 0,
        "max_value": 20000,
        "is_technical": True,
        "is_key": True,
        "label": {
            "en": "Luminous flux",
            "tr": "Işık akısı",
            "fi": "Valovirta",
            "az": "İşıq axını",
            "fa": "شار نوری",
        },
    },
    {
        "code": "colour_temperature",
        "type": "integer",
        "unit": "K",
        "min_value": 1800,
        "max_value": 6500,
        "is_technical": True,
        "label": {
            "en": "Colour temperature",
            "tr": "Renk sıcaklığı",
            "fi": "Värilämpötila",
            "az": "Rəng temperaturu",
            "fa": "دمای رنگ",
        },
    },
    {
        "code": "cri",
        "type": "integer",
        "min_value": 0,
        "max_value": 100,
        "is_technical": True,
        "audience": "technician",
        "label": {
            "en": "Colour rendering index (CRI)",
            "tr": "Renk geriverim indeksi (CRI)",
            "fi": "Värintoistoindeksi (CRI)",
            "az": "Rəngötürmə indeksi (CRI)",
            "fa": "شاخص نمود رنگ (CRI)",
        },
    },
    {
        "code": "energy_class",
        "type": "select",
        "is_key": True,
        "options": [{"code": c.lower(), "label": _same(c)} for c in "ABCDEFG"],
        "label": {
            "en": "Energy class",
            "tr": "Enerji sınıfı",
            "fi": "Energialuokka",
            "az": "Enerji sinfi",
            "fa": "کلاس انرژی",
        },
    },
    {
        "code": "dimmable",
        "type": "boolean",
        "is_key": True,
        "label": {
            "en": "Dimmable",
            "tr": "Kısılabilir",
            "fi": "Himmennettävä",
            "az": "İşığı tənzimlənir",
            "fa": "قابل تنظیم نور",
        },
    },
    {
        "code": "lifetime_hours",
        "type": "integer",
        "unit": "h",
        "min_value": 0,
        "max_value": 200000,
        "is_technical": True,
        "label": {
            "en": "Rated lifetime",
            "tr": "Nominal ömür",
            "fi": "Nimelliskäyttöikä",
            "az": "Nominal xidmət müddəti",
            "fa": "عمر اسمی",
        },
    },
    {
        "code": "warranty_years",
        "type": "integer",
        "min_value": 0,
        "max_value": 25,
        "label": {
            "en": "Warranty (years)",
            "tr": "Garanti süresi (yıl)",
            "fi": "Takuu (vuotta)",
            "az": "Zəmanət (il)",
            "fa": "مدت ضمانت (سال)",
        },
    },
    {
        "code": "launch_date",
        "type": "date",
        "label": {
            "en": "Launch date",
            "tr": "Piyasaya çıkış tarihi",
            "fi": "Julkaisupäivä",
            "az": "Satışa çıxma tarixi",
            "fa": "تاریخ عرضه",
        },
    },
    {
        "code": "tagline",
        "type": "text",
        "is_localizable": True,
        "max_length": 80,
        "label": {"en": "Tagline", "tr": "Slogan", "fi": "Iskulause", "az": "Şüar", "fa": "شعار"},
    },
    {
        "code": "highlights",
        "type": "rich_text",
        "is_localizable": True,
        "label": {
            "en": "Highlights",
            "tr": "Öne çıkanlar",
            "fi": "Kohokohdat",
            "az": "Əsas üstünlüklər",
            "fa": "ویژگی‌های برجسته",
        },
    },
    {
        "code": "materials",
        "type": "multi_select",
        "options": "MATERIALS",
        "label": {
            "en": "Materials",
            "tr": "Malzemeler",
            "fi": "Materiaalit",
            "az": "Materiallar",
            "fa": "جنس",
        },
    },
    {
        "code": "colour",
        "type": "select",
        "options": "COLOURS",
        "label": {"en": "Colour", "tr": "Renk", "fi": "Väri", "az": "Rəng", "fa": "رنگ"},
    },
    {
        "code": "size",
        "type": "select",
        "options": "SIZES",
        "label": {"en": "Size", "tr": "Boyut", "fi": "Koko", "az": "Ölçü", "fa": "اندازه"},
    },
    {
        "code": "weight",
        "type": "decimal",
        "unit": "kg",
        "decimal_places": 2,
        "min_value": 0,
        "max_value": 100,
        "label": {
            "en": "Net weight",
            "tr": "Net ağırlık",
            "fi": "Nettopaino",
            "az": "Xalis çəki",
            "fa": "وزن خالص",
        },
    },
    {
        "code": "cable_length",
        "type": "decimal",
        "unit": "m",
        "decimal_places": 1,
        "min_value": 0,
        "max_value": 20,
        "label": {
            "en": "Cable length",
            "tr": "Kablo uzunluğu",
            "fi": "Johdon pituus",
            "az": "Kabel uzunluğu",
            "fa": "طول کابل",
        },
    },
    {
        "code": "lamp_base",
        "type": "select",
        "is_technical": True,
        "options": [
            {"code": "e27", "label": _same("E27")},
            {"code": "e14", "label": _same("E14")},
            {"code": "gu10", "label": _same("GU10")},
            {
                "code": "integrated",
                "label": {
                    "en": "Integrated LED",
                    "tr": "Entegre LED",
                    "fi": "Kiinteä LED",
                    "az": "Daxili LED",
                    "fa": "ال‌ای‌دی یکپارچه",
                },
            },
        ],
        "label": {
            "en": "Lamp base",
            "tr": "Duy tipi",
            "fi": "Lampun kanta",
            "az": "Patron tipi",
            "fa": "نوع سرپیچ",
        },
    },
    {
        "code": "ip_rating",
        "type": "select",
        "is_technical": True,
        "is_key": True,
        "options": [
            {"code": c.lower(), "label": _same(c)} for c in ("IP20", "IP44", "IP54", "IP65", "IP67")
        ],
        "label": {
            "en": "Ingress protection",
            "tr": "Koruma sınıfı",
            "fi": "Kotelointiluokka",
            "az": "Qoruma dərəcəsi",
            "fa": "درجهٔ حفاظت",
        },
    },
    {
        "code": "voltage",
        "type": "integer",
        "unit": "V",
        "min_value": 1,
        "max_value": 400,
        "is_technical": True,
        "label": {
            "en": "Supply voltage",
            "tr": "Besleme gerilimi",
            "fi": "Käyttöjännite",
            "az": "Qidalanma gərginliyi",
            "fa": "ولتاژ تغذیه",
        },
    },
    {
        "code": "beam_angle",
        "type": "integer",
        "unit": "°",
        "min_value": 1,
        "max_value": 360,
        "is_technical": True,
        "label": {
            "en": "Beam angle",
            "tr": "Işın açısı",
            "fi": "Säteilykulma",
            "az": "Şüa bucağı",
            "fa": "زاویهٔ پرتو",
        },
    },
    {
        "code": "strip_length",
        "type": "decimal",
        "unit": "m",
        "decimal_places": 1,
        "min_value": 0,
        "max_value": 50,
        "is_key": True,
        "label": {
            "en": "Strip length",
            "tr": "Şerit uzunluğu",
            "fi": "Nauhan pituus",
            "az": "Lentin uzunluğu",
            "fa": "طول نوار",
        },
    },
    {
        "code": "battery_capacity",
        "type": "integer",
        "unit": "mAh",
        "min_value": 0,
        "max_value": 20000,
        "is_technical": True,
        "label": {
            "en": "Battery capacity",
            "tr": "Batarya kapasitesi",
            "fi": "Akun kapasiteetti",
            "az": "Akkumulyator tutumu",
            "fa": "ظرفیت باتری",
        },
    },
    {
        "code": "runtime",
        "type": "decimal",
        "unit": "h",
        "decimal_places": 1,
        "min_value": 0,
        "max_value": 500,
        "is_key": True,
        "label": {
            "en": "Runtime on low",
            "tr": "Düşük modda kullanım süresi",
            "fi": "Paloaika pienellä teholla",
            "az": "Aşağı rejimdə iş müddəti",
            "fa": "مدت کارکرد در حالت کم",
        },
    },
    {
        "code": "mounting",
        "type": "select",
        "options": [
            {
                "code": "wall",
                "label": {
                    "en": "Wall",
                    "tr": "Duvar",
                    "fi": "Seinä",
                    "az": "Divar",
                    "fa": "دیواری",
                },
            },
            {
                "code": "ceiling",
                "label": {
                    "en": "Ceiling",
                    "tr": "Tavan",
                    "fi": "Katto",
                    "az": "Tavan",
                    "fa": "سقفی",
                },
            },
            {
                "code": "table",
                "label": {"en": "Table", "tr": "Masa", "fi": "Pöytä", "az": "Stol", "fa": "رومیزی"},
            },
            {
                "code": "portable",
                "label": {
                    "en": "Portable",
                    "tr": "Taşınabilir",
                    "fi": "Kannettava",
                    "az": "Portativ",
                    "fa": "قابل حمل",
                },
            },
        ],
        "label": {
            "en": "Mounting",
            "tr": "Montaj",
            "fi": "Asennus",
            "az": "Quraşdırma",
            "fa": "نوع نصب",
        },
    },
    {
        "code": "motion_sensor",
        "type": "boolean",
        "label": {
            "en": "Motion sensor",
            "tr": "Hareket sensörü",
            "fi": "Liiketunnistin",
            "az": "Hərəkət sensoru",
            "fa": "حسگر حرکت",
        },
    },
    {
        "code": "installation_guide",
        "type": "url",
        "audience": "technician",
        "is_technical": True,
        "label": {
            "en": "Installation guide",
            "tr": "Montaj kılavuzu",
            "fi": "Asennusohje",
            "az": "Quraşdırma təlimatı",
            "fa": "راهنمای نصب",
        },
    },
    {
        "code": "wiring_diagram",
        "type": "media",
        "audience": "technician",
        "is_technical": True,
        "label": {
            "en": "Wiring diagram",
            "tr": "Bağlantı şeması",
            "fi": "Kytkentäkaavio",
            "az": "Qoşulma sxemi",
            "fa": "نقشهٔ سیم‌کشی",
        },
    },
    {
        "code": "search_keywords",
        "type": "text",
        "is_localizable": True,
        "is_scopable": True,
        "max_length": 200,
        "label": {
            "en": "Marketplace keywords",
            "tr": "Pazaryeri anahtar kelimeleri",
            "fi": "Markkinapaikan hakusanat",
            "az": "Bazar üçün açar sözlər",
            "fa": "کلیدواژه‌های بازار",
        },
    },
]

# code -> label per language, and the form used inside sentences.
MATERIALS = {
    "aluminium": {
        "label": {
            "en": "Aluminium",
            "tr": "Alüminyum",
            "fi": "Alumiini",
            "az": "Alüminium",
            "fa": "آلومینیوم",
        },
        "text": {
            "en": "aluminium",
            "tr": "alüminyum",
            "fi": "alumiini",
            "az": "alüminium",
            "fa": "آلومینیومی",
        },
    },
    "steel": {
        "label": {"en": "Steel", "tr": "Çelik", "fi": "Teräs", "az": "Polad", "fa": "فولاد"},
        "text": {"en": "steel", "tr": "çelik", "fi": "teräs", "az": "polad", "fa": "فولادی"},
    },
    "glass": {
        "label": {"en": "Glass", "tr": "Cam", "fi": "Lasi", "az": "Şüşə", "fa": "شیشه"},
        "text": {"en": "glass", "tr": "cam", "fi": "lasi", "az": "şüşə", "fa": "شیشه‌ای"},
    },
    "oak": {
        "label": {"en": "Oak", "tr": "Meşe", "fi": "Tammi", "az": "Palıd", "fa": "چوب بلوط"},
        "text": {
            "en": "solid oak",
            "tr": "masif meşe",
            "fi": "täystammi",
            "az": "palıd",
            "fa": "چوب بلوط",
        },
    },
    "linen": {
        "label": {"en": "Linen", "tr": "Keten", "fi": "Pellava", "az": "Kətan", "fa": "کتان"},
        "text": {"en": "linen", "tr": "keten", "fi": "pellava", "az": "kətan", "fa": "کتانی"},
    },
    "brass": {
        "label": {"en": "Brass", "tr": "Pirinç", "fi": "Messinki", "az": "Latun", "fa": "برنج"},
        "text": {
            "en": "brushed brass",
            "tr": "fırçalanmış pirinç",
            "fi": "harjattu messinki",
            "az": "latun",
            "fa": "برنجی",
        },
    },
    "ceramic": {
        "label": {
            "en": "Ceramic",
            "tr": "Seramik",
            "fi": "Keramiikka",
            "az": "Keramika",
            "fa": "سرامیک",
        },
        "text": {
            "en": "glazed ceramic",
            "tr": "sırlı seramik",
            "fi": "lasitettu keramiikka",
            "az": "keramika",
            "fa": "سرامیکی",
        },
    },
    "polycarbonate": {
        "label": {
            "en": "Polycarbonate",
            "tr": "Polikarbonat",
            "fi": "Polykarbonaatti",
            "az": "Polikarbonat",
            "fa": "پلی‌کربنات",
        },
        "text": {
            "en": "polycarbonate",
            "tr": "polikarbonat",
            "fi": "polykarbonaatti",
            "az": "polikarbonat",
            "fa": "پلی‌کربناتی",
        },
    },
    "silicone": {
        "label": {
            "en": "Silicone",
            "tr": "Silikon",
            "fi": "Silikoni",
            "az": "Silikon",
            "fa": "سیلیکون",
        },
        "text": {
            "en": "silicone",
            "tr": "silikon",
            "fi": "silikoni",
            "az": "silikon",
            "fa": "سیلیکونی",
        },
    },
}

# code -> label, name suffix form and an RGB colour for the generated pictures.
COLOURS = {
    "black": {
        "label": {"en": "Black", "tr": "Siyah", "fi": "Musta", "az": "Qara", "fa": "مشکی"},
        "rgb": (38, 38, 42),
    },
    "white": {
        "label": {"en": "White", "tr": "Beyaz", "fi": "Valkoinen", "az": "Ağ", "fa": "سفید"},
        "rgb": (236, 234, 228),
    },
    "brass": {
        "label": {
            "en": "Brass",
            "tr": "Pirinç",
            "fi": "Messinki",
            "az": "Latun rəngi",
            "fa": "برنجی",
        },
        "rgb": (196, 160, 82),
    },
    "forest-green": {
        "label": {
            "en": "Forest green",
            "tr": "Orman yeşili",
            "fi": "Metsänvihreä",
            "az": "Tünd yaşıl",
            "fa": "سبز جنگلی",
        },
        "rgb": (52, 88, 64),
    },
    "terracotta": {
        "label": {
            "en": "Terracotta",
            "tr": "Kiremit rengi",
            "fi": "Terrakotta",
            "az": "Terrakota",
            "fa": "آجری",
        },
        "rgb": (190, 98, 68),
    },
    "graphite": {
        "label": {
            "en": "Graphite",
            "tr": "Grafit",
            "fi": "Grafiitti",
            "az": "Qrafit",
            "fa": "نوک‌مدادی",
        },
        "rgb": (84, 88, 96),
    },
    "arctic-blue": {
        "label": {
            "en": "Arctic blue",
            "tr": "Buz mavisi",
            "fi": "Arktinen sininen",
            "az": "Buz mavisi",
            "fa": "آبی یخی",
        },
        "rgb": (96, 150, 196),
    },
    "signal-orange": {
        "label": {
            "en": "Signal orange",
            "tr": "Sinyal turuncusu",
            "fi": "Huomio-oranssi",
            "az": "Siqnal narıncısı",
            "fa": "نارنجی هشدار",
        },
        "rgb": (232, 112, 36),
    },
}

SIZES = {
    "s": {
        "label": {"en": "Small", "tr": "Küçük", "fi": "Pieni", "az": "Kiçik", "fa": "کوچک"},
        "diameter": 30,
    },
    "m": {
        "label": {"en": "Medium", "tr": "Orta", "fi": "Keskikokoinen", "az": "Orta", "fa": "متوسط"},
        "diameter": 45,
    },
    "l": {
        "label": {"en": "Large", "tr": "Büyük", "fi": "Suuri", "az": "Böyük", "fa": "بزرگ"},
        "diameter": 60,
    },
}

# Unit words as written in running text per language.
UNITS = {
    "W": {"en": "W", "tr": "W", "fi": "W", "az": "Vt", "fa": "وات"},
    "lm": {"en": "lm", "tr": "lm", "fi": "lm", "az": "lm", "fa": "لومن"},
    "K": {"en": "K", "tr": "K", "fi": "K", "az": "K", "fa": "کلوین"},
    "cm": {"en": "cm", "tr": "cm", "fi": "cm", "az": "sm", "fa": "سانتی‌متر"},
}

# Persian product names put the noun first: "چراغ رومیزی مدل آلتو".
NAME_PATTERNS = {
    "en": "{series} {noun}",
    "tr": "{series} {noun}",
    "fi": "{series} {noun}",
    "az": "{series} {noun}",
    "fa": "{noun} مدل {series}",
}

SERIES_FA = {
    "Aalto": "آلتو",
    "Kivi": "کیوی",
    "Sora": "سورا",
    "Luna": "لونا",
    "Fjord": "فیورد",
    "Nova": "نوا",
    "Halo": "هالو",
    "Mira": "میرا",
    "Koru": "کورو",
    "Lumo": "لومو",
    "Saga": "ساگا",
    "Vela": "ولا",
    "Tundra": "توندرا",
    "Orbit": "اوربیت",
    "Terra": "ترا",
    "Ilta": "ایلتا",
    "Kide": "کیده",
    "Pilvi": "پیلوی",
    "Aamu": "آمو",
    "Ranta": "رانتا",
    "Usva": "اوسوا",
    "Kaste": "کاسته",
    "Polar": "پولار",
    "Zenit": "زنیت",
    "Atlas": "اطلس",
    "Delta": "دلتا",
    "Lago": "لاگو",
    "Nimbus": "نیمبوس",
    "Vuono": "وونو",
    "Hetki": "هتکی",
    "Kajo": "کایو",
    "Routa": "روتا",
    "Tuisku": "تویسکو",
    "Lumi": "لومی",
    "Kaamos": "کاموس",
    "Solstice": "سولستیس",
    "Virta": "ویرتا",
    "Lyra": "لیرا",
    "Ember": "امبر",
    "Aurora": "آرورا",
    "Meteor": "متئور",
    "Comet": "کامت",
    "Ridge": "ریج",
    "Summit": "سامیت",
    "Trail": "ترِیل",
    "Pulse": "پالس",
    "Glow": "گلو",
    "Line": "لاین",
    "Flux": "فلاکس",
    "Ribbon": "ریبون",
    "Arc": "آرک",
    "Beam": "بیم",
}

INTRO = {
    "en": "{series} is designed in Helsinki and built to be used every day for years.",
    "tr": "{series}, Helsinki'de tasarlandı ve yıllarca her gün kullanılmak üzere üretildi.",
    "fi": "{series} on suunniteltu Helsingissä ja tehty kestämään päivittäistä käyttöä vuosia.",
    "az": "{series} Helsinkidə dizayn edilib və illərlə hər gün istifadə üçün hazırlanıb.",
    "fa": "مدل {series} در هلسینکی طراحی شده و برای سال‌ها استفادهٔ روزانه ساخته شده است.",
}
WARRANTY = {
    "en": "Backed by a {warranty}-year Lumora warranty.",
    "tr": "Ürün, {warranty} yıl Lumora garantisi kapsamındadır.",
    "fi": "Lumora myöntää tuotteelle {warranty} vuoden takuun.",
    "az": "Məhsula Lumora tərəfindən {warranty} il zəmanət verilir.",
    "fa": "این محصول {warranty} سال ضمانت لومورا دارد.",
}
MARKETING = {
    "en": [
        "Light that makes every evening feel slower.",
        "Design from the north, light for everyday life.",
        "Warm light, clean lines, no compromises.",
        "Made to be switched on every day for years.",
        "Bring the calm of a Nordic summer night indoors.",
        "Good light is the quietest kind of design.",
    ],
    "tr": [
        "Her akşamı biraz daha yavaşlatan bir ışık.",
        "Kuzeyden gelen tasarım, günlük yaşam için ışık.",
        "Sıcak ışık, sade çizgiler, ödünsüz kalite.",
        "Yıllarca her gün açılmak için üretildi.",
        "İskandinav yaz gecelerinin huzurunu evinize taşıyın.",
        "İyi ışık, tasarımın en sessiz hâlidir.",
    ],
    "fi": [
        "Valo, joka hidastaa jokaisen illan.",
        "Pohjoista muotoilua, valoa arkeen.",
        "Lämmin valo, selkeät linjat, ei kompromisseja.",
        "Tehty sytytettäväksi joka päivä vuosien ajan.",
        "Tuo suomalaisen kesäyön rauha sisälle.",
        "Hyvä valo on muotoilun hiljaisin muoto.",
    ],
    "az": [
        "Hər axşamı bir az daha sakit edən işıq.",
        "Şimaldan gələn dizayn, gündəlik həyat üçün işıq.",
        "İsti işıq, sadə xətlər, güzəştsiz keyfiyyət.",
        "İllərlə hər gün yandırılmaq üçün hazırlanıb.",
        "Şimal yay gecəsinin sakitliyini evinizə gətirin.",
        "Yaxşı işıq dizaynın ən səssiz formasıdır.",
    ],
    "fa": [
        "نوری که هر شب را آرام‌تر می‌کند.",
        "طراحی از شمال، نور برای زندگی روزمره.",
        "نور گرم، خطوط ساده، بدون هیچ مصالحه‌ای.",
        "ساخته شده برای سال‌ها روشن شدن در هر روز.",
        "آرامش شب‌های تابستانی شمال اروپا را به خانه بیاورید.",
        "نور خوب بی‌صداترین شکل طراحی است.",
    ],
}

# Per family: names, the noun used in product names, the category, attributes,
# channel requirements and the phrase templates.
FAMILIES = {
    "table-lamps": {
        "name": {
            "en": "Table lamps",
            "tr": "Masa lambaları",
            "fi": "Pöytävalaisimet",
            "az": "Stolüstü lampalar",
            "fa": "چراغ‌های رومیزی",
        },
        "noun": {
            "en": "Table Lamp",
            "tr": "Masa Lambası",
            "fi": "pöytävalaisin",
            "az": "stolüstü lampa",
            "fa": "چراغ رومیزی",
        },
        "category": "table-lamps",
        "attributes": [
            "power_w",
            "luminous_flux",
            "colour_temperature",
            "cri",
            "energy_class",
            "dimmable",
            "lifetime_hours",
            "warranty_years",
            "launch_date",
            "tagline",
            "highlights",
            "materials",
            "colour",
            "weight",
            "cable_length",
            "lamp_base",
            "mounting",
            "search_keywords",
        ],
        "require": {
            "web": ["power_w", "luminous_flux", "energy_class", "dimmable", "tagline"],
            "print": ["power_w", "luminous_flux", "colour_temperature", "weight"],
            "marketplace": ["power_w", "energy_class", "search_keywords"],
        },
        "short": {
            "en": "Dimmable table lamp with a {material} base and {lumen} lm of warm {kelvin} K LED light.",  # noqa: E501
            "tr": "{material} gövdeli, kısılabilir masa lambası: {lumen} lm ışık akısı ve {kelvin} K sıcak beyaz LED ışık.",  # noqa: E501
            "fi": "Himmennettävä pöytävalaisin, jalka: {material}. Lämmin {kelvin} K LED-valo, valovirta {lumen} lm.",  # noqa: E501
            "az": "Gövdəsi {material} olan, işığı tənzimlənən stolüstü lampa: {lumen} lm işıq axını və {kelvin} K isti LED işığı.",  # noqa: E501
            "fa": "چراغ رومیزی با نور قابل تنظیم و پایهٔ {material}؛ نور گرم ال‌ای‌دی {kelvin} کلوین با شار نوری {lumen} لومن.",  # noqa: E501
        },
        "features": {
            "en": [
                "Stepless touch dimmer in the base",
                "Glare-free diffuser for reading and work",
                "Replaceable LED module rated for {lifetime} hours",
                "Textile cable, {cable} m, with a plug",
            ],
            "tr": [
                "Gövdede kademesiz dokunmatik dimmer",
                "Okuma ve çalışma için göz kamaştırmayan difüzör",
                "{lifetime} saat ömürlü, değiştirilebilir LED modül",
                "{cable} m tekstil kaplı kablo ve fiş",
            ],
            "fi": [
                "Portaaton kosketushimmennin jalassa",
                "Häikäisemätön valonhajotin lukemiseen ja työskentelyyn",
                "Vaihdettava LED-moduuli, nimelliskäyttöikä {lifetime} tuntia",
                "Tekstiilipäällysteinen johto {cable} m ja pistotulppa",
            ],
            "az": [
                "Gövdədə pilləsiz toxunma tənzimləyicisi",
                "Oxumaq və işləmək üçün göz qamaşdırmayan diffuzor",
                "{lifetime} saat xidmət müddəti olan dəyişdirilə bilən LED modul",
                "{cable} m parça örtüklü kabel və ştepsel",
            ],
            "fa": [
                "دیمر لمسی بدون پله روی پایه",
                "پخش‌کنندهٔ بدون خیرگی برای مطالعه و کار",
                "ماژول ال‌ای‌دی قابل تعویض با عمر اسمی {lifetime} ساعت",
                "کابل با روکش پارچه‌ای به طول {cable} متر همراه با دوشاخه",
            ],
        },
        "instructions": {
            "en": [
                "Place the lamp on a stable, dry surface.",
                "Plug it in and touch the base to switch on; keep your finger on it to dim.",
                "Clean with a dry, soft cloth only.",
            ],
            "tr": [
                "Lambayı sağlam ve kuru bir yüzeye yerleştirin.",
                "Fişi takın; açmak için gövdeye dokunun, ışığı kısmak için parmağınızı basılı tutun.",  # noqa: E501
                "Yalnızca kuru ve yumuşak bir bezle temizleyin.",
            ],
            "fi": [
                "Aseta valaisin tukevalle ja kuivalle alustalle.",
                "Kytke pistotulppa ja kosketa jalkaa sytyttääksesi valon; pidä sormea jalalla himmentääksesi.",  # noqa: E501
                "Puhdista vain kuivalla, pehmeällä liinalla.",
            ],
            "az": [
                "Lampanı möhkəm və quru səthə qoyun.",
                "Ştepseli rozetkaya taxın; yandırmaq üçün gövdəyə toxunun, işığı azaltmaq üçün barmağınızı saxlayın.",  # noqa: E501
                "Yalnız quru və yumşaq parça ilə təmizləyin.",
            ],
            "fa": [
                "چراغ را روی سطحی محکم و خشک قرار دهید.",
                "دوشاخه را به پریز بزنید؛ برای روشن کردن پایه را لمس کنید و برای کم کردن نور انگشت خود را نگه دارید.",  # noqa: E501
                "فقط با پارچهٔ خشک و نرم تمیز کنید.",
            ],
        },
    },
    "pendants": {
        "name": {
            "en": "Pendant lights",
            "tr": "Sarkıt avizeler",
            "fi": "Riippuvalaisimet",
            "az": "Asma çilçıraqlar",
            "fa": "چراغ‌های آویز",
        },
        "noun": {
            "en": "Pendant Light",
            "tr": "Sarkıt Avize",
            "fi": "riippuvalaisin",
            "az": "asma çilçıraq",
            "fa": "چراغ آویز",
        },
        "category": "pendants",
        "attributes": [
            "power_w",
            "luminous_flux",
            "colour_temperature",
            "cri",
            "energy_class",
            "dimmable",
            "lifetime_hours",
            "warranty_years",
            "launch_date",
            "tagline",
            "highlights",
            "materials",
            "colour",
            "size",
            "weight",
            "cable_length",
            "lamp_base",
            "mounting",
            "voltage",
            "installation_guide",
            "wiring_diagram",
            "search_keywords",
        ],
        "require": {
            "web": ["power_w", "luminous_flux", "energy_class", "tagline"],
            "print": ["power_w", "luminous_flux", "colour_temperature", "cable_length"],
            "marketplace": ["power_w", "energy_class", "search_keywords"],
        },
        "short": {
            "en": "Pendant light with a {material} shade for dining tables and kitchen islands; {lumen} lm of {kelvin} K light.",  # noqa: E501
            "tr": "Yemek masaları ve mutfak adaları için {material} abajurlu sarkıt avize; {lumen} lm, {kelvin} K ışık.",  # noqa: E501
            "fi": "Riippuvalaisin ruokapöydän ja keittiösaarekkeen ylle, varjostin: {material}; valovirta {lumen} lm, värilämpötila {kelvin} K.",  # noqa: E501
            "az": "Yemək masası və mətbəx adası üçün abajuru {material} olan asma çilçıraq; {lumen} lm, {kelvin} K işıq.",  # noqa: E501
            "fa": "چراغ آویز با کلاهک {material} برای میز ناهارخوری و جزیرهٔ آشپزخانه؛ شار نوری {lumen} لومن و نور {kelvin} کلوین.",  # noqa: E501
        },
        "features": {
            "en": [
                "Height-adjustable textile cord, up to {cable} m",
                "Warm, even downlight without glare",
                "Ceiling canopy with a quick-connect terminal",
                "Works with standard phase-cut dimmers",
            ],
            "tr": [
                "{cable} m'ye kadar yüksekliği ayarlanabilen tekstil kablo",
                "Göz kamaştırmayan, sıcak ve homojen aşağı yönlü ışık",
                "Hızlı bağlantı klemensli tavan rozeti",
                "Standart faz kesmeli dimmerlerle uyumlu",
            ],
            "fi": [
                "Korkeussäädettävä tekstiilijohto, enintään {cable} m",
                "Lämmin ja tasainen alasvalo ilman häikäisyä",
                "Kattokuppi pikaliittimellä",
                "Toimii tavallisten vaihekulmahimmentimien kanssa",
            ],
            "az": [
                "Hündürlüyü {cable} m-ə qədər tənzimlənən parça kabel",
                "Göz qamaşdırmayan, isti və bərabər aşağı işıq",
                "Sürətli qoşulma klemmi olan tavan rozeti",
                "Standart faza kəsmə tənzimləyiciləri ilə uyğundur",
            ],
            "fa": [
                "کابل پارچه‌ای با ارتفاع قابل تنظیم تا {cable} متر",
                "نور گرم و یکنواخت رو به پایین بدون خیرگی",
                "کاسهٔ سقفی با ترمینال اتصال سریع",
                "سازگار با دیمرهای استاندارد برش فاز",
            ],
        },
        "instructions": {
            "en": [
                "Switch off the mains power before installation.",
                "Have the light connected by a qualified electrician.",
                "Adjust the cord length and tighten the strain relief.",
            ],
            "tr": [
                "Montajdan önce şebeke elektriğini kesin.",
                "Armatürün bağlantısını yetkili bir elektrikçiye yaptırın.",
                "Kablo uzunluğunu ayarlayın ve kablo tutucuyu sıkın.",
            ],
            "fi": [
                "Katkaise verkkovirta ennen asennusta.",
                "Anna valtuutetun sähköasentajan kytkeä valaisin.",
                "Säädä johdon pituus ja kiristä vedonpoistin.",
            ],
            "az": [
                "Quraşdırmadan əvvəl elektrik şəbəkəsini söndürün.",
                "İşıqlandırıcını səlahiyyətli elektrikçiyə qoşdurun.",
                "Kabelin uzunluğunu tənzimləyin və kabel tutucunu bərkidin.",
            ],
            "fa": [
                "پیش از نصب، برق اصلی را قطع کنید.",
                "اتصال چراغ را به برق‌کار مجاز بسپارید.",
                "طول کابل را تنظیم کنید و گیرهٔ نگه‌دارندهٔ کابل را محکم کنید.",
            ],
        },
    },
    "outdoor-lights": {
        "name": {
            "en": "Outdoor wall lights",
            "tr": "Dış mekân aplikleri",
            "fi": "Ulkoseinävalaisimet",
            "az": "Açıq hava divar lampaları",
            "fa": "چراغ‌های دیواری بیرونی",
        },
        "noun": {
            "en": "Outdoor Wall Light",
            "tr": "Dış Mekân Apliği",
            "fi": "ulkoseinävalaisin",
            "az": "divar lampası",
            "fa": "چراغ دیواری بیرونی",
        },
        "category": "wall-lights",
        "attributes": [
            "power_w",
            "luminous_flux",
            "colour_temperature",
            "cri",
            "energy_class",
            "lifetime_hours",
            "warranty_years",
            "launch_date",
            "highlights",
            "materials",
            "colour",
            "weight",
            "ip_rating",
            "mounting",
            "voltage",
            "motion_sensor",
            "installation_guide",
            "wiring_diagram",
            "search_keywords",
        ],
        "require": {
            "web": ["power_w", "luminous_flux", "energy_class", "ip_rating"],
            "print": ["power_w", "luminous_flux", "ip_rating", "colour_temperature"],
            "marketplace": ["power_w", "ip_rating", "search_keywords"],
        },
        "short": {
            "en": "Weatherproof {ip} outdoor wall light in {material} with {lumen} lm of {kelvin} K light for entrances and terraces.",  # noqa: E501
            "tr": "Girişler ve teraslar için {ip} korumalı, {material} gövdeli dış mekân apliği; {lumen} lm, {kelvin} K ışık.",  # noqa: E501
            "fi": "Säänkestävä {ip}-luokan ulkoseinävalaisin sisäänkäynteihin ja terasseille, runko: {material}; {lumen} lm, {kelvin} K.",  # noqa: E501
            "az": "Girişlər və terraslar üçün {ip} qorumalı, gövdəsi {material} olan divar lampası; {lumen} lm, {kelvin} K işıq.",  # noqa: E501
            "fa": "چراغ دیواری بیرونی با درجهٔ حفاظت {ip} و بدنهٔ {material} برای ورودی‌ها و تراس‌ها؛ {lumen} لومن، {kelvin} کلوین.",  # noqa: E501
        },
        "features": {
            "en": [
                "Die-cast housing with a powder-coated finish",
                "Up-and-down light that washes the facade",
                "Optional motion sensor with dusk detection",
                "Rated for −25 °C to +40 °C",
            ],
            "tr": [
                "Toz boyalı döküm gövde",
                "Cepheyi aydınlatan çift yönlü ışık",
                "Alacakaranlık algılamalı isteğe bağlı hareket sensörü",
                "−25 °C ile +40 °C arasında kullanıma uygun",
            ],
            "fi": [
                "Jauhemaalattu painevalurunko",
                "Ylös ja alas suuntautuva valo korostaa julkisivua",
                "Valinnainen liiketunnistin ja hämäräkytkin",
                "Käyttölämpötila −25 °C … +40 °C",
            ],
            "az": [
                "Toz boyalı tökmə gövdə",
                "Fasadı işıqlandıran yuxarı-aşağı işıq",
                "Alaqaranlıq sensoru olan əlavə hərəkət sensoru",
                "−25 °C ilə +40 °C arasında istifadə üçün",
            ],
            "fa": [
                "بدنهٔ ریخته‌گری با پوشش رنگ پودری",
                "نور بالا و پایین که نمای ساختمان را روشن می‌کند",
                "حسگر حرکتی اختیاری با تشخیص غروب",
                "مناسب برای دمای ۲۵- تا ۴۰+ درجهٔ سانتی‌گراد",
            ],
        },
        "instructions": {
            "en": [
                "Switch off the mains power and mount the back plate with the supplied screws.",  # noqa: E501
                "Connect L, N and earth to the terminal block; keep the gasket in place.",
                "Fit the cover and check that the seal is tight before switching on.",
            ],
            "tr": [
                "Şebeke elektriğini kesin ve arka plakayı birlikte verilen vidalarla monte edin.",  # noqa: E501
                "L, N ve toprak hattını klemense bağlayın; contayı yerinde bırakın.",
                "Kapağı takın ve elektriği açmadan önce contanın sızdırmaz olduğunu kontrol edin.",
            ],  # noqa: E501
            "fi": [
                "Katkaise verkkovirta ja kiinnitä taustalevy mukana tulevilla ruuveilla.",
                "Kytke L, N ja suojamaa liitinrimaan; jätä tiiviste paikalleen.",
                "Asenna kansi ja tarkista tiivisteen pitävyys ennen virran kytkemistä.",
            ],
            "az": [
                "Elektrik şəbəkəsini söndürün və arxa lövhəni dəstdəki vintlərlə bərkidin.",
                "L, N və torpaqlama xəttini klemmə qoşun; kipgəci yerində saxlayın.",
                "Qapağı taxın və elektriki açmazdan əvvəl kipliyi yoxlayın.",
            ],
            "fa": [
                "برق اصلی را قطع کنید و صفحهٔ پشتی را با پیچ‌های همراه نصب کنید.",
                "سیم‌های فاز، نول و ارت را به ترمینال وصل کنید و واشر را در جای خود نگه دارید.",  # noqa: E501
                "درپوش را ببندید و پیش از وصل کردن برق از آب‌بندی کامل آن مطمئن شوید.",
            ],
        },
    },
    "led-bulbs": {
        "name": {
            "en": "LED bulbs",
            "tr": "LED ampuller",
            "fi": "LED-lamput",
            "az": "LED lampalar",
            "fa": "لامپ‌های ال‌ای‌دی",
        },
        "noun": {
            "en": "LED Bulb",
            "tr": "LED Ampul",
            "fi": "LED-lamppu",
            "az": "LED lampa",
            "fa": "لامپ ال‌ای‌دی",
        },
        "category": "led-bulbs",
        "attributes": [
            "power_w",
            "luminous_flux",
            "colour_temperature",
            "cri",
            "energy_class",
            "dimmable",
            "lifetime_hours",
            "warranty_years",
            "launch_date",
            "highlights",
            "lamp_base",
            "voltage",
            "beam_angle",
            "search_keywords",
        ],
        "require": {
            "web": ["power_w", "luminous_flux", "energy_class", "lamp_base", "dimmable"],
            "print": ["power_w", "luminous_flux", "lamp_base", "colour_temperature"],
            "marketplace": ["power_w", "energy_class", "lamp_base", "search_keywords"],
        },
        "short": {
            "en": "{base} LED bulb, {power} W instead of a {equiv} W incandescent: {lumen} lm, {kelvin} K, {lifetime} h rated life.",  # noqa: E501
            "tr": "{base} duylu LED ampul, {equiv} W akkor ampul yerine {power} W: {lumen} lm, {kelvin} K, {lifetime} saat ömür.",  # noqa: E501
            "fi": "{base}-kantainen LED-lamppu, {power} W korvaa {equiv} W:n hehkulampun: {lumen} lm, {kelvin} K, käyttöikä {lifetime} h.",  # noqa: E501
            "az": "{base} tipli LED lampa, {equiv} Vt közərmə lampasının əvəzinə {power} Vt: {lumen} lm, {kelvin} K, {lifetime} saat xidmət müddəti.",  # noqa: E501
            "fa": "لامپ ال‌ای‌دی با سرپیچ {base}، {power} وات به جای لامپ رشته‌ای {equiv} وات؛ {lumen} لومن، {kelvin} کلوین و عمر {lifetime} ساعت.",  # noqa: E501
        },
        "features": {
            "en": [
                "Full-glass bulb with a filament look",
                "Instant full brightness, no warm-up",
                "Flicker-free driver, gentle on the eyes",
                "Mercury-free and fully recyclable",
            ],
            "tr": [
                "Flaman görünümlü tam cam gövde",
                "Anında tam parlaklık, ısınma süresi yok",
                "Gözü yormayan titreşimsiz sürücü",
                "Cıva içermez, tamamen geri dönüştürülebilir",
            ],
            "fi": [
                "Lasikupu ja hehkulankaa muistuttava ulkonäkö",
                "Täysi kirkkaus heti ilman lämpenemistä",
                "Välkkymätön virtalähde, silmäystävällinen",
                "Elohopeaton ja täysin kierrätettävä",
            ],
            "az": [
                "Közərmə sapı görünüşlü tam şüşə gövdə",
                "Dərhal tam parlaqlıq, qızma müddəti yoxdur",
                "Gözü yormayan, titrəməsiz drayver",
                "Civəsizdir və tamamilə təkrar emal olunur",
            ],
            "fa": [
                "حباب تمام‌شیشه‌ای با ظاهر رشته‌ای",
                "روشنایی کامل بلافاصله و بدون نیاز به گرم شدن",
                "درایور بدون سوسو و آرام برای چشم",
                "بدون جیوه و کاملاً قابل بازیافت",
            ],
        },
        "instructions": {
            "en": [
                "Switch off the light and let an old bulb cool before replacing it.",
                "Screw the bulb in by hand; do not overtighten.",
                "Take used bulbs to an electronics collection point.",
            ],
            "tr": [
                "Ampulü değiştirmeden önce ışığı kapatın ve eski ampulün soğumasını bekleyin.",  # noqa: E501
                "Ampulü elle takın; aşırı sıkmayın.",
                "Kullanılmış ampulleri elektronik atık toplama noktasına bırakın.",
            ],
            "fi": [
                "Sammuta valo ja anna vanhan lampun jäähtyä ennen vaihtoa.",
                "Kierrä lamppu paikalleen käsin; älä kiristä liikaa.",
                "Vie käytetyt lamput sähkö- ja elektroniikkaromun keräyspisteeseen.",
            ],
            "az": [
                "Lampanı dəyişməzdən əvvəl işığı söndürün və köhnə lampanın soyumasını gözləyin.",  # noqa: E501
                "Lampanı əllə burub yerinə salın; həddən artıq sıxmayın.",
                "İşlənmiş lampaları elektron tullantıların qəbul məntəqəsinə təhvil verin.",
            ],
            "fa": [
                "پیش از تعویض، چراغ را خاموش کنید و بگذارید لامپ قبلی خنک شود.",
                "لامپ را با دست در سرپیچ بپیچانید و بیش از حد سفت نکنید.",
                "لامپ‌های مصرف‌شده را به محل جمع‌آوری پسماند الکترونیکی تحویل دهید.",
            ],
        },
    },
    "led-strips": {
        "name": {
            "en": "LED strip kits",
            "tr": "LED şerit setleri",
            "fi": "LED-nauhasarjat",
            "az": "LED lent dəstləri",
            "fa": "کیت‌های نوار ال‌ای‌دی",
        },
        "noun": {
            "en": "LED Strip Kit",
            "tr": "LED Şerit Seti",
            "fi": "LED-nauhasarja",
            "az": "LED lent dəsti",
            "fa": "کیت نوار ال‌ای‌دی",
        },
        "category": "led-strips",
        "attributes": [
            "power_w",
            "luminous_flux",
            "colour_temperature",
            "cri",
            "energy_class",
            "dimmable",
            "lifetime_hours",
            "warranty_years",
            "launch_date",
            "highlights",
            "strip_length",
            "ip_rating",
            "voltage",
            "installation_guide",
            "wiring_diagram",
            "search_keywords",
        ],
        "require": {
            "web": ["power_w", "luminous_flux", "strip_length", "energy_class"],
            "print": ["power_w", "strip_length", "ip_rating", "voltage"],
            "marketplace": ["strip_length", "energy_class", "search_keywords"],
        },
        "short": {
            "en": "{length} m LED strip kit with power supply and remote: {lumen} lm per metre, {kelvin} K, {ip} protection.",  # noqa: E501
            "tr": "Adaptör ve kumandalı {length} m LED şerit seti: metre başına {lumen} lm, {kelvin} K, {ip} koruma.",  # noqa: E501
            "fi": "LED-nauhasarja {length} m, virtalähde ja kaukosäädin: {lumen} lm/m, {kelvin} K, kotelointiluokka {ip}.",  # noqa: E501
            "az": "Adapter və pultu olan {length} m LED lent dəsti: hər metrə {lumen} lm, {kelvin} K, {ip} qoruma.",  # noqa: E501
            "fa": "کیت نوار ال‌ای‌دی {length} متری همراه با آداپتور و ریموت؛ {lumen} لومن در هر متر، {kelvin} کلوین، درجهٔ حفاظت {ip}.",  # noqa: E501
        },
        "features": {
            "en": [
                "Cut to length every 5 cm",
                "Strong 3M adhesive backing",
                "Dimmable with the included remote",
                "Connectors for corners and extensions included",
            ],
            "tr": [
                "Her 5 cm'de bir kesilebilir",
                "Güçlü 3M yapışkan arka yüzey",
                "Birlikte verilen kumandayla kısılabilir",
                "Köşe ve uzatma konnektörleri dahil",
            ],
            "fi": [
                "Katkaistavissa 5 cm:n välein",
                "Vahva 3M-liimapinta",
                "Himmennettävissä mukana tulevalla kaukosäätimellä",
                "Kulma- ja jatkoliittimet mukana",
            ],
            "az": [
                "Hər 5 sm-dən bir kəsilə bilər",
                "Güclü 3M yapışqan arxa səth",
                "Dəstdəki pultla işığı tənzimlənir",
                "Künc və uzatma birləşdiriciləri daxildir",
            ],
            "fa": [
                "قابل برش در هر ۵ سانتی‌متر",
                "چسب قوی 3M در پشت نوار",
                "قابل تنظیم نور با ریموت همراه",
                "همراه با رابط‌های گوشه و افزایش طول",
            ],
        },
        "instructions": {
            "en": [
                "Clean the surface with alcohol and let it dry.",
                "Peel off the liner and press the strip firmly in place.",
                "Connect the power supply last and pair the remote.",
            ],
            "tr": [
                "Yüzeyi alkolle temizleyin ve kurumasını bekleyin.",
                "Koruyucu bandı çıkarın ve şeridi sıkıca bastırın.",
                "Adaptörü en son bağlayın ve kumandayı eşleştirin.",
            ],
            "fi": [
                "Puhdista pinta alkoholilla ja anna kuivua.",
                "Irrota suojapaperi ja paina nauha tiukasti paikalleen.",
                "Kytke virtalähde viimeisenä ja yhdistä kaukosäädin.",
            ],
            "az": [
                "Səthi spirtlə təmizləyin və qurumasını gözləyin.",
                "Qoruyucu təbəqəni çıxarın və lenti möhkəm basın.",
                "Adapteri ən sonda qoşun və pultu cütləşdirin.",
            ],
            "fa": [
                "سطح را با الکل تمیز کنید و بگذارید خشک شود.",
                "لایهٔ محافظ را جدا کنید و نوار را محکم روی سطح فشار دهید.",
                "آداپتور را در آخر وصل کنید و ریموت را جفت کنید.",
            ],
        },
    },
    "headlamps": {
        "name": {
            "en": "Headlamps",
            "tr": "Kafa lambaları",
            "fi": "Otsalamput",
            "az": "Baş fənərləri",
            "fa": "چراغ‌های پیشانی",
        },
        "noun": {
            "en": "Headlamp",
            "tr": "Kafa Lambası",
            "fi": "otsalamppu",
            "az": "baş fənəri",
            "fa": "چراغ پیشانی",
        },
        "category": "headlamps",
        "attributes": [
            "power_w",
            "luminous_flux",
            "colour_temperature",
            "warranty_years",
            "launch_date",
            "tagline",
            "highlights",
            "materials",
            "colour",
            "weight",
            "ip_rating",
            "battery_capacity",
            "runtime",
            "mounting",
            "search_keywords",
        ],
        "require": {
            "web": ["luminous_flux", "runtime", "ip_rating", "tagline"],
            "print": ["luminous_flux", "runtime", "battery_capacity", "weight"],
            "marketplace": ["luminous_flux", "runtime", "search_keywords"],
        },
        "short": {
            "en": "Rechargeable {lumen} lm headlamp with a {battery} mAh battery, up to {runtime} h of light and {ip} water resistance.",  # noqa: E501
            "tr": "{battery} mAh bataryalı, şarj edilebilir {lumen} lm kafa lambası; {runtime} saate kadar ışık ve {ip} suya dayanıklılık.",  # noqa: E501
            "fi": "Ladattava {lumen} lm:n otsalamppu, akku {battery} mAh, paloaika jopa {runtime} h, vesitiiviys {ip}.",  # noqa: E501
            "az": "{battery} mAh akkumulyatorlu, şarj olunan {lumen} lm baş fənəri; {runtime} saata qədər işıq və {ip} suya davamlılıq.",  # noqa: E501
            "fa": "چراغ پیشانی شارژی {lumen} لومنی با باتری {battery} میلی‌آمپرساعت، تا {runtime} ساعت روشنایی و مقاومت در برابر آب {ip}.",  # noqa: E501
        },
        "features": {
            "en": [
                "USB-C charging with a battery indicator",
                "Red night-vision mode that keeps your eyes adapted",
                "Tilting head and a washable, reflective strap",
                "Lock mode prevents switching on in your pack",
            ],
            "tr": [
                "Batarya göstergeli USB-C şarj",
                "Gece görüşünü koruyan kırmızı ışık modu",
                "Eğilebilir kafa ve yıkanabilir, reflektörlü bant",
                "Çantada yanlışlıkla açılmayı önleyen kilit modu",
            ],
            "fi": [
                "USB-C-lataus ja akun varaustason näyttö",
                "Punainen yövalotila säilyttää pimeänäön",
                "Kallistettava lamppuosa ja pestävä, heijastava otsanauha",
                "Lukitustila estää lampun syttymisen repussa",
            ],
            "az": [
                "Batareya göstəricili USB-C ilə doldurma",
                "Gecə görmə qabiliyyətini qoruyan qırmızı işıq rejimi",
                "Əyilən başlıq və yuyula bilən, işıq əks etdirən kəmər",
                "Çantada təsadüfən yanmasının qarşısını alan kilid rejimi",
            ],
            "fa": [
                "شارژ با USB-C و نشانگر میزان باتری",
                "حالت نور قرمز برای حفظ دید در شب",
                "سر قابل تنظیم و بند قابل شست‌وشو با نوار شب‌نما",
                "حالت قفل برای جلوگیری از روشن شدن ناخواسته در کوله‌پشتی",
            ],
        },
        "instructions": {
            "en": [
                "Charge fully before first use (about 3 hours).",
                "Press once for high, twice for low; hold for the red light.",
                "Hold both buttons for 3 seconds to lock or unlock.",
            ],
            "tr": [
                "İlk kullanımdan önce tamamen şarj edin (yaklaşık 3 saat).",
                "Yüksek mod için bir kez, düşük mod için iki kez basın; kırmızı ışık için basılı tutun.",  # noqa: E501
                "Kilitlemek veya kilidi açmak için iki düğmeyi 3 saniye basılı tutun.",
            ],
            "fi": [
                "Lataa täyteen ennen ensimmäistä käyttöä (noin 3 tuntia).",
                "Paina kerran suurta tehoa ja kahdesti pientä tehoa varten; pidä painettuna punaista valoa varten.",  # noqa: E501
                "Lukitse tai avaa lukitus pitämällä molempia painikkeita painettuna 3 sekuntia.",
            ],  # noqa: E501
            "az": [
                "İlk istifadədən əvvəl tam doldurun (təxminən 3 saat).",
                "Yüksək rejim üçün bir dəfə, aşağı rejim üçün iki dəfə basın; qırmızı işıq üçün basılı saxlayın.",  # noqa: E501
                "Kilidləmək və ya kilidi açmaq üçün hər iki düyməni 3 saniyə basılı saxlayın.",
            ],  # noqa: E501
            "fa": [
                "پیش از اولین استفاده، باتری را کامل شارژ کنید (حدود ۳ ساعت).",
                "برای نور زیاد یک بار و برای نور کم دو بار فشار دهید؛ برای نور قرمز دکمه را نگه دارید.",  # noqa: E501
                "برای قفل یا باز کردن قفل، هر دو دکمه را ۳ ثانیه نگه دارید.",
            ],
        },
    },
}

# Common requirements per channel (attributes are per family, above).
CHANNEL_REQUIREMENTS = {
    "web": {
        "fields": ["name", "short_description", "description", "seo_title", "seo_description"],
        "roles": ["main"],
    },
    "print": {
        "fields": ["name", "short_description", "marketing_copy", "label_text"],
        "roles": ["main"],
    },
    "marketplace": {"fields": ["name", "short_description", "description"], "roles": ["main"]},
}

USERS = [
    # (username, role, languages for a translator profile)
    ("editor", "editor", None),
    ("translator", "translator", ["fi", "fa"]),
    ("publisher", "publisher", None),
    ("viewer", "viewer", None),
]
