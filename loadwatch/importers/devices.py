"""A FIT file's maker and product as a person would say them ("Garmin Forerunner 955",
"COROS APEX Pro"), from the FIT profile's names (`fit_products`, generated), never numbers."""

from __future__ import annotations

import re

from loadwatch.importers.fit_products import GARMIN_PRODUCTS, MANUFACTURERS

# Makers whose `product` numbers are Garmin's product list (the FIT profile's garmin_product).
_GARMIN_FAMILY = frozenset({"garmin", "dynastream", "dynastream_oem", "tacx"})
# How the makers write their own names, where capitalising the profile's words is wrong.
_MAKER_NAMES = {
    "coros": "COROS",
    "dynastream": "Garmin",
    "dynastream_oem": "Garmin",
    "polar_electro": "Polar",
    "wahoo_fitness": "Wahoo",
    "tomtom": "TomTom",
    "4iiiis": "4iiii",
    "development": "",  # a developer's test device: nothing worth showing
}
_PRODUCT_WORDS = {"fr": "Forerunner", "hrm": "HRM", "marq": "MARQ", "lte": "LTE", "xt": "XT"}
_TOKEN = re.compile(r"([a-z]+)(\d+)([a-z]*)")


def _word(token: str) -> str:
    return _PRODUCT_WORDS.get(token, token.capitalize())


def product_label(name: str) -> str:
    """The profile's product name in words: `fr955` -> "Forerunner 955", `fenix7s` -> "Fenix
    7S", `edge_1040` -> "Edge 1040"."""
    words: list[str] = []
    for token in name.split("_"):
        match = _TOKEN.fullmatch(token)
        if match:
            letters, digits, tail = match.groups()
            words += [_word(letters), digits + tail.upper()]
        elif token:
            words.append(_word(token))
    return " ".join(words)


def maker_label(manufacturer: object) -> str:
    """The maker's name from the profile's name or number ("" for an unknown number)."""
    if isinstance(manufacturer, int):
        manufacturer = MANUFACTURERS.get(manufacturer, "")
    text = str(manufacturer or "")
    if text in _MAKER_NAMES:
        return _MAKER_NAMES[text]
    return " ".join(w.capitalize() for w in text.split("_") if w)


def device_name(manufacturer: object, product: object, product_name: object = None) -> str | None:
    """ "Garmin Forerunner 955" from (`garmin` or 1, `fr955` or 4024); the file's own product
    name when it has one (COROS: "APEX Pro"); a maker alone ("Zwift") when its product number
    names nothing we know; None when the file names neither."""
    raw_maker = (
        MANUFACTURERS.get(manufacturer, "") if isinstance(manufacturer, int) else manufacturer
    )
    maker = maker_label(manufacturer)
    if isinstance(product_name, str) and product_name.strip():
        model = product_name.strip()
    elif isinstance(product, str) and product:
        model = product_label(product)
    elif isinstance(product, int) and str(raw_maker) in _GARMIN_FAMILY:
        model = product_label(GARMIN_PRODUCTS.get(product, ""))
    else:
        model = ""
    if model and maker and model.casefold().startswith(maker.casefold()):
        maker = ""  # "Garmin Garmin Edge" or "COROS COROS APEX"
    return " ".join(p for p in (maker, model) if p) or None
