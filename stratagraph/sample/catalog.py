"""Fixed vocabularies of the sample twin: markets, channels, themes, segments, names, copy.

Everything here is constant; the seed only picks among these values and jitters the
numeric ones, so every twin speaks about the same recognisable brand ("Northwind Outdoor").
Monetary values on channels are in the reference currency (USD); markets convert with `fx`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

BRAND = "Northwind Outdoor"
REFERENCE_CURRENCY = "USD"

# History is pinned to a fixed Sunday so the twin never depends on today's date.
HISTORY_END = date(2026, 10, 25)  # a Sunday
HISTORY_WEEKS = 104
HISTORY_START = HISTORY_END - timedelta(weeks=HISTORY_WEEKS) + timedelta(days=1)  # a Monday
GOAL_WEEKS = 13
GOAL_START = HISTORY_END + timedelta(days=1)
GOAL_END = HISTORY_END + timedelta(weeks=GOAL_WEEKS)
# The holiday goal: Black Friday to Christmas, inside the 13 weeks after the history.
HOLIDAY_START = date(2026, 11, 23)
HOLIDAY_END = date(2026, 12, 27)
SLOT_WEEKS = 26  # one campaign per pair per half year at most


@dataclass(frozen=True)
class MarketSpec:
    code: str
    name: str
    currency: str
    locale: str
    timezone: str
    fx: float  # units of local currency per USD
    decimals: int  # minor units of the currency
    revenue_per_conversion: float  # in local currency
    weight: float  # relative population, scales audience sizes
    email_domain: str  # reserved example domains only (RFC 2606)


# Order matters: scales take the first 3, 5 or 8.
MARKETS: tuple[MarketSpec, ...] = (
    MarketSpec(
        "US", "United States", "USD", "en-US", "America/New_York", 1.0, 2, 85.0, 1.0, "example.com"
    ),
    MarketSpec(
        "DE", "Germany", "EUR", "de-DE", "Europe/Berlin", 0.92, 2, 80.0, 0.35, "example.org"
    ),
    MarketSpec("JP", "Japan", "JPY", "ja-JP", "Asia/Tokyo", 150.0, 0, 12500.0, 0.5, "example.com"),
    MarketSpec("FR", "France", "EUR", "fr-FR", "Europe/Paris", 0.92, 2, 78.0, 0.3, "example.org"),
    MarketSpec(
        "GB", "United Kingdom", "GBP", "en-GB", "Europe/London", 0.79, 2, 68.0, 0.3, "example.com"
    ),
    MarketSpec(
        "BR", "Brazil", "BRL", "pt-BR", "America/Sao_Paulo", 5.0, 2, 380.0, 0.45, "example.org"
    ),
    MarketSpec(
        "AU", "Australia", "AUD", "en-AU", "Australia/Sydney", 1.52, 2, 125.0, 0.12, "example.com"
    ),
    MarketSpec(
        "CA", "Canada", "CAD", "en-CA", "America/Toronto", 1.36, 2, 110.0, 0.18, "example.org"
    ),
)


@dataclass(frozen=True)
class ChannelSpec:
    """A channel and its true response: decay, beta, half saturation (USD/week), shape."""

    uid: str
    name: str
    kind: str
    cost_model: str
    cpm: float  # USD per 1000 impressions (messages for email and sms)
    ctr: float
    frequency: float  # average impressions per reached person in a week
    decay: float  # geometric adstock carry-over per week
    beta: float  # weekly conversions of a pair at full saturation (lift 1, season 1)
    half_saturation: float  # weekly adstocked USD giving half of beta
    shape: float  # Hill exponent: < 1 concave from the first dollar, > 1 S-shaped
    min_daily: float
    max_daily: float
    basis: str  # usual legal basis of reachability: consent or legitimate_interest
    coverage: tuple[float, float]  # share of an audience reachable on the channel
    reach_probability: float  # share of audiences reachable at all
    frequency_cap: int | None = None
    quiet_hours: tuple[int, int] | None = None


# Order matters: small takes 6, medium 8, large 10. Channels differ on purpose: search is
# efficient but saturates early, video/CTV need weight before they work (S-shaped) and carry
# over for weeks, display is cheap reach with weak response, messages are nearly free but
# small. That gives an optimiser real trade-offs.
CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec(
        "ch-email",
        "Email newsletter",
        "email",
        "per_message",
        5.0,
        0.025,
        1.3,
        0.15,
        60.0,
        250.0,
        0.8,
        5.0,
        2_000.0,
        "consent",
        (0.3, 0.7),
        0.85,
        frequency_cap=2,
        quiet_hours=(22, 8),
    ),
    ChannelSpec(
        "ch-sms",
        "SMS alerts",
        "sms",
        "per_message",
        12.0,
        0.04,
        1.1,
        0.1,
        45.0,
        300.0,
        0.9,
        5.0,
        1_500.0,
        "consent",
        (0.15, 0.45),
        0.6,
        frequency_cap=1,
        quiet_hours=(21, 9),
    ),
    ChannelSpec(
        "ch-social-feed",
        "Paid social – feed",
        "paid_social",
        "cpm",
        7.5,
        0.009,
        2.5,
        0.35,
        110.0,
        3_000.0,
        1.2,
        20.0,
        25_000.0,
        "legitimate_interest",
        (0.5, 0.9),
        0.9,
    ),
    ChannelSpec(
        "ch-search",
        "Paid search – generic",
        "search",
        "cpc",
        30.0,
        0.045,
        1.4,
        0.1,
        120.0,
        1_500.0,
        0.9,
        10.0,
        20_000.0,
        "legitimate_interest",
        (0.4, 0.8),
        0.9,
    ),
    ChannelSpec(
        "ch-display",
        "Programmatic display",
        "display",
        "cpm",
        2.8,
        0.0015,
        3.5,
        0.4,
        100.0,
        5_000.0,
        1.4,
        20.0,
        30_000.0,
        "legitimate_interest",
        (0.6, 0.95),
        0.8,
    ),
    ChannelSpec(
        "ch-video",
        "Online video",
        "video",
        "cpm",
        14.0,
        0.004,
        2.2,
        0.6,
        170.0,
        6_000.0,
        2.0,
        50.0,
        40_000.0,
        "legitimate_interest",
        (0.5, 0.85),
        0.75,
    ),
    ChannelSpec(
        "ch-social-short",
        "Paid social – short video",
        "paid_social",
        "cpm",
        5.0,
        0.007,
        3.0,
        0.25,
        80.0,
        1_800.0,
        1.5,
        20.0,
        20_000.0,
        "legitimate_interest",
        (0.4, 0.8),
        0.7,
    ),
    ChannelSpec(
        "ch-search-brand",
        "Paid search – brand",
        "search",
        "cpc",
        40.0,
        0.09,
        1.2,
        0.05,
        90.0,
        400.0,
        0.7,
        5.0,
        5_000.0,
        "legitimate_interest",
        (0.1, 0.3),
        0.8,
    ),
    ChannelSpec(
        "ch-ctv",
        "Connected TV",
        "tv",
        "cpm",
        28.0,
        0.0005,
        1.8,
        0.7,
        200.0,
        12_000.0,
        2.2,
        200.0,
        80_000.0,
        "legitimate_interest",
        (0.5, 0.9),
        0.6,
    ),
    ChannelSpec(
        "ch-audio",
        "Streaming audio",
        "audio",
        "cpm",
        9.0,
        0.001,
        2.0,
        0.5,
        70.0,
        4_000.0,
        1.6,
        50.0,
        20_000.0,
        "legitimate_interest",
        (0.3, 0.7),
        0.5,
    ),
)

# Which creative kinds run on which channel kinds.
ASSET_FITS: dict[str, tuple[str, ...]] = {
    "email_template": ("email",),
    "copy": ("sms", "search", "paid_social", "display"),
    "image": ("paid_social", "display"),
    "video": ("video", "paid_social", "tv"),
    "audio": ("audio",),
}
ASSET_FORMATS = {
    "email_template": "html",
    "copy": "text",
    "image": "jpeg-1080x1080",
    "video": "mp4-15s",
    "audio": "mp3-30s",
}

# One theme vocabulary for both signal topics and asset theme tags.
THEMES: tuple[str, ...] = (
    "summer",
    "winter",
    "running",
    "hiking",
    "outdoors",
    "premium",
    "sustainability",
    "family",
    "discount",
    "new_arrivals",
    "loyalty",
    "gifting",
)

# Per language: theme word, and subject / body templates of the generated creatives.
THEME_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "summer": "summer",
        "winter": "winter",
        "running": "running",
        "hiking": "hiking",
        "outdoors": "outdoor",
        "premium": "premium",
        "sustainability": "sustainable",
        "family": "family",
        "discount": "sale",
        "new_arrivals": "new-season",
        "loyalty": "member",
        "gifting": "gift",
    },
    "de": {
        "summer": "Sommer",
        "winter": "Winter",
        "running": "Lauf",
        "hiking": "Wander",
        "outdoors": "Outdoor",
        "premium": "Premium",
        "sustainability": "Nachhaltigkeits",
        "family": "Familien",
        "discount": "Sale",
        "new_arrivals": "Neuheiten",
        "loyalty": "Mitglieder",
        "gifting": "Geschenk",
    },
    "fr": {
        "summer": "été",
        "winter": "hiver",
        "running": "running",
        "hiking": "randonnée",
        "outdoors": "plein air",
        "premium": "premium",
        "sustainability": "durable",
        "family": "famille",
        "discount": "soldes",
        "new_arrivals": "nouveautés",
        "loyalty": "membres",
        "gifting": "cadeaux",
    },
    "ja": {
        "summer": "夏",
        "winter": "冬",
        "running": "ランニング",
        "hiking": "ハイキング",
        "outdoors": "アウトドア",
        "premium": "プレミアム",
        "sustainability": "サステナブル",
        "family": "ファミリー",
        "discount": "セール",
        "new_arrivals": "新作",
        "loyalty": "会員",
        "gifting": "ギフト",
    },
    "pt": {
        "summer": "verão",
        "winter": "inverno",
        "running": "corrida",
        "hiking": "trilha",
        "outdoors": "ao ar livre",
        "premium": "premium",
        "sustainability": "sustentável",
        "family": "família",
        "discount": "promoção",
        "new_arrivals": "novidades",
        "loyalty": "membros",
        "gifting": "presentes",
    },
}
SUBJECTS: dict[str, str] = {
    "en": "Your {a} {b} picks from {brand}",
    "de": "{a} & {b}: Ihre Auswahl von {brand}",
    "fr": "{a} et {b} : la sélection {brand}",
    "ja": "{brand}の{a}・{b}特集",
    "pt": "{a} e {b}: seleção {brand}",
}
BODIES: dict[str, str] = {
    "en": "Hi {{first_name}}, gear up with our {a} and {b} collection. Free returns within "
    "30 days.",
    "de": "Hallo {{first_name}}, entdecken Sie unsere {a}- und {b}-Kollektion. Kostenlose "
    "Rücksendung innerhalb von 30 Tagen.",
    "fr": "Bonjour {{first_name}}, découvrez notre collection {a} et {b}. Retours gratuits "
    "sous 30 jours.",
    "ja": "{{first_name}}様、{a}と{b}の新コレクションをご覧ください。30日間返品無料。",
    "pt": "Olá {{first_name}}, conheça nossa coleção {a} e {b}. Devolução grátis em 30 dias.",
}

# Audience segments: a name and the themes their signals lean to.
SEGMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Trail runners", ("running", "outdoors", "hiking")),
    ("Weekend hikers", ("hiking", "outdoors", "family")),
    ("Premium loyalists", ("premium", "loyalty", "new_arrivals")),
    ("Bargain hunters", ("discount", "gifting", "winter")),
    ("Eco-conscious shoppers", ("sustainability", "outdoors", "premium")),
    ("Young families", ("family", "summer", "discount")),
    ("Lapsed customers", ("discount", "loyalty", "new_arrivals")),
    ("New subscribers", ("new_arrivals", "discount", "summer")),
    ("Holiday gifters", ("gifting", "winter", "premium")),
    ("Urban commuters", ("running", "sustainability", "new_arrivals")),
    ("Ski & snow fans", ("winter", "outdoors", "premium")),
    ("Festival campers", ("summer", "outdoors", "family")),
)
QUALIFIERS: tuple[str, ...] = (
    "",
    "18-24",
    "25-34",
    "35-44",
    "45-54",
    "55+",
    "high value",
    "mobile first",
    "urban",
    "rural",
    "app users",
    "store visitors",
)

# Fictional names per language, ASCII-foldable so e-mail local parts stay simple.
FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "Olivia",
        "Liam",
        "Emma",
        "Noah",
        "Ava",
        "James",
        "Mia",
        "Lucas",
        "Amelia",
        "Ethan",
        "Harper",
        "Leo",
        "Chloe",
        "Jack",
        "Grace",
        "Owen",
    ),
    "de": (
        "Lena",
        "Jonas",
        "Mia",
        "Lukas",
        "Hannah",
        "Felix",
        "Emilia",
        "Paul",
        "Lea",
        "Jürgen",
        "Sophie",
        "Maximilian",
        "Clara",
        "Tobias",
        "Greta",
        "Moritz",
    ),
    "fr": (
        "Léa",
        "Hugo",
        "Chloé",
        "Louis",
        "Camille",
        "Gabriel",
        "Manon",
        "Arthur",
        "Inès",
        "Jules",
        "Zoé",
        "Théo",
        "Juliette",
        "Raphaël",
        "Élodie",
        "Nathan",
    ),
    "ja": (
        "Haruto",
        "Yui",
        "Sota",
        "Hina",
        "Riku",
        "Aoi",
        "Yuto",
        "Sakura",
        "Ren",
        "Mei",
        "Kaito",
        "Rin",
        "Hayato",
        "Yuna",
        "Daiki",
        "Akari",
    ),
    "pt": (
        "Ana",
        "João",
        "Maria",
        "Pedro",
        "Beatriz",
        "Lucas",
        "Júlia",
        "Gabriel",
        "Larissa",
        "Matheus",
        "Fernanda",
        "Rafael",
        "Camila",
        "Thiago",
        "Letícia",
        "Gustavo",
    ),
}
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "Smith",
        "Johnson",
        "Brown",
        "Taylor",
        "Wilson",
        "Davies",
        "Clarke",
        "Walker",
        "Wright",
        "Thompson",
        "White",
        "Hughes",
        "Martin",
        "Roberts",
        "Campbell",
        "Lee",
    ),
    "de": (
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Schulz",
        "Hoffmann",
        "Koch",
        "Richter",
        "Klein",
        "Wolf",
        "Schröder",
        "Neumann",
    ),
    "fr": (
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Richard",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
        "Simon",
        "Laurent",
        "Lefèvre",
        "Michel",
        "Garcia",
        "Fournier",
    ),
    "ja": (
        "Sato",
        "Suzuki",
        "Takahashi",
        "Tanaka",
        "Watanabe",
        "Ito",
        "Yamamoto",
        "Nakamura",
        "Kobayashi",
        "Kato",
        "Yoshida",
        "Yamada",
        "Sasaki",
        "Yamaguchi",
        "Matsumoto",
        "Inoue",
    ),
    "pt": (
        "Silva",
        "Santos",
        "Oliveira",
        "Souza",
        "Rodrigues",
        "Ferreira",
        "Alves",
        "Pereira",
        "Lima",
        "Gomes",
        "Costa",
        "Ribeiro",
        "Martins",
        "Carvalho",
        "Almeida",
        "Araújo",
    ),
}


def language(locale: str) -> str:
    return locale.split("-")[0]
