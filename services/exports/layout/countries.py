"""Country names for the last line of an address abroad, in the sender's language (Finnish or English),
for the countries Finnish mail goes to most; any other country prints as its two-letter code."""

# code -> (Finnish, English)
COUNTRY_NAMES = {
    "AT": ("Itävalta", "Austria"),
    "AU": ("Australia", "Australia"),
    "BE": ("Belgia", "Belgium"),
    "CA": ("Kanada", "Canada"),
    "CH": ("Sveitsi", "Switzerland"),
    "CN": ("Kiina", "China"),
    "CZ": ("Tšekki", "Czechia"),
    "DE": ("Saksa", "Germany"),
    "DK": ("Tanska", "Denmark"),
    "EE": ("Viro", "Estonia"),
    "ES": ("Espanja", "Spain"),
    "FI": ("Suomi", "Finland"),
    "FR": ("Ranska", "France"),
    "GB": ("Iso-Britannia", "United Kingdom"),
    "GR": ("Kreikka", "Greece"),
    "HU": ("Unkari", "Hungary"),
    "IE": ("Irlanti", "Ireland"),
    "IS": ("Islanti", "Iceland"),
    "IT": ("Italia", "Italy"),
    "JP": ("Japani", "Japan"),
    "LT": ("Liettua", "Lithuania"),
    "LU": ("Luxemburg", "Luxembourg"),
    "LV": ("Latvia", "Latvia"),
    "NL": ("Alankomaat", "Netherlands"),
    "NO": ("Norja", "Norway"),
    "PL": ("Puola", "Poland"),
    "PT": ("Portugali", "Portugal"),
    "RU": ("Venäjä", "Russia"),
    "SE": ("Ruotsi", "Sweden"),
    "UA": ("Ukraina", "Ukraine"),
    "US": ("Yhdysvallat", "United States"),
}


def country_name(code, language="fi"):
    """The country's name in Finnish ('fi') or English (any other language); the code if not listed."""
    code = (code or "").strip().upper()
    names = COUNTRY_NAMES.get(code)
    if names is None:
        return code
    return names[0] if language == "fi" else names[1]
