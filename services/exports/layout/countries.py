"""Country names for the last line of an address abroad, in the sender's language (Finnish, Swedish or
English), for the countries Finnish mail goes to most; any other country prints as its two-letter code."""

# code -> (Finnish, Swedish, English)
COUNTRY_NAMES = {
    "AT": ("Itävalta", "Österrike", "Austria"),
    "AU": ("Australia", "Australien", "Australia"),
    "BE": ("Belgia", "Belgien", "Belgium"),
    "CA": ("Kanada", "Kanada", "Canada"),
    "CH": ("Sveitsi", "Schweiz", "Switzerland"),
    "CN": ("Kiina", "Kina", "China"),
    "CZ": ("Tšekki", "Tjeckien", "Czechia"),
    "DE": ("Saksa", "Tyskland", "Germany"),
    "DK": ("Tanska", "Danmark", "Denmark"),
    "EE": ("Viro", "Estland", "Estonia"),
    "ES": ("Espanja", "Spanien", "Spain"),
    "FI": ("Suomi", "Finland", "Finland"),
    "FR": ("Ranska", "Frankrike", "France"),
    "GB": ("Iso-Britannia", "Storbritannien", "United Kingdom"),
    "GR": ("Kreikka", "Grekland", "Greece"),
    "HU": ("Unkari", "Ungern", "Hungary"),
    "IE": ("Irlanti", "Irland", "Ireland"),
    "IS": ("Islanti", "Island", "Iceland"),
    "IT": ("Italia", "Italien", "Italy"),
    "JP": ("Japani", "Japan", "Japan"),
    "LT": ("Liettua", "Litauen", "Lithuania"),
    "LU": ("Luxemburg", "Luxemburg", "Luxembourg"),
    "LV": ("Latvia", "Lettland", "Latvia"),
    "NL": ("Alankomaat", "Nederländerna", "Netherlands"),
    "NO": ("Norja", "Norge", "Norway"),
    "PL": ("Puola", "Polen", "Poland"),
    "PT": ("Portugali", "Portugal", "Portugal"),
    "RU": ("Venäjä", "Ryssland", "Russia"),
    "SE": ("Ruotsi", "Sverige", "Sweden"),
    "UA": ("Ukraina", "Ukraina", "Ukraine"),
    "US": ("Yhdysvallat", "USA", "United States"),
}


def country_name(code, language="fi"):
    """The country's name in Finnish ('fi'), Swedish ('sv') or English (any other language); the code if
    not listed."""
    code = (code or "").strip().upper()
    names = COUNTRY_NAMES.get(code)
    if names is None:
        return code
    return names[{"fi": 0, "sv": 1}.get(language, 2)]
