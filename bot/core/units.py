"""Units and currencies of German news figures: canonical names and their spellings.

``bot.core.numbers`` reads a unit after a number (``2,5 Prozent``, ``300 Kilowattstunden``,
``120 Kilometer pro Stunde``) and a currency before it (``US-$ 1.234,50``, ``€ 5``). Longer
spellings come first and every spelling ends at a word end, so a compound unit is never cut
by a unit that is its prefix (``Kilowattstunden`` is not ``Kilowatt``).
"""

from __future__ import annotations

import re

# Units and currencies after a number: canonical name, then the spellings (longest first).
UNITS: tuple[tuple[str, str], ...] = (
    ("Prozentpunkte", r"Prozentpunkten?"),
    ("Basispunkte", r"Basispunkten?"),
    ("Prozent", r"Prozent|%"),
    ("Euro", r"Euro|€|EUR"),
    ("Dollar", r"US-Dollar|Dollar|US-\$|\$|USD"),
    ("Franken", r"Franken|CHF"),
    ("Pfund", r"Pfund|£|GBP"),
    ("Yen", r"Yen|JPY"),
    ("Yuan", r"Yuan|Renminbi|CNY"),
    ("Rubel", r"Rubel"),
    ("Kronen", r"Kronen"),
    ("Mark", r"Mark|DM"),
    ("Schilling", r"Schilling"),
    ("Cent", r"Cent"),
    # Speeds before lengths: "Kilometer pro Stunde" is a speed, not "Kilometer".
    ("km/h", r"km/h|Stundenkilometern?|Kilometern? pro Stunde|Kilometern? in der Stunde"),
    ("m/s", r"m/s|Metern? pro Sekunde"),
    ("Quadratkilometer", r"Quadratkilometern?|km²"),
    ("Quadratmeter", r"Quadratmetern?|m²|qm"),
    ("Kubikmeter", r"Kubikmetern?|m³"),
    ("Hektar", r"Hektar|ha"),
    ("Kilometer", r"Kilometern?|km"),
    ("Zentimeter", r"Zentimetern?|cm"),
    ("Millimeter", r"Millimetern?|mm"),
    ("Meter", r"Metern?|m"),
    ("Meilen", r"Seemeilen|Meilen"),
    ("Tonnen", r"Tonnen|t"),
    ("Kilogramm", r"Kilogramm|Kilo|kg"),
    ("Milligramm", r"Milligramm|mg"),
    ("Mikrogramm", r"Mikrogramm|µg"),
    ("Gramm", r"Gramm|g"),
    ("Hektoliter", r"Hektolitern?|hl"),
    ("Milliliter", r"Millilitern?|ml"),
    ("Liter", r"Litern?"),
    ("Barrel", r"Barrel"),
    ("Grad", r"Grad(?: Celsius)?|°C|°"),
    # Energy before power: "Kilowattstunden" is not "Kilowatt".
    ("Terawattstunden", r"Terawattstunden|TWh"),
    ("Gigawattstunden", r"Gigawattstunden|GWh"),
    ("Megawattstunden", r"Megawattstunden|MWh"),
    ("Kilowattstunden", r"Kilowattstunden|kWh"),
    ("Gigawatt", r"Gigawatt|GW"),
    ("Megawatt", r"Megawatt|MW"),
    ("Kilowatt", r"Kilowatt|kW"),
    ("PS", r"PS"),
    ("Dezibel", r"Dezibel|dB"),
    ("Stunden", r"Stunden?"),
    ("Minuten", r"Minuten?"),
    ("Sekunden", r"Sekunden?|Sek\."),
    ("Tage", r"Tagen?|Tag"),
    ("Wochen", r"Wochen?"),
    ("Monate", r"Monaten?|Monat"),
    ("Jahrzehnte", r"Jahrzehnten?"),
    ("Jahre", r"Jahren?|Jahr"),
)
# Every unit ends at a word end, so a compound is never cut by a unit that is its prefix.
UNIT_RES = tuple(
    (name, re.compile(r"[ \u00a0]?(?:" + pattern + r")(?![\w$€£¥])")) for name, pattern in UNITS
)
# Currencies written before the number (``US-$ 1.234,50``, ``€ 5``, ``CHF 20``).
CURRENCY_BEFORE_RE = re.compile(
    r"(?<![\w$€£])(US-\$|US\$|\$|€|EUR|USD|CHF|£|GBP|¥|JPY|Fr\.|sFr\.)[ \u00a0]?$"
)
CURRENCY_UNITS = {
    "US-$": "Dollar",
    "US$": "Dollar",
    "$": "Dollar",
    "USD": "Dollar",
    "€": "Euro",
    "EUR": "Euro",
    "CHF": "Franken",
    "Fr.": "Franken",
    "sFr.": "Franken",
    "£": "Pfund",
    "GBP": "Pfund",
    "¥": "Yen",
    "JPY": "Yen",
}


def unit_at(text: str, end: int) -> tuple[str | None, int]:
    """Return the canonical unit written at ``end`` (after a space) and where it ends."""
    for name, pattern in UNIT_RES:
        if match := pattern.match(text, end):
            return name, match.end()
    return None, end
